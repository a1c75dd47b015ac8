"""TikTok: page state (``SIGI_STATE`` / ``__UNIVERSAL_DATA_FOR_REHYDRATION__``) and web API
bodies (``/api/post/item_list/``, ``/api/comment/list/``, ``/api/user/list/``) -> records. Pure.

In ``SIGI_STATE`` items and comments name their author by handle (``uniqueId``) and the
numeric id lives in ``UserModule.users``; the parser resolves it there.
"""

from __future__ import annotations

import html
import re
from typing import Any

from pantau.collect.parsekit import (
    JsonObj,
    RecordBuilder,
    as_obj,
    as_text,
    dig,
    first,
    from_unix,
    hashtags_in,
    load_json,
    mentions_in,
    opt_bool,
    opt_float,
    opt_id,
    opt_int,
    opt_str,
    require_id,
    script_json,
    unique,
    url_path,
    url_variables,
)
from pantau.collect.records import (
    AccountRecord,
    EdgeRecord,
    MediaRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)

PLATFORM = "tiktok"


class _Builder(RecordBuilder):
    def __init__(self, op: str) -> None:
        super().__init__(PLATFORM, op)
        self.by_handle: dict[str, str] = {}  # uniqueId -> id

    def account(self, record: AccountRecord | None, *, replace: bool = True) -> str | None:
        account_id = super().account(record, replace=replace)
        if record is not None and record.handle:
            self.by_handle[record.handle] = record.account_id
        return account_id


def parse(body: bytes | str, *, op: str = "", url: str = "", subject_id: str = "") -> ParseResult:
    """Parse one TikTok page or API body."""
    text = as_text(body)
    if text.lstrip().startswith("<"):
        return _page(text, op=op)
    data = load_json(text, platform=PLATFORM, item=url or op or "payload")
    subject = subject_id or opt_str(
        first(url_variables(url).get("userId"), url_variables(url).get("user_id"))
    )
    if isinstance(data, dict) and "html" in data and "tiktok-embed" in opt_str(data.get("html")):
        builder = _Builder(op or "oEmbed")
        _oembed(data, builder)
        return builder.result()
    builder = _Builder(op or _op_from_url(url) or _sniff(data))
    for node in data if isinstance(data, list) else [data]:
        if isinstance(node, dict):
            _api(node, builder, subject=subject)
    return builder.result()


# Item lists that are an account's acts on others' videos: op -> (verb, source list).
ACT_LISTS: dict[str, tuple[str, str]] = {
    "repost_list": ("repost", "reposts(account)"),
    "favorite_list": ("like", "likes(account)"),
}


def _op_from_url(url: str) -> str:
    path = url_path(url)
    for part, name in (
        ("/api/repost/item_list", "repost_list"),
        ("/api/favorite/item_list", "favorite_list"),
        ("/api/post/item_list", "item_list"),
        ("/api/comment/list", "comment_list"),
        ("/api/user/list", "user_list"),
    ):
        if part in path:
            return name
    return ""


def _sniff(data: Any) -> str:
    node = data[0] if isinstance(data, list) and data else data
    if not isinstance(node, dict):
        return "unknown"
    for key, name in (
        ("itemList", "item_list"),
        ("comments", "comment_list"),
        ("userList", "user_list"),
        ("userInfo", "user_detail"),
        ("itemInfo", "video_detail"),
        ("__DEFAULT_SCOPE__", "rehydration"),
        ("ItemModule", "sigi_state"),
    ):
        if key in node:
            return name
    if "user" in node and "stats" in node:
        return "user_detail"
    if "cid" in node:
        return "comment_list"
    return "item_list" if "id" in node and "createTime" in node else "unknown"


