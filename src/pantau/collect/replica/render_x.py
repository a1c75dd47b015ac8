"""X (Twitter) GraphQL payloads, shaped like the 2026 captures (User without ``legacy``).

Key paths follow the real responses: ``data.user.result`` (UserByScreenName),
``data.user.result.timeline.timeline.instructions[]`` (UserTweets, UserTweetsAndReplies,
Following), ``data.threaded_conversation_with_injections_v2.instructions[]`` (TweetDetail),
``data.retweeters_timeline.timeline.instructions[]`` (Retweeters). Cursors are opaque strings.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from pantau.collect.replica.scenario import Account, Post, Scenario

PAGE_SIZE = 20


def rfc2822(when: datetime) -> str:
    """X's ``created_at`` format: ``Fri Jul 31 21:34:08 +0000 2026``."""
    return when.strftime("%a %b %d %H:%M:%S +0000 %Y")


def encode_cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"x|{kind}|{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, got_kind, offset = raw.split("|")
    except (ValueError, UnicodeDecodeError):
        return 0
    return int(offset) if tag == "x" and got_kind == kind else 0


def user_result(scn: Scenario, acc: Account) -> dict[str, Any]:
    posts = scn.timeline("x", acc.handle, with_replies=True)
    pinned = [p.id for p in posts if p.pinned]
    return {
        "__typename": "User",
        "action_counts": {"favorites_count": len(scn.liked_by("x", acc.handle))},
        "avatar": {"image_url": f"https://pbs.twimg.com/profile_images/{acc.id}/avatar_normal.jpg"},
        "banner": {"image_url": ""},
        "core": {
            "created_at": rfc2822(acc.created_at),
            "name": acc.name,
            "screen_name": acc.handle,
        },
        "dm_permissions": {"can_dm": False},
        "follow_request_sent": False,
        "has_graduated_access": True,
        "id": base64.b64encode(f"User:{acc.id}".encode()).decode(),
        "is_blue_verified": acc.verified,
        "location": {"location": "Indonesia"},
        "media_permissions": {"can_media_tag": True},
        "notifications_settings": {"notifications_enabled": False},
        "pinned_items": {"tweet_ids_str": pinned} if pinned else {},
        "possibly_sensitive": False,
        "privacy": {"protected": acc.private},
        "profile_bio": {"description": acc.bio, "entities": {"description": {}}},
        "profile_image_shape": "Circle",
        "profile_metadata": {"profile_interstitial_type": ""},
        "relationship_counts": {
            "followers": scn.follower_count(acc),
            "following": len(scn.following_of("x", acc.handle)),
        },
        "relationship_perspectives": {
            "blocked_by": False,
            "blocking": False,
            "followed_by": False,
            "following": False,
            "live_following": False,
            "muting": False,
        },
        "rest_id": acc.id,
        "super_follow_eligible": False,
        "super_followed_by": False,
        "super_following": False,
        "tipjar_settings": {},
        "tweet_counts": {"media_tweets": 0, "tweets": len(posts)},
        "verification": {"verified": acc.verified},
        "website": {"url": ""},
    }


def _entities(scn: Scenario, post: Post) -> dict[str, Any]:
    text = post.text
    hashtags = []
    for tag in post.hashtags:
        start = text.find("#" + tag)
        hashtags.append({"indices": [start, start + len(tag) + 1], "text": tag})
    mentions = []
    for handle in post.mentions:
        acc = scn.account("x", handle)
        start = text.find("@" + handle)
        mentions.append(
            {
                "id_str": acc.id if acc else "0",
                "indices": [start, start + len(handle) + 1],
                "name": acc.name if acc else handle,
                "screen_name": handle,
            }
        )
    return {
        "hashtags": hashtags,
        "symbols": [],
        "timestamps": [],
        "urls": [],
        "user_mentions": mentions,
    }


