"""Instagram parser: real captures (shared fixtures) and our own small ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pantau.collect.records import WALL_LOGIN
from tests.unit.collect.parse_support import own, real

MEDIA = "3400000000000000001"


def test_media_info_post_likers_tags_and_comment() -> None:
    result = own("instagram", "media_info.json")
    post = next(p for p in result.posts if p.post_id == MEDIA)
    assert post.author_id == "51000000001"
    assert post.author_handle == "paslon_dua_demo"
    assert post.url == "https://www.instagram.com/p/DmDemoCode1/"
    assert post.created_at == datetime(2024, 10, 1, tzinfo=UTC)
    assert post.hashtags == ("PilkadaDemo", "Coblos2")
    assert post.mentions == ("wakil_demo",)  # from the caption and the usertag (once)
    assert [m.type for m in post.media] == ["photo", "video"]
    assert post.media[1].duration_s == 12.5
    likes = sorted((e.actor_id, e.verb, e.target_id) for e in result.edges if e.verb == "like")
    assert likes == [("51000000002", "like", MEDIA), ("51000000003", "like", MEDIA)]
    assert {a.account_id for a in result.accounts} >= {"51000000002", "51000000003", "51000000004"}
    comment = next(p for p in result.posts if p.kind == "comment")
    assert (comment.post_id, comment.root_post_id, comment.author_id) == (
        "17800000000000001",
        MEDIA,
        "51000000003",
    )
    metrics = {m.post_id: m for m in result.metrics}
    assert (metrics[MEDIA].likes, metrics[MEDIA].comments) == (321, 2)
    assert metrics["17800000000000001"].likes == 4


def test_likers_list_from_the_url() -> None:
    url = f"https://www.instagram.com/api/v1/media/{MEDIA}/likers/"
    result = own("instagram", "likers.json", url=url)
    assert result.op == "likers"
    assert sorted((e.actor_id, e.target_id) for e in result.edges) == [
        ("51000000002", MEDIA),
        ("51000000003", MEDIA),
    ]


def test_following_list_from_the_url() -> None:
    url = "https://www.instagram.com/api/v1/friendships/51000000002/following/?count=200"
    result = own("instagram", "following.json", url=url)
    assert result.op == "following"
    assert sorted((e.actor_id, e.verb, e.target_id) for e in result.edges) == [
        ("51000000002", "follow", "51000000001"),
        ("51000000002", "follow", "51000000004"),
    ]
    assert result.cursors == {"next_max_id": "NEXT-demo"}


def test_comments_connection_with_replies_and_cursor() -> None:
    result = own("instagram", "comments.json", subject_id=MEDIA)
    assert result.op == "comments"
    by_id = {p.post_id: p for p in result.posts}
    assert by_id["17800000000000002"].parent_post_id == MEDIA
    assert by_id["17800000000000003"].parent_post_id == "17800000000000002"
    assert by_id["17800000000000003"].root_post_id == MEDIA
    assert by_id["17800000000000002"].mentions == ("paslon_dua_demo",)
    assert {(e.actor_id, e.verb, e.target_id) for e in result.edges} == {
        ("51000000002", "comment", MEDIA),
        ("51000000003", "comment", MEDIA),
    }
    assert result.cursors == {"next": "CURSOR-demo"}


def test_web_profile_info_user() -> None:
    (account,) = own("instagram", "web_profile_info.json").accounts
    assert (account.account_id, account.handle, account.is_verified) == (
        "51000000001",
        "paslon_dua_demo",
        True,
    )
    assert (account.followers_count, account.following_count, account.posts_count) == (
        15000,
        12,
        88,
    )
    assert account.avatar_url == "https://cdn.example/hd.jpg"


def test_real_media_info(shared_dir: Path) -> None:
    result = real(shared_dir, "instagram", "pender_instagram-item-graphql.json")
    (post,) = result.posts
    assert post.post_id == "2911295595251935837"
    assert post.author_id == "52222405344"
    assert post.author_handle == "retrobayarea"
    assert post.url == "https://www.instagram.com/p/Chm_-tPJqpd/"
    assert post.text.startswith("Sunnyvale, mid-1950")
    assert "neonsigns" in post.hashtags
    assert len(post.media) == 2
    (metrics,) = result.metrics
    assert (metrics.likes, metrics.comments) == (113, 0)
    # This capture's top_likers / facepile_top_likers lists are empty: no like edges invented.
    assert result.edges == []


def test_real_logged_out_post_page(shared_dir: Path) -> None:
    result = real(shared_dir, "instagram", "pender_instagram-item-page.html")
    (post,) = result.posts
    assert (post.post_id, post.author_id, post.author_handle) == (
        "2911295595251935837",
        "52222405344",
        "retrobayarea",
    )
    assert post.text.startswith("Sunnyvale, mid-1950")
    assert result.wall != WALL_LOGIN


def test_real_profile_shell_has_no_data(shared_dir: Path) -> None:
    result = real(shared_dir, "instagram", "pender_instagram-profile-page.html")
    assert result.is_empty


def test_real_xdt_timeline_nodes(shared_dir: Path) -> None:
    result = real(shared_dir, "instagram", "scrapfly_instagram_all-user-posts.json")
    assert len(result.posts) == 36
    first = next(p for p in result.posts if p.post_id == "3917257803106639585")
    assert first.author_id == "1067259270"
    assert "zlatan" in first.mentions  # caption mention and usertag
    assert first.media and first.media[0].type == "video"
