"""TikTok web payloads: ``__UNIVERSAL_DATA_FOR_REHYDRATION__`` page data and the XHR bodies.

Shapes follow the captures: ``webapp.user-detail.userInfo`` = ``{user, stats, statsV2,
itemList}``; items = ``{id, desc, createTime, author{...}, stats, textExtra, contents}``;
comments = ``{cid, text, aweme_id, create_time, digg_count, reply_id, reply_comment_total,
user{uid, unique_id, nickname, sec_uid}}``.
"""

from __future__ import annotations

from typing import Any

from pantau.collect.replica.scenario import Account, Post, Scenario

PAGE_SIZE = 30
COMMENT_PAGE = 20
# TikTok's status codes for a missing user and for a list its owner keeps private.
USER_NOT_FOUND = 10202
LIST_PRIVATE = 10222


def _avatar(acc: Account, size: str) -> str:
    return f"https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{acc.id}~c5_{size}.jpeg"


def user(acc: Account) -> dict[str, Any]:
    return {
        "id": acc.id,
        "shortId": "",
        "uniqueId": acc.handle,
        "nickname": acc.name,
        "avatarLarger": _avatar(acc, "1080x1080"),
        "avatarMedium": _avatar(acc, "720x720"),
        "avatarThumb": _avatar(acc, "100x100"),
        "signature": acc.bio,
        "createTime": int(acc.created_at.timestamp()),
        "verified": acc.verified,
        "secUid": acc.sec_uid,
        "ftc": False,
        "relation": 0,
        "openFavorite": acc.open_favorite,
        "commentSetting": 0,
        "duetSetting": 0,
        "stitchSetting": 0,
        "privateAccount": acc.private,
        "secret": acc.private,
        "isADVirtual": False,
        "roomId": "",
        "uniqueIdModifyTime": 0,
        "ttSeller": False,
        "downloadSetting": 0,
        "profileTab": {"showMusicTab": False, "showQuestionTab": False, "showPlayListTab": False},
        "followingVisibility": acc.following_visibility,
        "recommendReason": "",
        "nowInvitationCardUrl": "",
        "nickNameModifyTime": 0,
        "isEmbedBanned": False,
        "canExpPlaylist": False,
        "profileEmbedPermission": 1,
        "language": "id",
        "eventList": [],
        "suggestAccountBind": False,
        "isOrganization": 0,
        "UserStoryStatus": 0,
    }


def stats(scn: Scenario, acc: Account) -> dict[str, int]:
    hearts = sum(scn.like_count(p) for p in scn.timeline("tiktok", acc.handle))
    return {
        "followerCount": scn.follower_count(acc),
        "followingCount": len(scn.following_of("tiktok", acc.handle)),
        "heart": hearts,
        "heartCount": hearts,
        "videoCount": len(scn.timeline("tiktok", acc.handle)),
        "diggCount": len(scn.liked_by("tiktok", acc.handle)),
        "friendCount": 0,
    }


def user_info(scn: Scenario, acc: Account) -> dict[str, Any]:
    st = stats(scn, acc)
    return {
        "user": user(acc),
        "stats": st,
        "statsV2": {k: str(v) for k, v in st.items()},
        "itemList": [],
    }


def _text_extra(scn: Scenario, post: Post) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tag in post.hashtags:
        start = post.text.find("#" + tag)
        out.append(
            {
                "awemeId": "",
                "start": start,
                "end": start + len(tag) + 1,
                "hashtagId": "",
                "hashtagName": tag,
                "type": 1,
                "subType": 0,
                "userId": "",
                "isCommerce": False,
                "userUniqueId": "",
                "secUid": "",
            }
        )
    for handle in post.mentions:
        acc = scn.account("tiktok", handle)
        start = post.text.find("@" + handle)
        out.append(
            {
                "awemeId": "",
                "start": start,
                "end": start + len(handle) + 1,
                "hashtagId": "",
                "hashtagName": "",
                "type": 0,
                "subType": 0,
                "userId": acc.id if acc else "",
                "isCommerce": False,
                "userUniqueId": handle,
                "secUid": acc.sec_uid if acc else "",
            }
        )
    return out


