"""Instagram web API payloads (v1 REST), shaped like the real ``api/v1/media/{id}/info/`` body.

Media items use the same dict everywhere (media info, user feed): ``pk`` (a JSON number, like the
real API), ``id`` = ``{pk}_{owner pk}``, ``code``, ``taken_at``, ``user``, ``caption``,
``like_count``, ``comment_count``, ``usertags``, ``top_likers``, ``facepile_top_likers``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pantau.collect.replica.scenario import Account, Post, Scenario

PAGE_SIZE = 12
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def shortcode(pk: str) -> str:
    """Instagram's shortcode is the media pk written in its base-64 alphabet."""
    n, out = int(pk), ""
    while n:
        n, rem = divmod(n, 64)
        out = _ALPHABET[rem] + out
    return out or "A"


def pk_from_shortcode(code: str) -> str:
    n = 0
    for ch in code:
        n = n * 64 + _ALPHABET.index(ch)
    return str(n)


def _pic(acc: Account) -> str:
    return f"https://scontent.cdninstagram.com/v/t51.2885-19/{acc.id}_n.jpg"


def user_small(acc: Account) -> dict[str, Any]:
    return {
        "pk": int(acc.id),
        "pk_id": acc.id,
        "id": acc.id,
        "username": acc.handle,
        "full_name": acc.name,
        "is_private": acc.private,
        "is_verified": acc.verified,
        "profile_pic_id": f"{acc.id}_{acc.id}",
        "profile_pic_url": _pic(acc),
        "has_anonymous_profile_picture": False,
        "account_badges": [],
        "latest_reel_media": 0,
    }


def media_item(scn: Scenario, post: Post) -> dict[str, Any]:
    author = scn.account("instagram", post.author)
    assert author is not None
    likers = scn.likers_of("instagram", post.id)
    comments = scn.comments_on("instagram", post.id)
    usertags = [
        {"user": user_small(acc), "position": [0.5, 0.5]}
        for handle in post.mentions
        if (acc := scn.account("instagram", handle))
    ]
    ts = int(post.time.timestamp())
    return {
        "taken_at": ts,
        "pk": int(post.id),
        "id": f"{post.id}_{author.id}",
        "device_timestamp": ts * 1000,
        "media_type": 1,
        "code": shortcode(post.id),
        "client_cache_key": "",
        "filter_type": 0,
        "caption_is_edited": False,
        "like_and_view_counts_disabled": False,
        "is_paid_partnership": False,
        "comment_likes_enabled": True,
        "comment_threading_enabled": True,
        "has_more_comments": len(comments) > 2,
        "max_num_visible_preview_comments": 2,
        "preview_comments": [comment(scn, c) for c in comments[:2]],
        "comments": [],
        "can_view_more_preview_comments": len(comments) > 2,
        "comment_count": len(comments),
        "image_versions2": {
            "candidates": [
                {
                    "width": 1080,
                    "height": 1080,
                    "url": f"https://scontent.cdninstagram.com/v/t51.2885-15/{post.id}_n.jpg",
                }
            ]
        },
        "original_width": 1080,
        "original_height": 1080,
        "user": user_small(author),
        "can_viewer_reshare": True,
        "like_count": scn.like_count(post),
        "has_liked": False,
        "top_likers": [a.handle for a in likers[:3]],
        "facepile_top_likers": [user_small(a) for a in likers[:3]],
        "photo_of_you": False,
        "usertags": {"in": usertags} if usertags else None,
        "caption": {
            "pk": int(post.id) + 1,
            "user_id": int(author.id),
            "text": post.text,
            "type": 1,
            "created_at": ts,
            "created_at_utc": ts,
            "content_type": "comment",
            "status": "Active",
            "bit_flags": 0,
            "user": user_small(author),
            "is_covered": False,
            "media_id": int(post.id),
            "private_reply_status": 0,
        },
        "can_viewer_save": True,
        "product_type": "feed",
        "is_pinned": post.pinned,
        "timeline_pinned_user_ids": [int(author.id)] if post.pinned else [],
        "deleted_reason": 0,
    }


def comment(scn: Scenario, post: Post) -> dict[str, Any]:
    author = scn.account("instagram", post.author)
    assert author is not None
    ts = int(post.time.timestamp())
    return {
        "pk": post.id,
        "user_id": author.id,
        "text": post.text,
        "type": 0,
        "created_at": ts,
        "created_at_utc": ts,
        "content_type": "comment",
        "status": "Active",
        "bit_flags": 0,
        "did_report_as_spam": False,
        "share_enabled": False,
        "user": user_small(author),
        "is_covered": False,
        "media_id": post.reply_to,
        "comment_like_count": scn.like_count(post),
        "child_comment_count": 0,
        "has_liked_comment": False,
        "private_reply_status": 0,
    }


def web_profile_info(scn: Scenario, username: str) -> tuple[int, dict[str, Any]]:
    acc = scn.account("instagram", username)
    if acc is None or not acc.exists:
        return 404, {"data": {"user": None}, "status": "ok"}
    posts = scn.timeline("instagram", acc.handle)
    visible = [] if acc.private else posts[:PAGE_SIZE]
    edges = [{"node": _graph_node(scn, p)} for p in visible]
    user = {
        "biography": acc.bio,
        "bio_links": [],
        "edge_followed_by": {"count": scn.follower_count(acc)},
        "edge_follow": {"count": len(scn.following_of("instagram", acc.handle))},
        "full_name": acc.name,
        "id": acc.id,
        "fbid": f"1784{acc.id}",
        "is_business_account": False,
        "is_private": acc.private,
        "is_verified": acc.verified,
        "profile_pic_url": _pic(acc),
        "profile_pic_url_hd": _pic(acc),
        "username": acc.handle,
        "edge_owner_to_timeline_media": {
            "count": len(posts),
            "page_info": {
                "has_next_page": not acc.private and len(posts) > PAGE_SIZE,
                "end_cursor": _cursor(PAGE_SIZE) if len(posts) > PAGE_SIZE else None,
            },
            "edges": edges,
        },
    }
    return 200, {"data": {"user": user}, "status": "ok"}