def _page(page: str, *, op: str) -> ParseResult:
    sigi = script_json(page, "SIGI_STATE")
    if isinstance(sigi, dict):
        builder = _Builder(op or "sigi_state")
        _sigi(sigi, builder)
        return builder.result()
    universal = script_json(page, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    builder = _Builder(op or "rehydration")
    if isinstance(universal, dict):
        _api(universal, builder, subject="")
    return builder.result()


def _sigi(state: JsonObj, builder: _Builder) -> None:
    users = as_obj(dig(state, "UserModule", "users"))
    stats = as_obj(dig(state, "UserModule", "stats"))
    for handle, user in users.items():
        builder.account(parse_user(user, stats.get(handle)))
    for item in as_obj(state.get("ItemModule")).values():
        if isinstance(item, dict):
            _item(item, builder)
    for comment in as_obj(state.get("CommentItem")).values():
        if isinstance(comment, dict):
            _comment(comment, builder)
    for name, listing in as_obj(state.get("ItemList")).items():
        if isinstance(listing, dict) and listing.get("hasMore") and listing.get("cursor"):
            builder.cursors[name] = opt_str(listing.get("cursor"))


def _api(node: JsonObj, builder: _Builder, *, subject: str) -> None:
    scope = as_obj(node.get("__DEFAULT_SCOPE__"))
    if scope:
        _api(as_obj(dig(scope, "webapp.user-detail")), builder, subject=subject)
        _api(as_obj(dig(scope, "webapp.video-detail")), builder, subject=subject)
        return
    info = first(node.get("userInfo"), node if "user" in node and "stats" in node else None)
    if isinstance(info, dict):
        builder.account(parse_user(info.get("user"), first(info.get("stats"), info.get("statsV2"))))
    item = first(dig(node, "itemInfo", "itemStruct"), node.get("itemStruct"))
    if isinstance(item, dict):
        _item(item, builder)
    act = ACT_LISTS.get(builder.op)
    for listed in node.get("itemList") or []:
        if isinstance(listed, dict):
            video_id = _item(listed, builder)
            if act and subject:
                builder.edge(EdgeRecord(PLATFORM, subject, act[0], "post", video_id, act[1]))
    if "id" in node and "createTime" in node and "desc" in node:
        _item(node, builder)
    for comment in node.get("comments") or []:
        if isinstance(comment, dict):
            _comment(comment, builder)
    if "cid" in node:
        _comment(node, builder)
    for entry in node.get("userList") or []:
        if isinstance(entry, dict):
            user_id = builder.account(parse_user(entry.get("user"), entry.get("stats")))
            if user_id and subject:
                edge = EdgeRecord(
                    PLATFORM, subject, "follow", "account", user_id, "following(account)"
                )
                builder.edge(edge)
    _api_cursors(node, builder)


def _api_cursors(node: JsonObj, builder: _Builder) -> None:
    more = first(node.get("hasMore"), node.get("has_more"))
    if not more:
        return
    for key in ("cursor", "maxCursor", "minCursor"):
        value = opt_str(node.get(key))
        if value:
            builder.cursors[key] = value


def parse_user(user: Any, stats: Any = None) -> AccountRecord | None:
    if not isinstance(user, dict):
        return None
    handle = opt_str(first(user.get("uniqueId"), user.get("unique_id")))
    account_id = require_id(
        first(user.get("id"), user.get("uid")), platform=PLATFORM, item=handle or "user", field="id"
    )
    stats = as_obj(stats)
    visibility = user.get("followingVisibility")
    return AccountRecord(
        platform=PLATFORM,
        account_id=account_id,
        handle=handle,
        display_name=opt_str(user.get("nickname")),
        bio=opt_str(user.get("signature")),
        url=f"https://www.tiktok.com/@{handle}" if handle else "",
        avatar_url=opt_str(
            first(user.get("avatarLarger"), user.get("avatarMedium"), user.get("avatarThumb"))
        ),
        created_at=from_unix(user.get("createTime")),
        is_private=opt_bool(first(user.get("privateAccount"), user.get("secret"))),
        is_verified=opt_bool(user.get("verified")),
        followers_count=opt_int(stats.get("followerCount")),
        following_count=opt_int(stats.get("followingCount")),
        posts_count=opt_int(stats.get("videoCount")),
        likes_public=opt_bool(user.get("openFavorite")),
        # followingVisibility: 1 = everyone (as observed in the wild), 2 = only me / friends.
        following_public=None if visibility is None else opt_int(visibility) == 1,
        sec_uid=opt_str(first(user.get("secUid"), user.get("sec_uid"))),
    )


def _author(item: JsonObj, builder: _Builder) -> tuple[str | None, str]:
    author = item.get("author")
    if isinstance(author, dict):
        record = parse_user(author, item.get("authorStats"))
        builder.account(record, replace=False)
        return (record.account_id if record else None), opt_str(author.get("uniqueId"))
    handle = opt_str(author)
    return opt_id(first(item.get("authorId"), builder.by_handle.get(handle))), handle


def _item(item: JsonObj, builder: _Builder) -> str:
    post_id = require_id(item.get("id"), platform=PLATFORM, item="item", field="id")
    author_id, handle = _author(item, builder)
    author_id = require_id(author_id, platform=PLATFORM, item=post_id, field="author.id")
    text = opt_str(first(item.get("desc"), dig(item, "contents", 0, "desc")))
    extras = [e for e in item.get("textExtra") or [] if isinstance(e, dict)]
    for content in item.get("contents") or []:
        extras += [e for e in dig(content, "textExtra") or [] if isinstance(e, dict)]
    stats = as_obj(first(item.get("statsV2"), item.get("stats")))
    duet = opt_id(dig(item, "duetInfo", "duetFromId"))
    builder.posts[post_id] = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id=author_id,
        kind="original",
        author_handle=handle,
        created_at=from_unix(item.get("createTime")),
        text=text,
        url=f"https://www.tiktok.com/@{handle}/video/{post_id}" if handle else "",
        quoted_post_id=duet,
        hashtags=unique([*(e.get("hashtagName") for e in extras), *hashtags_in(text)]),
        mentions=unique([*(e.get("userUniqueId") for e in extras), *mentions_in(text)]),
        media=_video(item),
        is_pinned=bool(item.get("isPinnedItem")),
    )
    builder.metrics[post_id] = MetricsRecord(
        platform=PLATFORM,
        post_id=post_id,
        likes=opt_int(stats.get("diggCount")),
        comments=opt_int(stats.get("commentCount")),
        reposts_shares=opt_int(stats.get("shareCount")),
        views=opt_int(stats.get("playCount")),
        saves=opt_int(stats.get("collectCount")),
    )
    return post_id


