"""Facebook parser: real captures (shared fixtures) and our own small ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pantau.collect.parse import parse_capture
from pantau.collect.platforms.facebook.parse import OP_COMMENTS, OP_REACTORS, is_login_wall
from pantau.collect.records import WALL_LOGIN
from pantau.collect.replica import render_facebook as render_fb
from pantau.collect.replica.scenario import Account, Like, Post, Scenario
from pantau.errors import ParseError
from tests.unit.collect.parse_support import OWN_FIXTURES, own, real


@pytest.mark.parametrize("name", ["timeline_page.html", "timeline_graphql.json"])
def test_timeline_story_with_a_share(name: str) -> None:
    result = own("facebook", name)
    posts = {p.post_id: p for p in result.posts}
    share = posts["200000000000001"]
    assert share.kind == "repost"
    assert share.reposted_post_id == "200000000000002"
    assert (share.author_id, share.author_handle) == ("100090000000001", "budi.fb.demo")
    assert share.text == "Bagikan ini ya #PilkadaDemo"
    assert share.hashtags == ("PilkadaDemo",)
    assert share.created_at == datetime(2024, 10, 1, tzinfo=UTC)
    assert share.url == "https://www.facebook.com/budi.fb.demo/posts/pfbid0demo1"
    shared = posts["200000000000002"]
    assert (shared.author_id, shared.kind) == ("100090000000002", "original")
    assert shared.text == "Program paslon empat (fiksi)"
    assert [(e.actor_id, e.verb, e.target_id) for e in result.edges] == [
        ("100090000000001", "repost", "200000000000002")
    ]
    counts = next(m for m in result.metrics if m.post_id == "200000000000001")
    assert (counts.likes, counts.comments, counts.reposts_shares) == (12, 5, 3)
    assert result.cursors == {"next": "FBCURSOR-demo"}
    assert result.wall == ""


def test_login_wall_is_reported_not_raised() -> None:
    result = own("facebook", "login_wall.html")
    assert result.is_empty and result.wall == WALL_LOGIN
    assert is_login_wall((OWN_FIXTURES / "facebook" / "login_wall.html").read_text())
    assert not is_login_wall((OWN_FIXTURES / "facebook" / "timeline_page.html").read_text())


def test_real_page_a_story(shared_dir: Path) -> None:
    result = real(shared_dir, "facebook", "garcon_v2_real-page-a-text-story-with-image.html")
    (post,) = result.posts
    assert post.post_id == "1053189635634220"
    assert post.author_id == "100028295814975"
    assert post.created_at == datetime.fromtimestamp(1673688899, tz=UTC)
    assert post.text.startswith("Nasza nowo")
    assert post.url.startswith("https://www.facebook.com/permalink.php?story_fbid=pfbid0NPAVi78")
    (metrics,) = result.metrics
    assert (metrics.likes, metrics.comments, metrics.reposts_shares) == (4, 0, 0)
    assert result.wall == ""


def test_real_page_b_story_seen_twice_is_one_post(shared_dir: Path) -> None:
    result = real(shared_dir, "facebook", "garcon_v2_real-page-b-text-story.html")
    (post,) = result.posts
    assert post.post_id == "1416281615991685"
    assert post.created_at == datetime.fromtimestamp(1723573975, tz=UTC)
    assert post.text.startswith("MENU 14 SIERPNIA")


def test_real_meedan_page(shared_dir: Path) -> None:
    result = real(shared_dir, "facebook", "pender_facebook-profile-page_meedan.html")
    (post,) = result.posts
    assert (post.post_id, post.author_id, post.author_handle) == (
        "1522700938072473",
        "100067935271247",
        "heymeedan",
    )
    (account,) = result.accounts
    assert (account.display_name, account.url) == ("Meedan", "https://www.facebook.com/heymeedan")


@pytest.mark.parametrize(
    "name",
    ["pender_facebook-profile-page_login.html", "pender_facebook-item-page_pfbid.html"],
)
def test_real_login_walls(shared_dir: Path, name: str) -> None:
    result = real(shared_dir, "facebook", name)
    assert result.is_empty and result.wall == WALL_LOGIN


# -- comments and reactors (replica-rendered CommentsList / CometUFIReactionsDialog bodies) -----

_T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
_POST = "1000000000000001"


def _feedback_scenario() -> Scenario:
    accounts = [
        Account("facebook", "tim.kampanye", "100090000000010", "Tim Kampanye"),
        Account("facebook", "budi.asn", "100090000000011", "Budi Santoso"),
        Account("facebook", "sari.asn", "100090000000012", "Sari <b>Dewi</b>"),
    ]
    posts = [
        Post("facebook", _POST, "tim.kampanye", _T0, "Ayo pilih paslon satu"),
        Post(
            "facebook",
            "1000000000000101",
            "budi.asn",
            _T0 + timedelta(minutes=5),
            "Setuju #PilihSatu @tim.kampanye",
            kind="reply",
            reply_to=_POST,
        ),
        Post(
            "facebook",
            "1000000000000102",
            "sari.asn",
            _T0 + timedelta(minutes=9),
            "Mantap",
            kind="reply",
            reply_to=_POST,
        ),
    ]
    likes = [Like("facebook", "budi.asn", _POST), Like("facebook", "sari.asn", _POST)]
    likes.append(Like("facebook", "sari.asn", "1000000000000101"))
    return Scenario(accounts=accounts, posts=posts, likes=likes)


def _body(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


_FEEDBACK = render_fb.b64(f"feedback:{_POST}")


@pytest.mark.parametrize("op", [OP_COMMENTS, ""])
def test_comments_become_comment_posts_and_edges(op: str) -> None:
    body = _body(render_fb.comments(_feedback_scenario(), _FEEDBACK, cursor=None, count=10))
    result = parse_capture("facebook", body, url="https://www.facebook.com/api/graphql/", op=op)
    assert result.op == OP_COMMENTS
    by_id = {p.post_id: p for p in result.posts}
    assert sorted(by_id) == ["1000000000000101", "1000000000000102"]
    budi = by_id["1000000000000101"]
    assert (budi.kind, budi.author_id, budi.author_handle) == (
        "comment",
        "100090000000011",
        "budi.asn",
    )
    assert (budi.parent_post_id, budi.root_post_id) == (_POST, _POST)
    assert budi.text == "Setuju #PilihSatu @tim.kampanye"
    assert (budi.hashtags, budi.mentions) == (("PilihSatu",), ("tim.kampanye",))
    assert budi.created_at == _T0 + timedelta(minutes=5)
    assert budi.url.endswith("?comment_id=1000000000000101")
    assert by_id["1000000000000102"].text == "Mantap"
    assert {
        (e.actor_id, e.verb, e.target_type, e.target_id, e.event_time) for e in result.edges
    } == {
        ("100090000000011", "comment", "post", _POST, _T0 + timedelta(minutes=5)),
        ("100090000000012", "comment", "post", _POST, _T0 + timedelta(minutes=9)),
    }
    names = {a.account_id: (a.handle, a.display_name) for a in result.accounts}
    assert names == {
        "100090000000011": ("budi.asn", "Budi Santoso"),
        "100090000000012": ("sari.asn", "Sari <b>Dewi</b>"),
    }
    likes = {m.post_id: m.likes for m in result.metrics}
    assert likes == {"1000000000000101": 1, "1000000000000102": 0}
    assert result.cursors == {}


def test_comment_pages_carry_the_next_cursor() -> None:
    scn = _feedback_scenario()
    first_page = parse_capture(
        "facebook", _body(render_fb.comments(scn, _FEEDBACK, cursor=None, count=1))
    )
    assert [p.post_id for p in first_page.posts] == ["1000000000000101"]
    cursor = first_page.cursors["next"]
    second = parse_capture(
        "facebook", _body(render_fb.comments(scn, _FEEDBACK, cursor=cursor, count=1))
    )
    assert [p.post_id for p in second.posts] == ["1000000000000102"]
    assert second.cursors == {}


@pytest.mark.parametrize("op", [OP_REACTORS, ""])
def test_reactors_become_like_edges(op: str) -> None:
    body = _body(render_fb.reactors(_feedback_scenario(), _FEEDBACK, cursor=None, count=10))
    result = parse_capture("facebook", body, op=op)
    assert result.op == OP_REACTORS
    assert result.posts == []
    assert [
        (e.actor_id, e.verb, e.target_type, e.target_id, e.source_list) for e in result.edges
    ] == [
        ("100090000000011", "like", "post", _POST, "reactors(post)"),
        ("100090000000012", "like", "post", _POST, "reactors(post)"),
    ]
    accounts = {a.account_id: a for a in result.accounts}
    assert accounts["100090000000012"].url == "https://www.facebook.com/sari.asn"
    assert accounts["100090000000012"].avatar_url.endswith("/100090000000012_n.jpg")


def test_feedback_id_not_decodable_falls_back_to_subject() -> None:
    doc = render_fb.reactors(_feedback_scenario(), _FEEDBACK, cursor=None, count=10)
    doc["data"]["node"]["id"] = "opaque"
    result = parse_capture("facebook", _body(doc), op=OP_REACTORS, subject_id="77")
    assert {e.target_id for e in result.edges} == {"77"}
    with pytest.raises(ParseError, match=r"feedback\.id"):
        parse_capture("facebook", _body(doc), op=OP_REACTORS)


def test_only_ids_may_fail() -> None:
    doc = render_fb.comments(_feedback_scenario(), _FEEDBACK, cursor=None, count=10)
    edges = doc["data"]["node"]["comment_rendering_instance_for_feed_location"]["comments"]["edges"]
    # Lenient: no author, body or time still gives the comment (id from the base64 node id).
    del edges[0]["node"]["legacy_fbid"], edges[0]["node"]["author"], edges[0]["node"]["body"]
    del edges[0]["node"]["created_time"]
    result = parse_capture("facebook", _body(doc))
    bare = next(p for p in result.posts if p.post_id == "1000000000000101")
    assert (bare.author_id, bare.text, bare.created_at) == ("", "", None)
    assert {e.actor_id for e in result.edges} == {"100090000000012"}
    edges[1]["node"]["legacy_fbid"] = None
    edges[1]["node"]["id"] = None
    with pytest.raises(ParseError, match="legacy_fbid"):
        parse_capture("facebook", _body(doc))


def test_missing_feedback_node_is_empty() -> None:
    doc = render_fb.reactors(
        _feedback_scenario(), render_fb.b64("feedback:404"), cursor=None, count=5
    )
    result = parse_capture("facebook", _body(doc), op=OP_REACTORS)
    assert (result.posts, result.edges, result.accounts) == ([], [], [])
