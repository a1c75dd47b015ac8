"""TikTok parser: real captures (shared fixtures) and our own small ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.unit.collect.parse_support import own, real

VIDEO = "7400000000000000001"


def test_sigi_item_page_post_comments_and_authors() -> None:
    result = own("tiktok", "item_page_sigi.html")
    assert result.op == "sigi_state"
    post = next(p for p in result.posts if p.post_id == VIDEO)
    assert (post.author_id, post.author_handle) == ("6900000000000000001", "budi_tt_demo")
    assert post.url == f"https://www.tiktok.com/@budi_tt_demo/video/{VIDEO}"
    assert post.created_at == datetime(2024, 10, 1, tzinfo=UTC)
    assert post.hashtags == ("PilkadaDemo",)
    assert post.mentions == ("warga_tt_demo",)
    comments = {p.post_id: p for p in result.posts if p.kind == "comment"}
    top = comments["7400000000000000101"]
    reply = comments["7400000000000000102"]
    assert (top.author_id, top.parent_post_id, top.root_post_id) == (
        "6900000000000000002",
        VIDEO,
        VIDEO,
    )
    assert reply.parent_post_id == "7400000000000000101"
    assert {(e.actor_id, e.verb, e.target_id) for e in result.edges} == {
        ("6900000000000000002", "comment", VIDEO),
        ("6900000000000000001", "comment", VIDEO),
    }
    budi = next(a for a in result.accounts if a.account_id == "6900000000000000001")
    assert (budi.followers_count, budi.likes_public, budi.sec_uid) == (
        300,
        True,
        "MS4wLjABAAAA-demo-1",
    )
    metrics = {m.post_id: m for m in result.metrics}
    assert (metrics[VIDEO].likes, metrics[VIDEO].reposts_shares, metrics[VIDEO].views) == (
        55,
        4,
        1000,
    )


def test_rehydration_profile_visibility_flags() -> None:
    (account,) = own("tiktok", "profile_page_rehydration.html").accounts
    assert (account.account_id, account.followers_count) == ("6900000000000000001", 301)
    assert account.following_public is False
    assert account.likes_public is True


def test_item_list_api_pinned_and_cursor() -> None:
    result = own("tiktok", "item_list.json")
    (post,) = result.posts
    assert post.is_pinned is True and post.author_id == "6900000000000000001"
    assert post.media[0].duration_s == 15.0
    assert result.cursors == {"cursor": "1727740800000"}


def test_user_list_api_is_following_of_the_subject() -> None:
    result = own("tiktok", "user_list.json", subject_id="6900000000000000001")
    assert [(e.actor_id, e.verb, e.target_id) for e in result.edges] == [
        ("6900000000000000001", "follow", "6900000000000000002")
    ]
    assert result.cursors == {}  # hasMore false


def test_comment_list_api_with_user_objects() -> None:
    result = own("tiktok", "comment_list.json")
    (comment,) = result.posts
    assert (comment.author_id, comment.author_handle, comment.root_post_id) == (
        "6900000000000000003",
        "pemilih_tt_demo",
        VIDEO,
    )
    assert result.cursors == {"cursor": "20"}


def test_real_sigi_item_page_has_its_33_comments(shared_dir: Path) -> None:
    result = real(shared_dir, "tiktok", "pender_tiktok-item-page.html")
    comments = [p for p in result.posts if p.kind == "comment"]
    assert len(comments) == 33
    assert all(c.root_post_id == "7134059641968872746" for c in comments)
    first = next(c for c in comments if c.post_id == "7134076232289551150")
    assert (first.author_id, first.author_handle, first.text) == (
        "6988915818855990277",
        "starling_dust",
        "It’s corn ✨",
    )
    replies = [c for c in comments if c.parent_post_id != c.root_post_id]
    assert replies  # replies point at their parent comment
    (video,) = [p for p in result.posts if p.kind == "original"]
    assert (video.author_id, video.hashtags) == (
        "6803826275985703942",
        ("learnwatercolor", "watercolor", "corn", "ilovecorn"),
    )
    metrics = next(m for m in result.metrics if m.post_id == video.post_id)
    assert (metrics.likes, metrics.comments, metrics.views) == (4787, 52, 44500)


def test_real_sigi_profile_page(shared_dir: Path) -> None:
    result = real(shared_dir, "tiktok", "pender_tiktok-profile-page.html")
    (account,) = result.accounts
    assert (account.account_id, account.handle, account.is_verified) == (
        "19994247",
        "huxleythepandapuppy",
        True,
    )
    assert account.followers_count == 6200000
    assert len(result.posts) == 18
    assert result.cursors == {"user-post": "1652729715000", "user-liked": "0"}


def test_real_user_detail_subtree(shared_dir: Path) -> None:
    result = real(shared_dir, "tiktok", "scrapfly_tiktok_profiles.json")
    account = result.accounts[0]
    assert account.account_id == "6976999329680589829"
    assert (account.likes_public, account.following_public) == (False, True)
    assert account.sec_uid.startswith("MS4wLjABAAAAmiTQ")


def test_real_oembed(shared_dir: Path) -> None:
    (post,) = real(shared_dir, "tiktok", "pender_tiktok-item-oembed.json").posts
    assert (post.post_id, post.author_handle) == ("7134059641968872746", "rebelunicorncrafts")


def test_repost_and_favorite_lists_are_the_subjects_acts() -> None:
    subject = "6900000000000000009"
    reposts = own(
        "tiktok",
        "item_list.json",
        url="https://www.tiktok.com/api/repost/item_list/?count=30",
        subject_id=subject,
    )
    assert reposts.op == "repost_list"
    assert [(e.actor_id, e.verb, e.target_id, e.source_list) for e in reposts.edges] == [
        (subject, "repost", VIDEO, "reposts(account)")
    ]
    likes = own(
        "tiktok",
        "item_list.json",
        url="https://www.tiktok.com/api/favorite/item_list/",
        subject_id=subject,
    )
    assert [(e.verb, e.target_id) for e in likes.edges] == [("like", VIDEO)]
    own_posts = own("tiktok", "item_list.json", url="https://www.tiktok.com/api/post/item_list/")
    assert own_posts.op == "item_list" and own_posts.edges == []