def item(scn: Scenario, post: Post) -> dict[str, Any]:
    author = scn.account("tiktok", post.author)
    assert author is not None
    extra = _text_extra(scn, post)
    st = {
        "diggCount": scn.like_count(post),
        "shareCount": len(scn.reposters_of("tiktok", post.id)),
        "commentCount": len(scn.comments_on("tiktok", post.id)),
        "playCount": post.views,
        "collectCount": 0,
    }
    return {
        "id": post.id,
        "desc": post.text,
        "createTime": int(post.time.timestamp()),
        "scheduleTime": 0,
        "video": {
            "id": post.id,
            "height": 1024,
            "width": 576,
            "duration": 15,
            "ratio": "540p",
            "cover": f"https://p16-sign-va.tiktokcdn.com/obj/{post.id}~tplv-cover.jpeg",
            "playAddr": f"https://v16-webapp-prime.tiktok.com/video/{post.id}/",
            "format": "mp4",
        },
        "author": user(author),
        "stats": st,
        "statsV2": {k: str(v) for k, v in st.items()},
        "duetInfo": {"duetFromId": post.quoted or "0"},
        "textExtra": extra,
        "contents": [{"desc": post.text, "textExtra": extra}],
        "isPinnedItem": post.pinned,
        "privateItem": False,
        "duetEnabled": True,
        "stitchEnabled": True,
        "shareEnabled": True,
        "isAd": False,
        "itemCommentStatus": 0,
        "locationCreated": "ID",
        "authorStats": stats(scn, author),
    }


def user_detail_scope(scn: Scenario, handle: str) -> dict[str, Any]:
    """The ``webapp.user-detail`` part of the profile page's rehydration data."""
    acc = scn.account("tiktok", handle)
    if acc is None or not acc.exists:
        return {"statusCode": USER_NOT_FOUND, "statusMsg": "", "needFix": False}
    return {
        "userInfo": user_info(scn, acc),
        "shareMeta": {"title": f"{acc.name} (@{acc.handle}) | TikTok", "desc": acc.bio},
        "statusCode": 0,
        "statusMsg": "",
        "needFix": False,
    }


def video_detail_scope(scn: Scenario, post_id: str) -> dict[str, Any]:
    post = scn.post("tiktok", post_id)
    if post is None or post.is_comment:
        return {"statusCode": 10204, "statusMsg": "item doesn't exist"}
    return {"itemInfo": {"itemStruct": item(scn, post)}, "statusCode": 0, "statusMsg": ""}


def _envelope(body: dict[str, Any]) -> dict[str, Any]:
    body.setdefault("extra", {"fatal_item_ids": [], "logid": "replica", "now": 0})
    body.setdefault("log_pb", {"impr_id": "replica"})
    body.setdefault("statusCode", 0)
    body.setdefault("status_code", body["statusCode"])
    body.setdefault("status_msg", "")
    return body


def item_list(
    scn: Scenario, sec_uid: str, *, cursor: str | None, count: int, reposts: bool = False
) -> dict[str, Any]:
    """The account's videos, or (``reposts``) the videos it reposted (``/api/repost/item_list/``:
    TikTok shows reposts in their own tab, so they never appear among the account's videos)."""
    acc = scn.account_by_id("tiktok", sec_uid)
    if acc is None or not acc.exists:
        return _envelope(
            {"statusCode": USER_NOT_FOUND, "itemList": [], "hasMore": False, "cursor": "0"}
        )
    if acc.private:
        return _envelope({"itemList": [], "hasMore": False, "cursor": "0"})
    own = scn.timeline("tiktok", acc.handle)
    if reposts:
        posts = [o for p in own if p.reposted and (o := scn.post("tiktok", p.reposted))]
    else:
        posts = [p for p in own if p.kind != "repost"]
    start = int(cursor) if cursor and cursor.isdigit() else 0
    size = max(1, min(count or PAGE_SIZE, 35))
    page = posts[start : start + size]
    return _envelope(
        {
            "cursor": str(start + len(page)),
            "hasMore": start + size < len(posts),
            "hasMorePrevious": start > 0,
            "itemList": [item(scn, p) for p in page],
        }
    )


