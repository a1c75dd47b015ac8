"""Facebook parser: real captures (shared fixtures) and our own small ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pantau.collect.platforms.facebook.parse import is_login_wall
from pantau.collect.records import WALL_LOGIN
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
