"""Collection tables: the common data model of ``PLATFORM_SCHEMA.md`` plus provenance.

Records are keyed by ``(platform, native id)`` with ids as strings; every parsed row keeps
``raw_ref``, the SHA-256 of the capture it came from, so a fixed parser can re-parse old captures.
Likes and follows have no platform time: an ``Edge`` knows only the runs it was first and last
seen in (snapshot diffing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from pantau.errors import EvidenceError
from pantau.store.db import Base, UTCDateTime, utcnow


class Capture(Base):
    """One stored evidence file (raw payload, page HTML or screenshot), content-addressed."""

    __tablename__ = "capture"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # payload | page | screenshot
    content_type: Mapped[str] = mapped_column(String(100), default="application/json")
    platform: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text, default="")
    op_name: Mapped[str] = mapped_column(String(100), default="")
    monitoring_session: Mapped[str] = mapped_column(String(100), default="")
    collector_version: Mapped[str] = mapped_column(String(50), default="")
    captured_by: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    stored_path: Mapped[str] = mapped_column(String(300))  # relative to the evidence directory
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_run.id", ondelete="SET NULL"), default=None
    )


class CustodyEvent(Base):
    """Append-only chain of custody of a capture (captured, verified, exported, purged)."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("capture.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


def _refuse_custody_change(_mapper: Any, _connection: Any, target: CustodyEvent) -> None:
    raise EvidenceError(f"custody events are append-only (event {target.id})")


# The chain of custody is append-only: the ORM refuses updates and deletes of an event.
event.listen(CustodyEvent, "before_update", _refuse_custody_change)
event.listen(CustodyEvent, "before_delete", _refuse_custody_change)


class EvidenceLink(Base):
    """Which item (post, account, edge) a capture is evidence for."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("capture_id", "platform", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("capture.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    item_type: Mapped[str] = mapped_column(String(16))  # post | account | edge
    item_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="payload")  # payload | screenshot


class CrawlRun(Base):
    """One collection run (a sweep's collect phase, or ``pantau collect account``)."""

    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32), default="cli")  # cli | sweep | test
    sweep_id: Mapped[int | None] = mapped_column(Integer, default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    status: Mapped[str] = mapped_column(String(16), default="running")


class AccountCrawl(Base):
    """What one run learned about one registered account and one act.

    ``status`` is ``ok``, ``failed`` (with ``reason``: blocked, login_wall, not_found, private,
    rate_limited, ...) or ``unobservable`` (the platform does not expose the act): never is an
    unobservable act or a failed account reported as "nothing found".
    """

    __tablename__ = "account_crawl"
    __table_args__ = (UniqueConstraint("run_id", "account_id", "act"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    act: Mapped[str] = mapped_column(String(16))  # posts|comments|shares|likes|following
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Watermark(Base):
    """Per registered account and operation: how far collection has got."""

    __tablename__ = "watermark"
    __table_args__ = (UniqueConstraint("account_id", "operation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    operation: Mapped[str] = mapped_column(String(16))  # posts | following
    last_item_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_item_id: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SocialAccount(Base):
    """A platform account as observed (registered ASN accounts and anyone they engage with)."""

    __tablename__ = "social_account"
    __table_args__ = (UniqueConstraint("platform", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64))
    handle: Mapped[str] = mapped_column(String(100), default="")
    display_name: Mapped[str] = mapped_column(String(300), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    avatar_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    sec_uid: Mapped[str] = mapped_column(String(200), default="")  # TikTok API handle
    is_private: Mapped[bool | None] = mapped_column(Boolean, default=None)
    is_verified: Mapped[bool | None] = mapped_column(Boolean, default=None)
    followers_count: Mapped[int | None] = mapped_column(BigInteger, default=None)
    following_count: Mapped[int | None] = mapped_column(BigInteger, default=None)
    posts_count: Mapped[int | None] = mapped_column(BigInteger, default=None)
    likes_public: Mapped[bool | None] = mapped_column(Boolean, default=None)
    following_public: Mapped[bool | None] = mapped_column(Boolean, default=None)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    raw_ref: Mapped[str] = mapped_column(String(64), default="")


class Post(Base):
    """A post, reply, quote, repost or comment (``kind``), keyed by (platform, post_id)."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "post_id"),
        Index("ix_post_platform_author_created", "platform", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[str] = mapped_column(String(64))
    author_handle: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    kind: Mapped[str] = mapped_column(String(16), default="original")
    text: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(16), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    parent_post_id: Mapped[str | None] = mapped_column(String(64), default=None)
    root_post_id: Mapped[str | None] = mapped_column(String(64), default=None)
    quoted_post_id: Mapped[str | None] = mapped_column(String(64), default=None)
    reposted_post_id: Mapped[str | None] = mapped_column(String(64), default=None)
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    media: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    raw_ref: Mapped[str] = mapped_column(String(64), default="")


class PostMetrics(Base):
    """Counts are a time series: one row per observation of a post, at most one per run."""

    __tablename__ = "post_metrics"
    __table_args__ = (UniqueConstraint("post_pk", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_pk: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer, default=None)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    likes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    comments: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reposts_shares: Mapped[int | None] = mapped_column(BigInteger, default=None)
    quotes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    views: Mapped[int | None] = mapped_column(BigInteger, default=None)
    saves: Mapped[int | None] = mapped_column(BigInteger, default=None)
    raw_ref: Mapped[str] = mapped_column(String(64), default="")


class Edge(Base):
    """actor --verb--> target (like, repost, quote, comment, follow), seen between runs."""

    __tablename__ = "edge"
    __table_args__ = (
        UniqueConstraint("platform", "actor_id", "verb", "target_type", "target_id"),
        Index("ix_edge_platform_target", "platform", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    verb: Mapped[str] = mapped_column(String(16))  # like | repost | quote | comment | follow
    target_type: Mapped[str] = mapped_column(String(16))  # post | account
    target_id: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    source_list: Mapped[str] = mapped_column(String(100), default="")
    first_seen_run: Mapped[int | None] = mapped_column(Integer, default=None)
    last_seen_run: Mapped[int | None] = mapped_column(Integer, default=None)
    gone_since_run: Mapped[int | None] = mapped_column(Integer, default=None)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    raw_ref: Mapped[str] = mapped_column(String(64), default="")
