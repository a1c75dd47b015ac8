from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pantau.collect import blocks
from pantau.errors import (
    ChallengeError,
    CollectError,
    LoginWallError,
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    TruncatedResponseError,
)

KW = {"platform": "x", "item": "someone"}


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (429, RateLimitedError, "rate_limited"),
        (401, LoginWallError, "login_wall"),
        (403, LoginWallError, "login_wall"),
        (404, NotFoundError, "not_found"),
        (503, TruncatedResponseError, "truncated"),
    ],
)
def test_status_codes(status: int, error: type[CollectError], reason: str) -> None:
    with pytest.raises(error) as info:
        blocks.check_status(url="https://x.com/a", status=status, **KW)
    assert info.value.reason == reason
    assert str(info.value).startswith("[x:someone] HTTP")


def test_ok_status_passes() -> None:
    assert blocks.check_status(url="https://x.com/a", status=200, **KW) is None


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://x.com/i/flow/login?redirect_after_login=%2Fa", LoginWallError),
        ("https://www.instagram.com/accounts/login/?next=/a/", LoginWallError),
        ("https://www.facebook.com/login.php?next=x", LoginWallError),
        ("https://www.facebook.com/checkpoint/block/?next", ChallengeError),
        ("https://www.instagram.com/challenge/?next=/a/", ChallengeError),
    ],
)
def test_redirect_targets(url: str, error: type[CollectError]) -> None:
    with pytest.raises(error):
        blocks.check_url(url=url, **KW)


def test_profile_urls_are_not_walls() -> None:
    for url in ("https://x.com/loginbot", "https://www.instagram.com/accountsguy/"):
        blocks.check_url(url=url, **KW)


@pytest.mark.parametrize(
    ("body", "error", "needle"),
    [
        (b"", TruncatedResponseError, "empty body"),
        (b"   \n", TruncatedResponseError, "empty body"),
        (b'{"data": {"user": {"result": {"rest_id": "1"', TruncatedResponseError, "truncated"),
        (b"<html>not json</html>", TruncatedResponseError, "malformed"),
        (
            json.dumps({"errors": [{"code": 88, "message": "Rate limit exceeded."}]}).encode(),
            RateLimitedError,
            "Rate limit exceeded",
        ),
        (
            json.dumps({"errors": [{"code": 32, "message": "Could not authenticate"}]}).encode(),
            LoginWallError,
            "authenticate",
        ),
        (
            json.dumps({"message": "login_required", "status": "fail"}).encode(),
            LoginWallError,
            "login required",
        ),
        (json.dumps({"require_login": True}).encode(), LoginWallError, "login required"),
        (
            json.dumps({"message": "checkpoint_required", "status": "fail"}).encode(),
            ChallengeError,
            "checkpoint_required",
        ),
        (
            json.dumps({"message": "Please wait a few minutes before you try again."}).encode(),
            RateLimitedError,
            "wait a few minutes",
        ),
    ],
)
def test_json_bodies(body: bytes, error: type[CollectError], needle: str) -> None:
    with pytest.raises(error) as info:
        blocks.check_json(url="https://x.com/i/api/graphql/q/UserTweets", body=body, **KW)
    assert needle in str(info.value)
    assert type(info.value) is error


def test_good_json_is_returned() -> None:
    body = json.dumps({"data": {"user": {"id": "1"}}, "errors": [{"code": 37}]}).encode()
    # partial errors beside data are normal on X and are not a block
    assert blocks.check_json(url="u", body=body, **KW) == {
        "data": {"user": {"id": "1"}},
        "errors": [{"code": 37}],
    }


def test_page_checks() -> None:
    wall = '<html><form id="login_form" action="/login/device-based/regular/login/"></form>'
    with pytest.raises(LoginWallError):
        blocks.check_page(url="https://www.facebook.com/p", html=wall, has_data=False, **KW)
    # the same form beside real page data is a logged-out page, not a wall
    blocks.check_page(url="https://www.facebook.com/p", html=wall, has_data=True, **KW)
    with pytest.raises(ChallengeError):
        blocks.check_page(
            url="https://t/@a", html="<title>Security Check</title>", has_data=False, **KW
        )
    with pytest.raises(TruncatedResponseError):
        blocks.check_page(url="https://t/@a", html="  ", has_data=False, **KW)


def test_profile_existence_and_privacy() -> None:
    with pytest.raises(NotFoundError):
        blocks.check_profile(exists=False, is_private=None, **KW)
    with pytest.raises(PrivateAccountError):
        blocks.check_profile(exists=True, is_private=True, **KW)
    blocks.check_profile(exists=True, is_private=False, **KW)


@pytest.mark.shared
def test_real_facebook_login_wall_and_real_pages(shared_dir: Path) -> None:
    fb = shared_dir / "fixtures" / "facebook"
    login = (fb / "pender_facebook-profile-page_login.html").read_text("utf-8", "replace")
    with pytest.raises(LoginWallError):
        blocks.check_page(url="https://www.facebook.com/x", html=login, has_data=False, **KW)
    # real pages mention "captcha" and "checkpoint" in their scripts: not challenges
    for name in ("garcon_v2_real-page-b-text-story.html",):
        html = (fb / name).read_text("utf-8", "replace")
        blocks.check_page(url="https://www.facebook.com/x", html=html, has_data=True, **KW)
    tiktok = shared_dir / "fixtures" / "tiktok" / "pender_tiktok-profile-page.html"
    blocks.check_page(
        url="https://www.tiktok.com/@x",
        html=tiktok.read_text("utf-8", "replace"),
        has_data=True,
        **KW,
    )


@pytest.mark.parametrize("platform", ["x", "instagram", "tiktok", "facebook"])
def test_the_replicas_refusal_bodies_map_to_typed_errors(platform: str) -> None:
    """The replica imitates each platform's own refusals; each must be recognised."""
    from pantau.collect.replica import faults

    cases: list[tuple[dict[str, tuple[int, Any]], type[CollectError]]] = [
        (faults.RATE_LIMIT_BODY, RateLimitedError),
        (faults.LOGIN_BODY, LoginWallError),
        (faults.CHALLENGE_BODY, ChallengeError),
    ]
    for table, error in cases:
        status, body = table[platform]
        with pytest.raises(error):
            blocks.check_status(platform=platform, item="a", url="u", status=status)
            blocks.check_json(platform=platform, item="a", url="u", body=json.dumps(body).encode())


def test_a_streamed_graphql_body_decodes_to_its_objects() -> None:
    body = b'{"data": {"node": {"id": "1"}}}\n{"label": "page_info", "data": {"page_info": {}}}\n'
    assert blocks.check_json(platform="facebook", item="a", url="u", body=body) == [
        {"data": {"node": {"id": "1"}}},
        {"label": "page_info", "data": {"page_info": {}}},
    ]


def test_a_stream_cut_mid_object_is_truncated() -> None:
    body = b'{"data": {"node": {"id": "1"}}}\n{"label": "page_info", "da'
    with pytest.raises(TruncatedResponseError):
        blocks.check_json(platform="facebook", item="a", url="u", body=body)


def test_an_error_object_inside_a_stream_still_blocks() -> None:
    body = b'{"data": {"node": {"id": "1"}}}\n{"errors": [{"code": 88, "message": "Rate limit"}]}\n'
    with pytest.raises(RateLimitedError):
        blocks.check_json(platform="x", item="a", url="u", body=body)
