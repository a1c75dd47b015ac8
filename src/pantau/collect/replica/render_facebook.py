"""Facebook Comet payloads: the timeline ``Story`` shape of ``ProfileCometTimelineFeedQuery``.

A Story node keeps the real key paths: ``post_id``, ``id`` (base64 ``S:_I{actor}:{post}:{post}``),
``feedback.id``, ``comet_sections.content.story.{actors, message.text, wwwURL, attached_story}``,
``comet_sections.context_layout.story.comet_sections.metadata[0].story.{creation_time, url}`` and
``comet_sections.feedback.story.comet_feed_ufi_container.story.story_ufi_container.story
.feedback_context.feedback_target_with_context.comet_ufi_summary_and_actions_renderer.feedback``
(``reaction_count.count``, ``share_count.count``, ``comment_rendering_instance.comments
.total_count``). The page preload and ``/api/graphql/`` answers both carry these nodes.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from pantau.collect.replica.scenario import Account, Post, Scenario

FIRST_PAGE = 3  # the logged-out page preloads a few stories; the rest come by /api/graphql/
PAGE_SIZE = 3
TIMELINE_DOC_ID = "9000000000000001"
PRELOADER_ID = "adp_ProfileCometTimelineFeedQueryRelayPreloader_replica0000000001"


def _dumps(obj: Any) -> str:
    # Compact, as Facebook serves it (its pages carry no whitespace between tokens).
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def profile_url(acc: Account) -> str:
    return f"https://www.facebook.com/{acc.handle}"


def post_url(acc: Account, post: Post) -> str:
    return f"https://www.facebook.com/{acc.handle}/posts/pfbid0{b64(post.id).rstrip('=')}"


def post_id_of(segment: str) -> str:
    """The post id in a permalink segment: a plain id, or the replica's ``pfbid0`` form."""
    if segment.startswith("pfbid0"):
        raw = segment[len("pfbid0") :]
        try:
            return base64.b64decode(raw + "=" * (-len(raw) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return segment
    return segment


def actor(acc: Account, *, shape: str = "photo") -> dict[str, Any]:
    """An actor as each story section carries it: ``content`` and ``title`` are lean,
    ``photo`` (actor photo, reactors, comment authors) adds the picture and profile URL."""
    base = {
        "__typename": "User",
        "id": acc.id,
        "name": acc.name,
        "__isEntity": "User",
        "url": profile_url(acc),
    }
    if shape == "content":
        return base
    base["__isActor"] = "User"
    if shape == "title":
        return base
    return {
        **base,
        "profile_url": profile_url(acc),
        "profile_picture": {"uri": f"https://scontent.xx.fbcdn.net/v/t39.30808-1/{acc.id}_n.jpg"},
    }


def _ranges(scn: Scenario, post: Post) -> list[dict[str, Any]]:
    out = []
    for handle in post.mentions:
        acc = scn.account("facebook", handle)
        if acc is None:
            continue
        offset = post.text.find(acc.name)
        if offset < 0:
            offset = max(0, post.text.find("@" + handle))
        out.append(
            {
                "entity": {"__typename": "User", "id": acc.id, "url": profile_url(acc)},
                "length": len(acc.name),
                "offset": offset,
            }
        )
    return out


def story(scn: Scenario, post: Post, *, depth: int = 0) -> dict[str, Any]:
    author = scn.account("facebook", post.author)
    assert author is not None
    feedback_id = b64(f"feedback:{post.id}")
    url = post_url(author, post)
    shared = scn.post("facebook", post.reposted or post.quoted or "") if depth == 0 else None
    # The three places a story carries its text, each with the keys the captures show there.
    message = {"__typename": "TextWithEntities", "text": post.text} if post.text else None
    rich = (
        {
            "delight_ranges": [],
            "image_ranges": [],
            "inline_style_ranges": [],
            "aggregated_ranges": [],
            "ranges": _ranges(scn, post),
            "color_ranges": [],
            "text": post.text,
        }
        if post.text
        else None
    )
    feedback = {
        "id": feedback_id,
        "reaction_count": {"count": scn.like_count(post), "is_empty": scn.like_count(post) == 0},
        "i18n_reaction_count": str(scn.like_count(post)),
        "share_count": {
            "count": len(scn.reposters_of("facebook", post.id)),
            "is_empty": not scn.reposters_of("facebook", post.id),
        },
        "comment_rendering_instance": {
            "comments": {"total_count": len(scn.comments_on("facebook", post.id))}
        },
        "comments_count_summary_renderer": {
            "feedback": {
                "comment_rendering_instance": {
                    "comments": {"total_count": len(scn.comments_on("facebook", post.id))}
                }
            }
        },
    }
    content_story: dict[str, Any] = {
        "feedback": {"id": feedback_id},
        "actors": [actor(author, shape="content")],
        "message": message,
        "wwwURL": url,
        "attached_story": story(scn, shared, depth=1) if shared else None,
        "comet_sections": {
            "message": {
                "__typename": "CometFeedStoryDefaultMessageRenderingStrategy",
                "story": {"is_text_only_story": True, "message": rich},
            },
            "message_container": {"story": {"message": {"text": post.text} if post.text else None}},
        },
    }
    return {
        "__typename": "Story",
        "__isFeedUnit": "Story",
        "id": b64(f"S:_I{author.id}:{post.id}:{post.id}"),
        "post_id": post.id,
        "feedback": {"associated_group": None, "id": feedback_id},
        "attached_story": content_story["attached_story"],
        "comet_sections": {
            "content": {"story": content_story},
            "context_layout": {
                "story": {
                    "id": b64(f"S:_I{author.id}:{post.id}:{post.id}"),
                    "comet_sections": {
                        "actor_photo": {"story": {"actors": [actor(author)]}},
                        "metadata": [
                            {"story": {"creation_time": int(post.time.timestamp()), "url": url}}
                        ],
                        "title": {"story": {"actors": [actor(author, shape="title")]}},
                    },
                }
            },
            "feedback": {
                "story": {
                    "comet_feed_ufi_container": {
                        "__typename": "XFBCometFeedUFIContainerExperimental",
                        "story": {
                            "story_ufi_container": {
                                "story": {
                                    "url": url,
                                    "post_id": post.id,
                                    "feedback_context": {
                                        "feedback_target_with_context": {
                                            "id": feedback_id,
                                            "url": url,
                                            "comet_ufi_summary_and_actions_renderer": {
                                                "feedback": feedback
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    }
                }
            },
        },
    }


def _edges(scn: Scenario, posts: list[Post], start: int) -> list[dict[str, Any]]:
    return [
        {"node": story(scn, p), "cursor": cursor_for(start + i + 1)} for i, p in enumerate(posts)
    ]


def cursor_for(offset: int) -> str:
    return b64(f"timeline_cursor:{offset}")


def offset_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        tag, value = base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
    except (ValueError, UnicodeDecodeError):
        return 0
    return int(value) if tag in ("timeline_cursor", "list_cursor") else 0


def timeline_parts(
    scn: Scenario, acc: Account, *, start: int, size: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data part, page_info part) of one timeline page, as Relay streams them."""
    posts = scn.timeline("facebook", acc.handle)
    page = posts[start : start + size]
    end = start + len(page)
    page_info = {"has_next_page": end < len(posts), "end_cursor": cursor_for(end) if page else None}
    pinned = [p for p in posts if p.pinned]
    # Relay defers page_info to a second payload; the refetch answer also inlines it, so a
    # reader of either part finds the cursor.
    data = {
        "user": {
            "id": acc.id,
            "timeline_list_feed_units": {"edges": _edges(scn, page, start), "page_info": page_info},
            # Facebook shows a pinned post above the timeline, on the first page only.
            "profile_pinned_post": story(scn, pinned[0]) if pinned and start == 0 else None,
        }
    }
    info = {
        "label": "ProfileCometTimelineFeed_user$defer$ProfileCometTimelineFeed_user_"
        "timeline_list_feed_units$page_info",
        "path": ["user", "timeline_list_feed_units"],
        "data": {"page_info": page_info},
    }
    return data, info


def preload_scripts(scn: Scenario, acc: Account) -> list[str]:
    """The JSON bodies of the page's ``<script type="application/json" data-sjs>`` preloads."""
    data, info = timeline_parts(scn, acc, start=0, size=FIRST_PAGE)
    first = {
        "require": [
            [
                "ScheduledServerJS",
                "handle",
                None,
                [
                    {
                        "__bbox": {
                            "require": [
                                [
                                    "RelayPrefetchedStreamCache",
                                    "next",
                                    [],
                                    [
                                        PRELOADER_ID,
                                        {
                                            "__bbox": {
                                                "complete": False,
                                                "result": {
                                                    "data": data,
                                                    "extensions": {"is_final": False},
                                                },
                                                "sequence_number": 0,
                                            }
                                        },
                                    ],
                                ],
                            ]
                        }
                    }
                ],
            ]
        ]
    }
    second = {
        "require": [
            [
                "ScheduledServerJS",
                "handle",
                None,
                [
                    {
                        "__bbox": {
                            "require": [
                                [
                                    "RelayPrefetchedStreamCache",
                                    "next",
                                    [],
                                    [
                                        PRELOADER_ID,
                                        {
                                            "__bbox": {
                                                "complete": True,
                                                "result": {
                                                    **info,
                                                    "extensions": {"is_final": True},
                                                },
                                                "sequence_number": 1,
                                            }
                                        },
                                    ],
                                ],
                            ]
                        }
                    }
                ],
            ]
        ]
    }
    return [_dumps(first), _dumps(second)]


def timeline_graphql(scn: Scenario, user_id: str, *, cursor: str | None, count: int) -> str:
    """``/api/graphql/`` timeline page: Relay streams two JSON documents separated by CRLF."""
    acc = scn.account_by_id("facebook", user_id)
    if acc is None or not acc.exists:
        return json.dumps(
            {
                "errors": [{"message": "Node not found", "severity": "CRITICAL"}],
                "data": {"node": None},
            }
        )
    data, info = timeline_parts(scn, acc, start=offset_of(cursor), size=count or PAGE_SIZE)
    node = {"__typename": "User", **data["user"]}
    first = {"data": {"node": node}, "extensions": {"is_final": False}}
    return _dumps(first) + "\r\n" + _dumps({**info, "extensions": {"is_final": True}})


def _feedback_post(scn: Scenario, feedback_id: str) -> Post | None:
    try:
        tag, post_id = base64.b64decode(feedback_id).decode().split(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return scn.post("facebook", post_id) if tag == "feedback" else None


def reactors(scn: Scenario, feedback_id: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    post = _feedback_post(scn, feedback_id)
    if post is None:
        return {"errors": [{"message": "Node not found"}], "data": {"node": None}}
    users = scn.likers_of("facebook", post.id)
    start = offset_of(cursor)
    page = users[start : start + (count or 10)]
    end = start + len(page)
    return {
        "data": {
            "node": {
                "__typename": "Feedback",
                "id": feedback_id,
                "reactors": {
                    "count": len(users),
                    "edges": [
                        {
                            "node": actor(a),
                            "feedback_reaction_info": {
                                "id": "1635855486666999",
                                "localized_name": "Like",
                            },
                            "cursor": b64(f"list_cursor:{start + i + 1}"),
                        }
                        for i, a in enumerate(page)
                    ],
                    "page_info": {
                        "has_next_page": end < len(users),
                        "end_cursor": b64(f"list_cursor:{end}"),
                    },
                },
            }
        },
        "extensions": {"is_final": True},
    }


def comments(scn: Scenario, feedback_id: str, *, cursor: str | None, count: int) -> dict[str, Any]:
    post = _feedback_post(scn, feedback_id)
    if post is None:
        return {"errors": [{"message": "Node not found"}], "data": {"node": None}}
    items = scn.comments_on("facebook", post.id)
    start = offset_of(cursor)
    page = items[start : start + (count or 10)]
    end = start + len(page)
    edges = []
    for i, c in enumerate(page):
        author = scn.account("facebook", c.author)
        assert author is not None
        edges.append(
            {
                "node": {
                    "__typename": "Comment",
                    "id": b64(f"comment:{post.id}_{c.id}"),
                    "legacy_fbid": c.id,
                    "created_time": int(c.time.timestamp()),
                    "body": {"text": c.text},
                    "author": actor(author),
                    "feedback": {
                        "id": b64(f"feedback:{c.id}"),
                        "reactors": {"count": scn.like_count(c)},
                    },
                    "url": f"{post_url(author, post)}?comment_id={c.id}",
                },
                "cursor": b64(f"list_cursor:{start + i + 1}"),
            }
        )
    return {
        "data": {
            "node": {
                "__typename": "Feedback",
                "id": feedback_id,
                "comment_rendering_instance_for_feed_location": {
                    "comments": {
                        "edges": edges,
                        "page_info": {
                            "has_next_page": end < len(items),
                            "end_cursor": b64(f"list_cursor:{end}"),
                        },
                        "total_count": len(items),
                    }
                },
            }
        },
        "extensions": {"is_final": True},
    }
