"""Instagram: v1 REST and xdt GraphQL bodies, and logged-out pages -> records. Pure.

Shapes read: ``api/v1/media/{id}/info/`` (``items[]``, with ``top_likers`` /
``facepile_top_likers`` -> like edges and ``usertags`` -> mentions), ``web_profile_info`` and
``xig_user_by_username`` users, the ``xdt_api__v1__feed__user_timeline_graphql_connection``
timeline, comment lists (v1 ``comments`` and ``*comments*_connection``), likers
(``api/v1/media/{id}/likers/`` = ``{"users": [...]}``) and following/followers
(``api/v1/friendships/{id}/following/``), plus the meta tags of a logged-out post page.
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
    opt_id,
    opt_int,
    opt_str,
    require_id,
    unique,
    url_path,
    walk,
)
from pantau.collect.records import (
    WALL_LOGIN,
    AccountRecord,
    EdgeRecord,
    MediaRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)

PLATFORM = "instagram"

_LIKERS_URL = re.compile(r"/media/(\d+)(?:_\d+)?/likers")
_FRIENDS_URL = re.compile(r"/friendships/(\d+)/(following|followers)")
_COMMENTS_URL = re.compile(r"/media/(\d+)(?:_\d+)?/comments")


class _Builder(RecordBuilder):
    def __init__(self, op: str) -> None:
        super().__init__(PLATFORM, op)

    def link(self, actor: str, verb: str, target_type: str, target: str, source: str) -> None:
        self.edge(EdgeRecord(PLATFORM, actor, verb, target_type, target, source))


def parse(body: bytes | str, *, op: str = "", url: str = "", subject_id: str = "") -> ParseResult:
    """Parse one Instagram body (JSON or page HTML)."""
    text = as_text(body)
    if text.lstrip().startswith("<"):
        return _page(text, url=url, op=op or "page")
    data = load_json(text, platform=PLATFORM, item=url or op or "payload")
    op = op or _op(data, url)
    builder = _Builder(op)
    subject = subject_id or _subject(url)
    if isinstance(data, list):  # a list of media nodes (scraper output keeps the raw nodes)
        for node in data:
            if _is_media(node):
                _media(node, builder)
        return builder.result()
    if not isinstance(data, dict):
        return builder.result()
    if op in {"likers", "following", "followers"}:
        _user_list(data, builder, subject=subject)
    elif op == "comments":
        _comments(data, builder, media_id=subject)
    else:
        _generic(data, builder)
    _cursors(data, builder)
    wall = WALL_LOGIN if data.get("message") == "login_required" else ""
    return builder.result(wall)


def _op(data: Any, url: str) -> str:
    path = url_path(url)
    if _LIKERS_URL.search(path):
        return "likers"
    friends = _FRIENDS_URL.search(path)
    if friends:
        return friends.group(2)
    if _COMMENTS_URL.search(path) or (
        isinstance(data, dict) and "comments" in data and "items" not in data
    ):
        return "comments"
    if isinstance(data, dict):
        keys = {
            k for d in walk(data.get("data")) for k in d if "comments" in k and "connection" in k
        }
        if keys:
            return "comments"
        if "items" in data:
            return "media_info"
        if isinstance(data.get("users"), list):
            return "likers" if "user_count" in data or "likers" in url else "following"
    return "graphql"


def _subject(url: str) -> str:
    path = url_path(url)
    for pattern in (_LIKERS_URL, _FRIENDS_URL, _COMMENTS_URL):
        match = pattern.search(path)
        if match:
            return match.group(1)
    return ""


def _is_media(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and ("taken_at" in node or "taken_at_timestamp" in node)
        and any(k in node for k in ("code", "shortcode", "pk"))
    )


def _is_user(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and "username" in node
        and any(k in node for k in ("pk", "id", "pk_id"))
        and not _is_media(node)
    )


def _generic(data: JsonObj, builder: _Builder) -> None:
    """Media info, timelines and profiles: every media node and every full user object."""
    for node in walk(data):
        if _is_media(node):
            _media(node, builder)
    for node in walk(data):
        if _is_user(node) and any(
            k in node for k in ("follower_count", "edge_followed_by", "biography", "media_count")
        ):
            builder.account(parse_user(node))


def parse_user(node: Any) -> AccountRecord | None:
    if not isinstance(node, dict):
        return None
    handle = opt_str(node.get("username"))
    account_id = require_id(
        first(node.get("pk"), node.get("pk_id"), node.get("id")),
        platform=PLATFORM,
        item=handle or "user",
        field="pk",
    )
    return AccountRecord(
        platform=PLATFORM,
        account_id=account_id,
        handle=handle,
        display_name=opt_str(node.get("full_name")),
        bio=opt_str(node.get("biography")),
        url=f"https://www.instagram.com/{handle}/" if handle else "",
        avatar_url=opt_str(first(node.get("profile_pic_url_hd"), node.get("profile_pic_url"))),
        is_private=opt_bool(node.get("is_private")),
        is_verified=opt_bool(node.get("is_verified")),
        followers_count=opt_int(
            first(node.get("follower_count"), dig(node, "edge_followed_by", "count"))
        ),
        following_count=opt_int(
            first(node.get("following_count"), dig(node, "edge_follow", "count"))
        ),
        posts_count=opt_int(
            first(node.get("media_count"), dig(node, "edge_owner_to_timeline_media", "count"))
        ),
    )


def _small_user(node: Any, builder: _Builder) -> str | None:
    """Record a user seen inside a post or list (only the fields present); return its id."""
    if not _is_user(node):
        return None
    record = parse_user(node)
    if record is None:
        return None
    builder.accounts.setdefault(record.account_id, record)
    return record.account_id


def _media(node: JsonObj, builder: _Builder) -> str:
    raw_id = opt_str(first(node.get("id"), ""))
    post_id = require_id(
        first(node.get("pk"), raw_id.split("_")[0] if raw_id else None),
        platform=PLATFORM,
        item=opt_str(first(node.get("code"), node.get("shortcode"))) or "media",
        field="pk",
    )
    user = first(node.get("user"), node.get("owner"))
    author_id = require_id(
        first(
            _small_user(user, builder),
            dig(user, "pk"),
            dig(user, "id"),
            raw_id.split("_")[1] if raw_id.count("_") == 1 else None,
        ),
        platform=PLATFORM,
        item=post_id,
        field="user.pk",
    )
    code = opt_str(first(node.get("code"), node.get("shortcode")))
    caption = opt_str(
        first(
            dig(node, "caption", "text"),
            node.get("caption") if isinstance(node.get("caption"), str) else None,
        )
    )
    for tag in dig(node, "usertags", "in") or []:
        _small_user(dig(tag, "user"), builder)
    tagged_handles = [
        opt_str(dig(tag, "user", "username")) for tag in dig(node, "usertags", "in") or []
    ]
    is_reel = node.get("product_type") == "clips" or (
        node.get("media_type") == 2 and bool(node.get("clips_metadata"))
    )
    builder.posts[post_id] = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id=author_id,
        kind="reel" if is_reel else "original",
        author_handle=opt_str(dig(user, "username")),
        created_at=from_unix(first(node.get("taken_at"), node.get("taken_at_timestamp"))),
        text=caption,
        url=f"https://www.instagram.com/{'reel' if is_reel else 'p'}/{code}/" if code else "",
        hashtags=hashtags_in(caption),
        mentions=unique([*mentions_in(caption), *tagged_handles]),
        media=_media_items(node),
    )
    builder.metrics[post_id] = MetricsRecord(
        platform=PLATFORM,
        post_id=post_id,
        likes=None
        if node.get("like_and_view_counts_disabled")
        else opt_int(node.get("like_count")),
        comments=opt_int(node.get("comment_count")),
        views=opt_int(first(node.get("play_count"), node.get("view_count"))),
    )
    for liker in [*(node.get("top_likers") or []), *(node.get("facepile_top_likers") or [])]:
        liker_id = _small_user(liker, builder) if isinstance(liker, dict) else None
        if liker_id:
            builder.link(liker_id, "like", "post", post_id, "top_likers(post)")
    for comment in [*(node.get("preview_comments") or []), *(node.get("comments") or [])]:
        if isinstance(comment, dict):
            _comment(comment, builder, media_id=post_id)
    return post_id


def _media_items(node: JsonObj) -> tuple[MediaRecord, ...]:
    parts = [c for c in node.get("carousel_media") or [] if isinstance(c, dict)] or [node]
    out: list[MediaRecord] = []
    for part in parts:
        candidates = [
            c for c in dig(part, "image_versions2", "candidates") or [] if isinstance(c, dict)
        ]
        videos = [v for v in part.get("video_versions") or [] if isinstance(v, dict)]
        image = candidates[0] if candidates else {}
        video = videos[0] if videos else None
        if not image and not video:
            continue
        out.append(
            MediaRecord(
                media_id=opt_str(first(part.get("pk"), part.get("id"))),
                type="video" if video else "photo",
                url=opt_str((video or image).get("url")),
                thumb_url=opt_str(image.get("url")),
                width=opt_int(first(part.get("original_width"), image.get("width"))),
                height=opt_int(first(part.get("original_height"), image.get("height"))),
                duration_s=part.get("video_duration")
                if isinstance(part.get("video_duration"), float)
                else None,
            )
        )
    return tuple(out)


def _comment(node: JsonObj, builder: _Builder, *, media_id: str) -> None:
    comment_id = require_id(
        first(node.get("pk"), node.get("id")), platform=PLATFORM, item=media_id, field="comment pk"
    )
    user = node.get("user") or node.get("owner")
    author_id = require_id(
        first(
            _small_user(user, builder),
            dig(user, "pk"),
            dig(user, "id"),
            node.get("user_id"),
            node.get("owner_id"),
        ),
        platform=PLATFORM,
        item=comment_id,
        field="comment user",
    )
    media = opt_id(first(media_id, node.get("media_id"))) or ""
    parent = opt_id(first(node.get("parent_comment_id"), node.get("replied_to_comment_id")))
    text = opt_str(node.get("text"))
    created = from_unix(first(node.get("created_at"), node.get("created_at_utc")))
    builder.posts[comment_id] = PostRecord(
        platform=PLATFORM,
        post_id=comment_id,
        author_id=author_id,
        kind="comment",
        author_handle=opt_str(
            first(
                dig(user, "username"),
                node.get("owner") if isinstance(node.get("owner"), str) else None,
            )
        ),
        created_at=created,
        text=text,
        parent_post_id=parent or media or None,
        root_post_id=media or None,
        hashtags=hashtags_in(text),
        mentions=mentions_in(text),
    )
    builder.metrics[comment_id] = MetricsRecord(
        platform=PLATFORM,
        post_id=comment_id,
        likes=opt_int(
            first(node.get("comment_like_count"), node.get("like_count"), node.get("likes"))
        ),
        comments=opt_int(node.get("child_comment_count")),
    )
    if media:
        edge = EdgeRecord(PLATFORM, author_id, "comment", "post", media, "comments(post)", created)
        builder.edges[(author_id, "comment", "post", media)] = edge
    for child in node.get("preview_child_comments") or []:
        if isinstance(child, dict):
            _comment(
                {**child, "parent_comment_id": child.get("parent_comment_id") or comment_id},
                builder,
                media_id=media,
            )


def _comments(data: JsonObj, builder: _Builder, *, media_id: str) -> None:
    nodes: list[Any] = list(data.get("comments") or [])
    for node in walk(data.get("data")):
        for key, value in node.items():
            if "comments" in key and "connection" in key and isinstance(value, dict):
                nodes += [dig(e, "node") for e in value.get("edges") or []]
                _page_info(value, builder)
    media = media_id or opt_str(first(data.get("media_id"), dig(data, "caption", "media_id")))
    for node in nodes:
        if isinstance(node, dict):
            _comment(node, builder, media_id=media)


def _user_list(data: JsonObj, builder: _Builder, *, subject: str) -> None:
    source = {
        "likers": "likers(post)",
        "following": "following(account)",
        "followers": "followers(account)",
    }[builder.op]
    for node in data.get("users") or []:
        user_id = _small_user(node, builder)
        if not user_id or not subject:
            continue
        if builder.op == "likers":
            builder.link(user_id, "like", "post", subject, source)
        elif builder.op == "following":
            builder.link(subject, "follow", "account", user_id, source)
        else:
            builder.link(user_id, "follow", "account", subject, source)


def _page_info(conn: JsonObj, builder: _Builder) -> None:
    info = as_obj(conn.get("page_info"))
    if info.get("has_next_page") and info.get("end_cursor"):
        builder.cursors["next"] = opt_str(info.get("end_cursor"))


def _cursors(data: JsonObj, builder: _Builder) -> None:
    for key in ("next_max_id", "next_min_id", "max_id"):
        value = opt_str(data.get(key))
        if value:
            builder.cursors[key] = value
    for node in walk(data.get("data")):
        for key, value in node.items():
            if key.endswith("connection") and isinstance(value, dict):
                _page_info(value, builder)


def _meta(page: str, name: str) -> str:
    match = re.search(
        r"<meta[^>]+(?:property|name)=\"" + re.escape(name) + r"\"[^>]*content=\"([^\"]*)\"",
        page,
        re.DOTALL,
    )
    return html.unescape(match.group(1)) if match else ""


def _page(page: str, *, url: str, op: str) -> ParseResult:
    """A logged-out page: the post's meta tags, or a login-wall marker."""
    builder = _Builder(op)
    media_id = re.search(r"instagram://media\?id=(\d+)", _meta(page, "al:ios:url"))
    owner = _meta(page, "instapp:owner_user_id")
    if media_id and owner:
        title = _meta(page, "og:title")
        caption = re.search(r"on Instagram: \"(.*)\"\s*$", title, re.DOTALL)
        handle = re.search(r"\(@([\w.]+)\)", _meta(page, "twitter:title"))
        text = caption.group(1) if caption else ""
        builder.posts[media_id.group(1)] = PostRecord(
            platform=PLATFORM,
            post_id=media_id.group(1),
            author_id=owner,
            author_handle=handle.group(1) if handle else "",
            text=text,
            url=_meta(page, "og:url") or url,
            hashtags=hashtags_in(text),
            mentions=mentions_in(text),
        )
    wall = WALL_LOGIN if is_login_wall(page) else ""
    return builder.result(wall)


def is_login_wall(page: str) -> bool:
    """True when Instagram served its login page instead of content."""
    return bool(
        re.search(r"<title>\s*Login\b", page, re.I)
        or (
            "/accounts/login/?next=" in page
            and "instapp:owner_user_id" not in page
            and '"username"' not in page
        )
    )