def tweet_result(scn: Scenario, post: Post, *, depth: int = 0) -> dict[str, Any]:
    """One ``Tweet`` result (``tweet_results.result``), with nested repost/quote results."""
    author = scn.account("x", post.author)
    assert author is not None  # the scenario checks authors on load
    original = scn.post("x", post.reposted) if post.reposted else None
    quoted = scn.post("x", post.quoted) if post.quoted else None
    parent = scn.post("x", post.reply_to) if post.reply_to else None
    text = post.text
    if original is not None:
        text = f"RT @{original.author}: {original.text}"
    legacy: dict[str, Any] = {
        "bookmark_count": 0,
        "bookmarked": False,
        "conversation_id_str": _root_id(scn, post),
        "created_at": rfc2822(post.time),
        "display_text_range": [0, len(text)],
        "entities": _entities(scn, original or post),
        "favorite_count": 0 if original else scn.like_count(post),
        "favorited": False,
        "full_text": text,
        "id_str": post.id,
        "is_quote_status": quoted is not None,
        "lang": "in",
        "quote_count": scn.quote_count("x", post.id),
        "reply_count": len(scn.comments_on("x", post.id)),
        "retweet_count": len(scn.reposters_of("x", (original or post).id)),
        "retweeted": False,
        "user_id_str": author.id,
    }
    if parent is not None:
        parent_author = scn.account("x", parent.author)
        legacy["in_reply_to_screen_name"] = parent.author
        legacy["in_reply_to_status_id_str"] = parent.id
        legacy["in_reply_to_user_id_str"] = parent_author.id if parent_author else "0"
    if quoted is not None:
        legacy["quoted_status_id_str"] = quoted.id
        legacy["quoted_status_permalink"] = {
            "url": f"https://t.co/{quoted.id[-10:]}",
            "expanded": f"https://twitter.com/{quoted.author}/status/{quoted.id}",
            "display": f"x.com/{quoted.author}/status/{quoted.id[:4]}…",
        }
    if original is not None and depth < 2:
        legacy["retweeted_status_result"] = {"result": tweet_result(scn, original, depth=depth + 1)}
    result: dict[str, Any] = {
        "__typename": "Tweet",
        "rest_id": post.id,
        "core": {"user_results": {"result": user_result(scn, author)}},
        "edit_control": {
            "edit_tweet_ids": [post.id],
            "editable_until_msecs": "0",
            "edits_remaining": "5",
            "is_edit_eligible": False,
        },
        "is_translatable": False,
        "legacy": legacy,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "unmention_data": {},
        "views": {"count": str(post.views), "state": "EnabledWithCount"},
    }
    if quoted is not None and depth < 2:
        result["quoted_status_result"] = {"result": tweet_result(scn, quoted, depth=depth + 1)}
    return result


def _root_id(scn: Scenario, post: Post) -> str:
    seen = 0
    while post.reply_to and seen < 50:
        parent = scn.post("x", post.reply_to)
        if parent is None:
            break
        post, seen = parent, seen + 1
    return post.id


def _tweet_entry(
    scn: Scenario, post: Post, sort_index: int, *, pinned: bool = False
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "__typename": "TimelineTweet",
        "itemType": "TimelineTweet",
        "tweetDisplayType": "Tweet",
        "tweet_results": {"result": tweet_result(scn, post)},
    }
    if pinned:
        item["socialContext"] = {
            "contextType": "Pin",
            "text": "Pinned",
            "type": "TimelineGeneralContext",
        }
    return {
        "content": {
            "__typename": "TimelineTimelineItem",
            "clientEventInfo": {
                "component": "pinned_tweets" if pinned else "tweet",
                "element": "tweet",
            },
            "entryType": "TimelineTimelineItem",
            "itemContent": item,
        },
        "entryId": f"tweet-{post.id}",
        "sortIndex": str(sort_index),
    }


def _user_entry(scn: Scenario, acc: Account, sort_index: int) -> dict[str, Any]:
    return {
        "content": {
            "__typename": "TimelineTimelineItem",
            "entryType": "TimelineTimelineItem",
            "itemContent": {
                "__typename": "TimelineUser",
                "itemType": "TimelineUser",
                "userDisplayType": "User",
                "user_results": {"result": user_result(scn, acc)},
            },
        },
        "entryId": f"user-{acc.id}",
        "sortIndex": str(sort_index),
    }


def _cursor_entry(kind: str, value: str, sort_index: int) -> dict[str, Any]:
    content: dict[str, Any] = {
        "__typename": "TimelineTimelineCursor",
        "cursorType": kind,
        "entryType": "TimelineTimelineCursor",
        "value": value,
    }
    if kind == "Bottom":
        content["stopOnEmptyResponse"] = True
    return {
        "content": content,
        "entryId": f"cursor-{kind.lower()}-{sort_index}",
        "sortIndex": str(sort_index),
    }


def _page(
    items: list[Any], cursor: str | None, kind: str, count: int
) -> tuple[list[Any], int, int]:
    start = decode_cursor(cursor, kind)
    size = max(1, min(count or PAGE_SIZE, 100))
    return items[start : start + size], start, start + size


def _paged_entries(
    entries: list[dict[str, Any]], start: int, end: int, kind: str, base: int
) -> list[dict[str, Any]]:
    # X always sends both cursors; an exhausted timeline answers a page with cursors only.
    out = [_cursor_entry("Top", encode_cursor(kind, max(0, start - 1)), base + 1000)]
    out.extend(entries)
    out.append(_cursor_entry("Bottom", encode_cursor(kind, end), base))
    return out


def user_by_screen_name(scn: Scenario, handle: str) -> dict[str, Any]:
    acc = scn.account("x", handle)
    if acc is None or not acc.exists:
        return {"data": {}}
    # The profile query carries a few fields the user objects inside timelines lack.
    result = {**user_result(scn, acc), "legacy_extended_profile": {}, "profile_sort_enabled": True}
    return {"data": {"user": {"result": result}}}