def favorite_list(scn: Scenario, sec_uid: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    acc = scn.account_by_id("tiktok", sec_uid)
    if acc is None or not acc.exists:
        return _envelope({"statusCode": USER_NOT_FOUND, "itemList": [], "hasMore": False})
    if not acc.open_favorite:
        return _envelope(
            {"statusCode": LIST_PRIVATE, "status_msg": "", "itemList": [], "hasMore": False}
        )
    posts = scn.liked_by("tiktok", acc.handle)
    start = int(cursor) if cursor and cursor.isdigit() else 0
    size = max(1, min(count or PAGE_SIZE, 35))
    page = posts[start : start + size]
    return _envelope(
        {
            "cursor": str(start + len(page)),
            "hasMore": start + size < len(posts),
            "itemList": [item(scn, p) for p in page],
        }
    )


def comment(scn: Scenario, post: Post) -> dict[str, Any]:
    author = scn.account("tiktok", post.author)
    assert author is not None
    parent = scn.post("tiktok", post.reply_to) if post.reply_to else None
    nested = parent is not None and parent.is_comment
    return {
        "cid": post.id,
        "text": post.text,
        "aweme_id": (parent.reply_to if nested and parent else post.reply_to) or "",
        "create_time": int(post.time.timestamp()),
        "digg_count": scn.like_count(post),
        "reply_id": parent.id if nested and parent else "0",
        "reply_to_reply_id": "0",
        "reply_comment_total": len(scn.comments_on("tiktok", post.id)),
        "author_pin": False,
        "is_author_digged": False,
        "comment_language": "id",
        "status": 1,
        "text_extra": [],
        "user": {
            "uid": author.id,
            "sec_uid": author.sec_uid,
            "unique_id": author.handle,
            "nickname": author.name,
            "avatar_thumb": {"url_list": [_avatar(author, "100x100")]},
        },
    }


def comment_list(scn: Scenario, aweme_id: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    post = scn.post("tiktok", aweme_id)
    if post is None:
        return _envelope({"comments": None, "cursor": 0, "has_more": 0, "total": 0})
    items = scn.comments_on("tiktok", aweme_id)
    start = int(cursor) if cursor and cursor.isdigit() else 0
    size = max(1, min(count or COMMENT_PAGE, 50))
    page = items[start : start + size]
    return _envelope(
        {
            "comments": [comment(scn, c) for c in page],
            "cursor": start + len(page),
            "has_more": 1 if start + size < len(items) else 0,
            "total": len(items),
            "reply_style": 2,
        }
    )


def following_list(
    scn: Scenario, sec_uid: str, *, min_cursor: str | None, count: int
) -> dict[str, Any]:
    acc = scn.account_by_id("tiktok", sec_uid)
    if acc is None or not acc.exists:
        return _envelope({"statusCode": USER_NOT_FOUND, "userList": [], "hasMore": False})
    if acc.private or acc.following_visibility != 1:
        return _envelope(
            {
                "statusCode": LIST_PRIVATE,
                "userList": [],
                "hasMore": False,
                "status_msg": "This account's following list is private",
            }
        )
    users = scn.following_of("tiktok", acc.handle)
    start = int(min_cursor) if min_cursor and min_cursor.isdigit() else 0
    size = max(1, min(count or PAGE_SIZE, 50))
    page = users[start : start + size]
    return _envelope(
        {
            "userList": [{"user": user(a), "stats": stats(scn, a)} for a in page],
            "hasMore": start + size < len(users),
            "minCursor": start + len(page),
            "maxCursor": 0,
            "total": len(users),
        }
    )
