"""Plain typed records that the pure parsers produce and ingestion stores.

The shapes follow the common data model (``PLATFORM_SCHEMA.md``): everything is keyed by
``(platform, native id)`` with ids as strings (X, Instagram and TikTok ids pass 2^53), every
time is timezone-aware UTC, and counts live in :class:`MetricsRecord` snapshots rather than on
the post. A :class:`ParseResult` is what one captured payload yields; ``raw_ref`` is the
SHA-256 of that payload so a fixed parser can re-parse old captures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

PLATFORMS: tuple[str, ...] = ("x", "instagram", "tiktok", "facebook")

PostKind = Literal["original", "reply", "quote", "repost", "comment", "reel", "story"]
POST_KINDS: tuple[str, ...] = ("original", "reply", "quote", "repost", "comment", "reel", "story")

Verb = Literal["like", "repost", "quote", "comment", "follow"]
VERBS: tuple[str, ...] = ("like", "repost", "quote", "comment", "follow")

TargetType = Literal["post", "account"]

# Marker a parser puts in ``ParseResult.wall`` when the page is a login wall / checkpoint,
# so the collector can raise ``LoginWallError`` (parsers themselves never raise for it).
WALL_LOGIN = "login_wall"
WALL_CHALLENGE = "challenge"
WALL_RATE_LIMIT = "rate_limited"


@dataclass(frozen=True)
class AccountRecord:
    """A platform account as one payload shows it; ``None`` means "not in this payload"."""

    platform: str
    account_id: str
    handle: str = ""
    display_name: str = ""
    bio: str = ""
    url: str = ""
    avatar_url: str = ""
    created_at: datetime | None = None
    is_private: bool | None = None
    is_verified: bool | None = None
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    likes_public: bool | None = None  # TikTok openFavorite
    following_public: bool | None = None  # TikTok followingVisibility
    sec_uid: str = ""  # TikTok: needed by its API calls


@dataclass(frozen=True)
class MediaRecord:
    """One attached photo, video, gif or audio."""

    media_id: str = ""
    type: str = "photo"  # photo | video | gif | audio
    url: str = ""
    thumb_url: str = ""
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(frozen=True)
class PostRecord:
    """A post, reply, quote, repost, comment or reel (``kind``)."""

    platform: str
    post_id: str
    author_id: str
    kind: str = "original"
    author_handle: str = ""
    created_at: datetime | None = None
    text: str = ""
    lang: str = ""
    url: str = ""
    parent_post_id: str | None = None  # reply / comment target
    root_post_id: str | None = None  # conversation root, or the media a comment is on
    quoted_post_id: str | None = None
    reposted_post_id: str | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # handles, without "@"
    links: tuple[str, ...] = ()
    media: tuple[MediaRecord, ...] = ()
    is_pinned: bool = False


@dataclass(frozen=True)
class MetricsRecord:
    """The counts of one post at observation time; ``None`` = not shown (never zero-filled)."""

    platform: str
    post_id: str
    likes: int | None = None
    comments: int | None = None
    reposts_shares: int | None = None
    quotes: int | None = None
    views: int | None = None
    saves: int | None = None


@dataclass(frozen=True)
class EdgeRecord:
    """actor --verb--> target; ``event_time`` only when the platform gives one."""

    platform: str
    actor_id: str
    verb: str  # like | repost | quote | comment | follow
    target_type: str  # post | account
    target_id: str
    source_list: str = ""  # e.g. "retweeters(post)", "following(account)", "user_timeline"
    event_time: datetime | None = None


@dataclass(frozen=True)
class ParseResult:
    """Everything one captured payload yields.

    ``cursors`` maps a direction (``top``, ``bottom``, ``next``, ...) to the opaque cursor for
    the next page; ``wall`` is empty or one of ``WALL_*`` when the payload is a block page.
    """

    platform: str
    op: str
    accounts: list[AccountRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    metrics: list[MetricsRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    raw_ref: str = ""
    wall: str = ""

    def with_raw_ref(self, raw_ref: str) -> ParseResult:
        return dataclasses.replace(self, raw_ref=raw_ref)

    @property
    def is_empty(self) -> bool:
        return not (self.accounts or self.posts or self.metrics or self.edges)


def record_type(record: object) -> str:
    """The short name used in JSON lines: account, post, metrics, edge."""
    names = {
        AccountRecord: "account",
        PostRecord: "post",
        MetricsRecord: "metrics",
        EdgeRecord: "edge",
    }
    return names.get(type(record), type(record).__name__)


def to_jsonable(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (datetimes as ISO-8601 UTC strings, tuples as lists)."""

    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: convert(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        return value

    result: dict[str, Any] = convert(record)
    return result


def iter_records(result: ParseResult) -> list[tuple[str, dict[str, Any]]]:
    """Every record of a result as ``(type, jsonable dict)``, accounts first."""
    out: list[tuple[str, dict[str, Any]]] = []
    for group in (result.accounts, result.posts, result.metrics, result.edges):
        out.extend((record_type(r), to_jsonable(r)) for r in group)
    return out