def _graph_node(scn: Scenario, post: Post) -> dict[str, Any]:
    author = scn.account("instagram", post.author)
    assert author is not None
    return {
        "__typename": "GraphImage",
        "id": post.id,
        "shortcode": shortcode(post.id),
        "taken_at_timestamp": int(post.time.timestamp()),
        "is_video": False,
        "display_url": f"https://scontent.cdninstagram.com/v/t51.2885-15/{post.id}_n.jpg",
        "edge_media_to_caption": {"edges": [{"node": {"text": post.text}}]},
        "edge_media_to_comment": {"count": len(scn.comments_on("instagram", post.id))},
        "edge_liked_by": {"count": scn.like_count(post)},
        "edge_media_preview_like": {"count": scn.like_count(post)},
        "edge_media_to_tagged_user": {
            "edges": [
                {"node": {"user": {"id": a.id, "username": a.handle, "full_name": a.name}}}
                for h in post.mentions
                if (a := scn.account("instagram", h))
            ]
        },
        "owner": {"id": author.id, "username": author.handle},
        "pinned_for_users": [{"id": author.id}] if post.pinned else [],
    }


def _cursor(offset: int) -> str:
    return f"{offset}_replica"


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    head = cursor.split("_", 1)[0]
    return int(head) if head.isdigit() else 0


T = TypeVar("T")


def _visible_account(scn: Scenario, user_id: str) -> Account | tuple[int, dict[str, Any]]:
    """The account, or Instagram's refusal for a missing or private one."""
    acc = scn.account_by_id("instagram", user_id)
    if acc is None or not acc.exists:
        return 404, {"message": "User not found", "status": "fail"}
    if acc.private:
        return 400, {"message": "Not authorized to view user", "status": "fail"}
    return acc


def _page(
    items: list[T], cursor: str | None, count: int, *, cap: int
) -> tuple[list[T], int, int, bool]:
    """One page of ``items`` after ``cursor``: (page, start, size, more)."""
    start = _offset(cursor)
    size = max(1, min(count or PAGE_SIZE, cap))
    return items[start : start + size], start, size, start + size < len(items)


def user_feed(
    scn: Scenario, user_id: str, *, max_id: str | None, count: int
) -> tuple[int, dict[str, Any]]:
    acc = _visible_account(scn, user_id)
    if isinstance(acc, tuple):
        return acc
    posts = scn.timeline("instagram", acc.handle)
    page, start, size, more = _page(posts, max_id, count, cap=50)
    body: dict[str, Any] = {
        "items": [media_item(scn, p) for p in page],
        "num_results": len(page),
        "more_available": more,
        "auto_load_more_enabled": True,
        "status": "ok",
    }
    if more:
        body["next_max_id"] = _cursor(start + size)
    return 200, body


def media_info(scn: Scenario, media_id: str) -> tuple[int, dict[str, Any]]:
    pk = media_id.split("_", 1)[0]
    post = scn.post("instagram", pk)
    if post is None or post.is_comment:
        return 404, {"message": "Media not found or unavailable", "status": "fail"}
    return 200, {
        "items": [media_item(scn, post)],
        "num_results": 1,
        "more_available": False,
        "auto_load_more_enabled": False,
        "showQRModal": False,  # the captured body has no "status" key
    }


def comments(scn: Scenario, media_id: str, *, min_id: str | None) -> tuple[int, dict[str, Any]]:
    pk = media_id.split("_", 1)[0]
    post = scn.post("instagram", pk)
    if post is None:
        return 404, {"message": "Media not found or unavailable", "status": "fail"}
    items = scn.comments_on("instagram", pk)
    start = _offset(min_id)
    page = items[start : start + 15]
    more = start + 15 < len(items)
    body: dict[str, Any] = {
        "comments": [comment(scn, c) for c in page],
        "comment_count": len(items),
        "comment_likes_enabled": True,
        "has_more_comments": more,
        "has_more_headload_comments": False,
        "caption": media_item(scn, post)["caption"],
        "status": "ok",
    }
    if more:
        body["next_min_id"] = _cursor(start + 15)
    return 200, body


def likers(scn: Scenario, media_id: str) -> tuple[int, dict[str, Any]]:
    pk = media_id.split("_", 1)[0]
    post = scn.post("instagram", pk)
    if post is None:
        return 404, {"message": "Media not found or unavailable", "status": "fail"}
    users = scn.likers_of("instagram", pk)
    return 200, {"users": [user_small(a) for a in users], "user_count": len(users), "status": "ok"}


def following(
    scn: Scenario, user_id: str, *, max_id: str | None, count: int
) -> tuple[int, dict[str, Any]]:
    acc = _visible_account(scn, user_id)
    if isinstance(acc, tuple):
        return acc
    users = scn.following_of("instagram", acc.handle)
    page, start, size, more = _page(users, max_id, count, cap=200)
    body: dict[str, Any] = {
        "users": [user_small(a) for a in page],
        "big_list": more,
        "page_size": size,
        "has_more": more,
        "should_limit_list_of_followers": False,
        "status": "ok",
    }
    if more:
        body["next_max_id"] = str(start + size)
    return 200, body