def user_tweets(
    scn: Scenario, user_id: str, *, cursor: str | None, count: int, with_replies: bool
) -> dict[str, Any]:
    acc = scn.account_by_id("x", user_id)
    instructions: list[dict[str, Any]] = [{"type": "TimelineClearCache"}]
    if acc is not None and acc.exists and not acc.private:
        kind = "replies" if with_replies else "tweets"
        posts = scn.timeline("x", acc.handle, with_replies=with_replies)
        page, start, end = _page(posts, cursor, kind, count)
        base = 1_900_000_000_000_000_000
        if start == 0:
            for post in posts:
                if post.pinned:
                    instructions.append(
                        {
                            "type": "TimelinePinEntry",
                            "entry": _tweet_entry(scn, post, base + 5000, pinned=True),
                        }
                    )
        entries = [_tweet_entry(scn, p, base - start - i) for i, p in enumerate(page)]
        instructions.append(
            {
                "type": "TimelineAddEntries",
                "entries": _paged_entries(entries, start, end, kind, base - end),
            }
        )
    result: dict[str, Any] = {
        "__typename": "User",
        "timeline": {
            "timeline": {
                "instructions": instructions,
                "metadata": {"scribeConfig": {"page": "profileBest"}},
            }
        },
    }
    return {"data": {"user": {"result": result}}}


def tweet_detail(scn: Scenario, post_id: str, *, cursor: str | None) -> dict[str, Any]:
    post = scn.post("x", post_id)
    if post is None:
        return {
            "data": {"threaded_conversation_with_injections_v2": {"instructions": []}},
            "errors": [{"message": "_Missing: No status found with that ID.", "code": 144}],
        }
    replies = scn.comments_on("x", post.id)
    page, start, end = _page(replies, cursor, f"detail-{post.id}", PAGE_SIZE)
    base = 1_900_000_000_000_000_000
    entries: list[dict[str, Any]] = []
    if start == 0:
        entries.append(_tweet_entry(scn, post, base + 10_000))
    for i, reply in enumerate(page):
        entry = _tweet_entry(scn, reply, base - start - i)
        entries.append(
            {
                "content": {
                    "__typename": "TimelineTimelineModule",
                    "displayType": "VerticalConversation",
                    "entryType": "TimelineTimelineModule",
                    "items": [
                        {
                            "entryId": f"conversationthread-{reply.id}-tweet-{reply.id}",
                            "item": {"itemContent": entry["content"]["itemContent"]},
                        }
                    ],
                    "metadata": {
                        "conversationMetadata": {
                            "allTweetIds": [reply.id],
                            "enableDeduplication": True,
                        }
                    },
                },
                "entryId": f"conversationthread-{reply.id}",
                "sortIndex": entry["sortIndex"],
            }
        )
    if end < len(replies):
        entries.append(_cursor_entry("Bottom", encode_cursor(f"detail-{post.id}", end), base - end))
    instructions = [
        {"type": "TimelineClearCache"},
        {"type": "TimelineAddEntries", "entries": entries},
        {"direction": "Top", "type": "TimelineTerminateTimeline"},
    ]
    return {
        "data": {
            "threaded_conversation_with_injections_v2": {
                "instructions": instructions,
                "metadata": {"scribeConfig": {"page": "ranked_replies"}},
            }
        }
    }


def _user_list(
    scn: Scenario, users: list[Account], cursor: str | None, kind: str, count: int
) -> list[dict[str, Any]]:
    page, start, end = _page(users, cursor, kind, count)
    base = 1_800_000_000_000_000_000
    entries = [_user_entry(scn, a, base - start - i) for i, a in enumerate(page)]
    return _paged_entries(entries, start, end, kind, base - end)


def retweeters(scn: Scenario, post_id: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    users = scn.reposters_of("x", post_id)
    entries = _user_list(scn, users, cursor, f"rt-{post_id}", count)
    return {
        "data": {
            "retweeters_timeline": {
                "timeline": {
                    "instructions": [{"type": "TimelineAddEntries", "entries": entries}],
                }
            }
        }
    }


def following(scn: Scenario, user_id: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    acc = scn.account_by_id("x", user_id)
    instructions: list[dict[str, Any]] = [{"type": "TimelineClearCache"}]
    if acc is not None and acc.exists and not acc.private:
        users = scn.following_of("x", acc.handle)
        entries = _user_list(scn, users, cursor, f"fol-{acc.id}", count)
        instructions.append({"type": "TimelineAddEntries", "entries": entries})
    return {
        "data": {
            "user": {
                "result": {
                    "__typename": "User",
                    "timeline": {
                        "timeline": {
                            "instructions": instructions,
                        }
                    },
                }
            }
        }
    }
