"""X (Twitter): GraphQL responses and oEmbed bodies -> records. Pure: bytes in, records out.

Every timeline op (``UserTweets``, ``UserTweetsAndReplies``, ``UserMedia``, ``TweetDetail``,
``SearchTimeline``, ``Likes``) and every user list (``Following``, ``Followers``,
``Retweeters``, ``Favoriters``) shares one shape: ``instructions[].entries[]`` holding tweet or
user items, modules of items, and cursor entries. Users come in the 2026 schema (``core``,
``relationship_counts``, ...) or the 2024 one (``legacy.*``); both are read.
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
    from_rfc2822,
    load_json,
    opt_bool,
    opt_id,
    opt_int,
    opt_str,
    require_id,
    unique,
    url_path,
    url_variables,
    walk,
)
from pantau.collect.records import (
    WALL_RATE_LIMIT,
    AccountRecord,
    EdgeRecord,
    MediaRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)

PLATFORM = "x"

# Which list ops make which edge, and in which direction relative to the subject.
#   op -> (verb, target_type, subject_is_actor, source_list)
USER_LIST_EDGES: dict[str, tuple[str, str, bool, str]] = {
    "Following": ("follow", "account", True, "following(account)"),
    "Followers": ("follow", "account", False, "followers(account)"),
    "BlueVerifiedFollowers": ("follow", "account", False, "followers(account)"),
    "Retweeters": ("repost", "post", False, "retweeters(post)"),
    "Favoriters": ("like", "post", False, "favoriters(post)"),
}
SUGGESTION_ENTRIES = ("who-to-follow", "who_to_follow", "whoToFollow")
TWEET_LIST_EDGES: dict[str, tuple[str, str]] = {"Likes": ("like", "likes(account)")}


class _Builder(RecordBuilder):
    def __init__(self, op: str) -> None:
        super().__init__(PLATFORM, op)


def parse(body: bytes | str, *, op: str = "", url: str = "", subject_id: str = "") -> ParseResult:
    """Parse one X response body. ``subject_id`` (or the URL's variables) names the account or
    post a list belongs to; without it a user list yields accounts but no edges."""
    if as_text(body).lstrip().startswith("<"):
        # The page document itself: X renders from its GraphQL responses, which carry the data.
        return _Builder(op or "page").result()
    data = load_json(body, platform=PLATFORM, item=url or op or "payload")
    # Collectors may pass the GraphQL path ("graphql/<id>/UserTweets"): keep the name only.
    op = op.rsplit("/", 1)[-1].split("?", 1)[0] or _op_from_url(url) or _sniff_op(data)
    builder = _Builder(op)
    if not isinstance(data, dict):
        return builder.result()
    if op == "oEmbed":
        _oembed(data, builder)
        return builder.result()
    wall = WALL_RATE_LIMIT if _is_rate_limited(data) else ""
    variables = url_variables(url)
    subject = subject_id or opt_str(
        first(variables.get("focalTweetId"), variables.get("tweetId"), variables.get("userId"))
    )
    single_user = dig(data, "data", "user", "result") or dig(
        data, "data", "user_result_by_screen_name", "result"
    )
    instructions = _instructions(data)
    if instructions is None:
        if isinstance(single_user, dict) and single_user.get("__typename") != "UserUnavailable":
            account = parse_user(single_user)
            if account is not None:
                builder.accounts[account.account_id] = account
        return builder.result(wall)
    for item, pinned in _items(instructions, builder):
        _item(item, pinned=pinned, builder=builder, subject=subject)
    return builder.result(wall)


def _op_from_url(url: str) -> str:
    match = re.search(r"/graphql/[^/]+/(\w+)", url_path(url))
    if match:
        return match.group(1)
    return "oEmbed" if "oembed" in url_path(url).lower() else ""


def _sniff_op(data: Any) -> str:
    if not isinstance(data, dict):
        return "unknown"
    if "html" in data and ("provider_name" in data or "author_url" in data):
        return "oEmbed"
    inner = data.get("data")
    if not isinstance(inner, dict):
        return "Error" if "errors" in data else "unknown"
    known = {
        "threaded_conversation_with_injections_v2": "TweetDetail",
        "retweeters_timeline": "Retweeters",
        "favoriters_timeline": "Favoriters",
        "search_by_raw_query": "SearchTimeline",
        "user_result_by_screen_name": "AboutAccountQuery",
        "tweetResult": "TweetResultByRestId",
    }
    for key, name in known.items():
        if key in inner:
            return name
    user = dig(inner, "user", "result")
    if isinstance(user, dict):
        if "timeline_v2" in user or "timeline" in user:
            timeline = user.get("timeline_v2") or user.get("timeline")
            types = {d.get("itemType") for d in walk(timeline)}
            return "UserTweets" if "TimelineTweet" in types else "UserList"
        return "UserByScreenName"
    return "unknown"


def _is_rate_limited(data: JsonObj) -> bool:
    errors = data.get("errors")
    if not isinstance(errors, list):
        return False
    return any(isinstance(e, dict) and opt_int(e.get("code")) in {88, 429} for e in errors)


def _instructions(data: JsonObj) -> list[Any] | None:
    for node in walk(data.get("data")):
        value = node.get("instructions")
        if isinstance(value, list):
            return value
    return None


def _items(instructions: list[Any], builder: _Builder) -> list[tuple[JsonObj, bool]]:
    """``(itemContent, pinned)`` of every entry and module item; cursors go to the builder."""
    out: list[tuple[JsonObj, bool]] = []
    for ins in instructions:
        if not isinstance(ins, dict):
            continue
        entries = [e for e in ins.get("entries") or [] if isinstance(e, dict)]
        if isinstance(ins.get("entry"), dict):
            entries.append(ins["entry"])
        pinned_instruction = ins.get("type") == "TimelinePinEntry"
        contents: list[Any] = []
        for entry in entries:
            if opt_str(entry.get("entryId")).startswith(SUGGESTION_ENTRIES):
                continue  # "who to follow" suggestions are X's, not the account's
            content = as_obj(entry.get("content"))
            _cursor(content, builder)
            contents.append(content.get("itemContent"))
            contents += [dig(i, "item", "itemContent") for i in content.get("items") or []]
        contents += [dig(i, "item", "itemContent") for i in ins.get("moduleItems") or []]
        for item in contents:
            if isinstance(item, dict):
                _cursor(item, builder)
                pinned = pinned_instruction or dig(item, "socialContext", "contextType") == "Pin"
                out.append((item, pinned))
    return out


def _cursor(node: JsonObj, builder: _Builder) -> None:
    kind = opt_str(node.get("cursorType"))
    value = opt_str(node.get("value"))
    if kind and value:
        builder.cursors[kind.lower()] = value


def _item(item: JsonObj, *, pinned: bool, builder: _Builder, subject: str) -> None:
    if item.get("itemType") == "TimelineUser" or "user_results" in item:
        account = parse_user(dig(item, "user_results", "result"))
        if account is None:
            return
        builder.accounts[account.account_id] = account
        _list_edge(account.account_id, builder=builder, subject=subject)
        return
    tweet = dig(item, "tweet_results", "result")
    post_id = _tweet(tweet, builder=builder, pinned=pinned)
    verb_source = TWEET_LIST_EDGES.get(builder.op)
    if post_id and verb_source and subject:
        verb, source = verb_source
        builder.edge(EdgeRecord(PLATFORM, subject, verb, "post", post_id, source))


def _list_edge(user_id: str, *, builder: _Builder, subject: str) -> None:
    spec = USER_LIST_EDGES.get(builder.op)
    if spec is None or not subject:
        return
    verb, target_type, subject_is_actor, source = spec
    actor, target = (subject, user_id) if subject_is_actor else (user_id, subject)
    builder.edge(EdgeRecord(PLATFORM, actor, verb, target_type, target, source))


def parse_user(result: Any) -> AccountRecord | None:
    """A User object in either schema; ``None`` for unavailable users."""
    if not isinstance(result, dict) or result.get("__typename") == "UserUnavailable":
        return None
    legacy = as_obj(result.get("legacy"))
    core = as_obj(result.get("core"))
    account_id = require_id(
        first(result.get("rest_id"), legacy.get("id_str")),
        platform=PLATFORM,
        item=opt_str(first(core.get("screen_name"), legacy.get("screen_name"))) or "user",
        field="rest_id",
    )
    handle = opt_str(first(core.get("screen_name"), legacy.get("screen_name")))
    return AccountRecord(
        platform=PLATFORM,
        account_id=account_id,
        handle=handle,
        display_name=opt_str(first(core.get("name"), legacy.get("name"))),
        bio=opt_str(first(dig(result, "profile_bio", "description"), legacy.get("description"))),
        url=f"https://x.com/{handle}" if handle else "",
        avatar_url=opt_str(
            first(dig(result, "avatar", "image_url"), legacy.get("profile_image_url_https"))
        ),
        created_at=from_rfc2822(first(core.get("created_at"), legacy.get("created_at"))),
        is_private=opt_bool(first(dig(result, "privacy", "protected"), legacy.get("protected"))),
        is_verified=opt_bool(
            first(
                dig(result, "verification", "verified") or None,
                legacy.get("verified") or None,
                result.get("is_blue_verified"),
            )
        ),
        followers_count=opt_int(
            first(dig(result, "relationship_counts", "followers"), legacy.get("followers_count"))
        ),
        following_count=opt_int(
            first(dig(result, "relationship_counts", "following"), legacy.get("friends_count"))
        ),
        posts_count=opt_int(
            first(dig(result, "tweet_counts", "tweets"), legacy.get("statuses_count"))
        ),
    )


def _unwrap(result: Any) -> JsonObj | None:
    if not isinstance(result, dict):
        return None
    if result.get("__typename") == "TweetWithVisibilityResults" or (
        "tweet" in result and "legacy" not in result
    ):
        result = result.get("tweet")
    if not isinstance(result, dict) or result.get("__typename") in {
        "TweetTombstone",
        "TweetUnavailable",
    }:
        return None
    return result if ("legacy" in result or "rest_id" in result) else None


def _tweet(raw: Any, *, builder: _Builder, pinned: bool = False) -> str | None:
    """Record one tweet (and the tweets it reposts or quotes); returns its id."""
    tweet = _unwrap(raw)
    if tweet is None:
        return None
    legacy = as_obj(tweet.get("legacy"))
    post_id = require_id(
        first(tweet.get("rest_id"), legacy.get("id_str")),
        platform=PLATFORM,
        item="tweet",
        field="rest_id",
    )
    author = parse_user(dig(tweet, "core", "user_results", "result"))
    if author is not None:
        builder.accounts.setdefault(author.account_id, author)
    author_id = require_id(
        first(author.account_id if author else None, legacy.get("user_id_str")),
        platform=PLATFORM,
        item=post_id,
        field="author",
    )
    handle = author.handle if author else ""
    reposted_id = _tweet(dig(legacy, "retweeted_status_result", "result"), builder=builder)
    quoted_id = _tweet(dig(tweet, "quoted_status_result", "result"), builder=builder) or (
        opt_id(legacy.get("quoted_status_id_str")) if legacy.get("is_quote_status") else None
    )
    if reposted_id:
        # X copies the quoted tweet onto a repost of a quote: the quote is the original
        # author's act, not the reposter's.
        quoted_id = None
    parent_id = opt_id(legacy.get("in_reply_to_status_id_str"))
    kind = (
        "repost" if reposted_id else "quote" if quoted_id else "reply" if parent_id else "original"
    )
    created = from_rfc2822(legacy.get("created_at"))
    entities = as_obj(legacy.get("entities"))
    post = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id=author_id,
        kind=kind,
        author_handle=handle,
        created_at=created,
        text=_text(tweet, legacy),
        lang=opt_str(legacy.get("lang")),
        url=f"https://x.com/{handle or 'i'}/status/{post_id}",
        parent_post_id=parent_id,
        root_post_id=opt_id(legacy.get("conversation_id_str")),
        quoted_post_id=quoted_id,
        reposted_post_id=reposted_id,
        hashtags=unique(
            h.get("text") for h in entities.get("hashtags") or [] if isinstance(h, dict)
        ),
        mentions=unique(
            m.get("screen_name") for m in entities.get("user_mentions") or [] if isinstance(m, dict)
        ),
        links=unique(
            u.get("expanded_url") for u in entities.get("urls") or [] if isinstance(u, dict)
        ),
        media=_media(legacy),
        is_pinned=pinned or bool(builder.posts.get(post_id) and builder.posts[post_id].is_pinned),
    )
    builder.posts[post_id] = post
    if kind != "repost":  # a repost's counts are the original's; keep them on the original only
        builder.metrics[post_id] = MetricsRecord(
            platform=PLATFORM,
            post_id=post_id,
            likes=opt_int(legacy.get("favorite_count")),
            comments=opt_int(legacy.get("reply_count")),
            reposts_shares=opt_int(legacy.get("retweet_count")),
            quotes=opt_int(legacy.get("quote_count")),
            views=opt_int(dig(tweet, "views", "count")),
            saves=opt_int(legacy.get("bookmark_count")),
        )
    _tweet_edges(post, builder)
    return post_id


def _tweet_edges(post: PostRecord, builder: _Builder) -> None:
    source = builder.op or "timeline"
    targets = (
        ("repost", post.reposted_post_id),
        ("quote", post.quoted_post_id),
        ("comment", post.parent_post_id if post.kind == "reply" else None),
    )
    for verb, target in targets:
        if target:
            builder.edge(
                EdgeRecord(PLATFORM, post.author_id, verb, "post", target, source, post.created_at)
            )


def _text(tweet: JsonObj, legacy: JsonObj) -> str:
    long_text = dig(tweet, "note_tweet", "note_tweet_results", "result", "text")
    return html.unescape(opt_str(first(long_text, legacy.get("full_text"), legacy.get("text"))))


def _media(legacy: JsonObj) -> tuple[MediaRecord, ...]:
    items = dig(legacy, "extended_entities", "media") or dig(legacy, "entities", "media") or []
    out: list[MediaRecord] = []
    for m in items:
        if not isinstance(m, dict):
            continue
        kind = {"animated_gif": "gif", "video": "video"}.get(opt_str(m.get("type")), "photo")
        variants = [
            v
            for v in dig(m, "video_info", "variants") or []
            if isinstance(v, dict) and v.get("url")
        ]
        best = max(variants, key=lambda v: opt_int(v.get("bitrate")) or 0, default=None)
        duration_ms = opt_int(dig(m, "video_info", "duration_millis"))
        out.append(
            MediaRecord(
                media_id=opt_str(m.get("id_str")),
                type=kind,
                url=opt_str(best.get("url")) if best else opt_str(m.get("media_url_https")),
                thumb_url=opt_str(m.get("media_url_https")),
                width=opt_int(dig(m, "original_info", "width")),
                height=opt_int(dig(m, "original_info", "height")),
                duration_s=duration_ms / 1000.0 if duration_ms else None,
            )
        )
    return tuple(out)


def _oembed(data: JsonObj, builder: _Builder) -> None:
    """A tweet oEmbed: id, author handle and text; a profile oEmbed carries no id (nothing)."""
    url = opt_str(data.get("url"))
    match = re.search(r"(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)", url)
    if not match:
        return
    handle, post_id = match.groups()
    body = re.search(r"<p[^>]*>(.*?)</p>", opt_str(data.get("html")), re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "", body.group(1))) if body else ""
    lang = re.search(r"<p[^>]*\blang=\"([\w-]+)\"", opt_str(data.get("html")))
    builder.posts[post_id] = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id="",  # oEmbed gives only the handle; ingestion resolves it by handle
        author_handle=handle,
        text=text,
        lang=lang.group(1) if lang else "",
        url=f"https://x.com/{handle}/status/{post_id}",
    )