def _video(item: JsonObj) -> tuple[MediaRecord, ...]:
    video = as_obj(item.get("video"))
    images = dig(item, "imagePost", "images") or []
    out = [
        MediaRecord(
            type="photo",
            url=opt_str(dig(img, "imageURL", "urlList", 0)),
            width=opt_int(dig(img, "imageWidth")),
            height=opt_int(dig(img, "imageHeight")),
        )
        for img in images
        if isinstance(img, dict)
    ]
    if video:
        out.append(
            MediaRecord(
                media_id=opt_str(video.get("id")),
                type="video",
                url=opt_str(first(video.get("playAddr"), video.get("downloadAddr"))),
                thumb_url=opt_str(video.get("cover")),
                width=opt_int(video.get("width")),
                height=opt_int(video.get("height")),
                duration_s=opt_float(video.get("duration")),
            )
        )
    return tuple(out)


def _comment(node: JsonObj, builder: _Builder) -> None:
    comment_id = require_id(node.get("cid"), platform=PLATFORM, item="comment", field="cid")
    user = node.get("user")
    if isinstance(user, dict):
        author_id = builder.account(parse_user(user), replace=False)
        handle = opt_str(first(user.get("unique_id"), user.get("uniqueId")))
    else:
        handle = opt_str(first(user, node.get("unique_id")))
        author_id = builder.by_handle.get(handle)
    author_id = require_id(author_id, platform=PLATFORM, item=comment_id, field="comment user")
    video_id = opt_id(node.get("aweme_id"))
    reply_to = opt_id(node.get("reply_id"))  # "0" = a top-level comment
    text = opt_str(node.get("text"))
    created = from_unix(node.get("create_time"))
    builder.posts[comment_id] = PostRecord(
        platform=PLATFORM,
        post_id=comment_id,
        author_id=author_id,
        kind="comment",
        author_handle=handle,
        created_at=created,
        text=text,
        lang=opt_str(node.get("comment_language")),
        parent_post_id=reply_to or video_id,
        root_post_id=video_id,
        hashtags=hashtags_in(text),
        mentions=mentions_in(text),
    )
    builder.metrics[comment_id] = MetricsRecord(
        platform=PLATFORM,
        post_id=comment_id,
        likes=opt_int(node.get("digg_count")),
        comments=opt_int(node.get("reply_comment_total")),
    )
    if video_id:
        builder.edge(
            EdgeRecord(PLATFORM, author_id, "comment", "post", video_id, "comments(post)", created)
        )


def _oembed(data: JsonObj, builder: _Builder) -> None:
    page = opt_str(data.get("html"))
    video_id = re.search(r"data-video-id=\"(\d+)\"", page)
    handle = re.search(r"tiktok\.com/@([\w.]+)", opt_str(data.get("author_url")))
    if not video_id:
        return
    post_id = video_id.group(1)
    text = html.unescape(opt_str(data.get("title")))
    builder.posts[post_id] = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id="",  # oEmbed gives only the handle; ingestion resolves it by handle
        author_handle=handle.group(1) if handle else "",
        text=text,
        url=f"https://www.tiktok.com/@{handle.group(1)}/video/{post_id}" if handle else "",
        hashtags=hashtags_in(text),
    )
