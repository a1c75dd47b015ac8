from __future__ import annotations

import itertools

import pytest

from pantau.collect.base import Act, Capability, all_collectors, collector_for
from pantau.errors import CollectError


def test_every_example_url_is_claimed_by_exactly_its_collector() -> None:
    collectors = all_collectors()
    for cls in collectors:
        assert cls.example_urls, cls
        for url in cls.example_urls:
            claimers = [c.platform for c in collectors if c.claims(url)]
            assert claimers == [cls.platform], url


def test_no_two_collectors_claim_the_same_url_with_replica_base_urls() -> None:
    bases = {c.platform: f"http://127.0.0.1:{4000 + i}" for i, c in enumerate(all_collectors())}
    for a, b in itertools.combinations(all_collectors(), 2):
        for url in a.example_urls:
            local = url.replace(url.split("/")[2], bases[a.platform][7:]).replace(
                "https://", "http://"
            )
            assert a.claims(local, bases[a.platform]), local
            assert not b.claims(local, bases[b.platform]), (b.platform, local)
            assert not b.claims(url, bases[b.platform]), (b.platform, url)


def test_foreign_and_reserved_urls_are_not_claimed() -> None:
    for url in (
        "https://x.com/i/flow/login",
        "https://www.instagram.com/accounts/login/",
        "https://www.facebook.com/login.php",
        "https://example.com/kpu_ri",
    ):
        assert not any(c.claims(url) for c in all_collectors()), url


EXPECTED = {
    # act: (x, instagram, facebook, tiktok) as (observable, needs_login)
    Act.POSTS: ((True, False), (True, False), (True, False), (True, False)),
    Act.COMMENTS: ((True, True), (False, False), (False, False), (False, False)),
    Act.SHARES: ((True, False), (False, False), (True, False), (True, False)),
    Act.LIKES_GIVEN: ((False, False), (False, False), (False, False), (False, False)),
    Act.LIKERS_OF_POST: ((False, False), (True, True), (True, True), (False, False)),
    Act.FOLLOWING: ((True, True), (True, True), (False, False), (True, True)),
}


def test_capability_table_matches_what_platforms_show() -> None:
    by_platform = {c.platform: c for c in all_collectors()}
    assert list(by_platform) == ["x", "instagram", "facebook", "tiktok"]
    for act, rows in EXPECTED.items():
        for platform, (observable, needs_login) in zip(by_platform, rows, strict=True):
            cap = by_platform[platform].capabilities[act]
            assert (cap.observable, cap.needs_login) == (observable, needs_login), (
                platform,
                act,
            )
            if not observable:
                assert cap.note, f"{platform} {act}: unobservable acts say why"


def test_capability_usable_depends_on_login() -> None:
    cap = Capability(True, needs_login=True)
    assert not cap.usable(logged_in=False)
    assert cap.usable(logged_in=True)
    assert not Capability(False).usable(logged_in=True)


def test_collector_for_builds_with_base_url_and_refuses_unknown() -> None:
    c = collector_for("tiktok", base_url="http://127.0.0.1:9/")
    assert c.profile_url("kpu_ri") == "http://127.0.0.1:9/@kpu_ri"
    assert c.is_api("/api/post/item_list/?secUid=a&cursor=0")
    assert not c.is_api("/static/app.js")
    with pytest.raises(CollectError, match="no collector"):
        collector_for("myspace", base_url="http://a")


def test_x_op_names_come_from_the_graphql_path() -> None:
    c = collector_for("x", base_url="https://x.com")
    assert c.op_for("https://x.com/i/api/graphql/Abc123/UserTweets?variables=%7B%7D") == (
        "UserTweets"
    )
