"""Ingestion: a :class:`ParseResult` into the observation tables, idempotently.

Rows are keyed by ``(platform, native id)``. One call does a handful of set-based statements
(a ``SELECT`` of the keys already known, an ``INSERT ... ON CONFLICT DO NOTHING`` executemany
for new rows, a bulk ``UPDATE`` by primary key for known ones), so a page of a hundred posts
costs the same few round trips on SQLite and PostgreSQL. Re-ingesting the same result in the
same run changes nothing but ``last_seen`` times: posts are never duplicated, a run keeps one
metrics snapshot per post, and an edge keeps the runs it was first and last seen in.

Edges and following snapshots live in :mod:`pantau.collect.edges` (``diff_following`` and
``FollowDiff`` are re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pantau.collect.edges import FollowDiff, diff_following, edge_item_id, upsert_edges
from pantau.collect.models import Capture, EvidenceLink, Post, PostMetrics, SocialAccount
from pantau.collect.records import AccountRecord, MetricsRecord, ParseResult, PostRecord
from pantau.collect.upsert import chunks, expire, insert_for, overlay
from pantau.store.db import utcnow

__all__ = ["FollowDiff", "IngestStats", "diff_following", "edge_item_id", "store_result"]


@dataclass
class IngestStats:
    """What one :func:`store_result` call changed."""

    accounts_new: int = 0
    accounts_updated: int = 0
    posts_new: int = 0
    posts_updated: int = 0
    metrics: int = 0
    edges_new: int = 0
    edges_updated: int = 0
    links: int = 0

    def add(self, other: IngestStats) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def store_result(*, session: Session, result: ParseResult, run_id: int) -> IngestStats:
    """Upsert the accounts, posts, metrics snapshots and edges of one parsed capture."""
    now = utcnow()
    stats = IngestStats()
    platform = result.platform
    ref = result.raw_ref
    account_ids = _upsert_accounts(session, result.accounts, ref, now, stats)
    posts = [_resolve_author(session, p) for p in result.posts]
    post_pks = _upsert_posts(session, posts, ref, now, stats)
    _store_metrics(session, platform, result.metrics, post_pks, run_id, ref, now, stats)
    edge_ids, stats.edges_new, stats.edges_updated = upsert_edges(
        session, result.edges, run_id, ref, now
    )
    if ref:
        _link(session, platform, ref, account_ids, list(post_pks), edge_ids, stats)
    session.flush()
    return stats


# -- accounts -----------------------------------------------------------------------------


def _merge_accounts(records: Iterable[AccountRecord]) -> dict[tuple[str, str], AccountRecord]:
    """One record per key; a later record wins field by field where it knows the field."""
    merged: dict[tuple[str, str], AccountRecord] = {}
    for record in records:
        key = (record.platform, record.account_id)
        old = merged.get(key)
        merged[key] = record if old is None else overlay(old, record)
    return merged


def _account_values(record: AccountRecord) -> dict[str, Any]:
    return {
        "handle": record.handle,
        "display_name": record.display_name,
        "bio": record.bio,
        "url": record.url,
        "avatar_url": record.avatar_url,
        "created_at": record.created_at,
        "sec_uid": record.sec_uid,
        "is_private": record.is_private,
        "is_verified": record.is_verified,
        "followers_count": record.followers_count,
        "following_count": record.following_count,
        "posts_count": record.posts_count,
        "likes_public": record.likes_public,
        "following_public": record.following_public,
    }


def _upsert_accounts(
    session: Session,
    records: Sequence[AccountRecord],
    ref: str,
    now: datetime,
    stats: IngestStats,
) -> list[str]:
    merged = _merge_accounts(r for r in records if r.account_id)
    by_platform: dict[str, list[str]] = {}
    for platform, account_id in merged:
        by_platform.setdefault(platform, []).append(account_id)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    known_rows: list[Any] = []
    for platform, ids in by_platform.items():
        known = _known_accounts(session, platform, ids)
        known_rows += known.values()
        for account_id in ids:
            record = merged[(platform, account_id)]
            values = _account_values(record)
            row = known.get(account_id)
            if row is None:
                inserts.append(
                    {
                        "platform": platform,
                        "account_id": account_id,
                        **values,
                        "first_seen_at": now,
                        "last_seen_at": now,
                        "raw_ref": ref,
                    }
                )
            else:
                # Fields this payload did not show keep what an earlier payload saw.
                kept = {
                    k: (v if v not in (None, "") else getattr(row, k)) for k, v in values.items()
                }
                updates.append(
                    {"id": row.id, **kept, "last_seen_at": now, "raw_ref": ref or row.raw_ref}
                )
    if inserts:
        stmt = insert_for(session, SocialAccount).on_conflict_do_nothing(
            index_elements=["platform", "account_id"]
        )
        session.execute(stmt, inserts)
    if updates:
        session.execute(update(SocialAccount), updates)
        expire(session, known_rows)
    stats.accounts_new += len(inserts)
    stats.accounts_updated += len(updates)
    return [account_id for _, account_id in merged]


def _known_accounts(
    session: Session, platform: str, ids: Sequence[str]
) -> dict[str, SocialAccount]:
    known: dict[str, SocialAccount] = {}
    for chunk in chunks(list(ids)):
        rows = session.scalars(
            select(SocialAccount)
            .where(SocialAccount.platform == platform, SocialAccount.account_id.in_(chunk))
            .execution_options(populate_existing=True)
        )
        known.update({row.account_id: row for row in rows})
    return known


# -- posts --------------------------------------------------------------------------------


def _resolve_author(session: Session, post: PostRecord) -> PostRecord:
    """oEmbed-style records carry only the author's handle: look the id up when known."""
    if post.author_id or not post.author_handle:
        return post
    author_id = session.scalar(
        select(SocialAccount.account_id).where(
            SocialAccount.platform == post.platform,
            func.lower(SocialAccount.handle) == post.author_handle.lower(),
        )
    )
    return (
        post
        if author_id is None
        else overlay(post, PostRecord(post.platform, post.post_id, author_id))
    )


def _post_values(record: PostRecord) -> dict[str, Any]:
    return {
        "author_id": record.author_id,
        "author_handle": record.author_handle,
        "created_at": record.created_at,
        "kind": record.kind,
        "text": record.text,
        "lang": record.lang,
        "url": record.url,
        "parent_post_id": record.parent_post_id,
        "root_post_id": record.root_post_id,
        "quoted_post_id": record.quoted_post_id,
        "reposted_post_id": record.reposted_post_id,
        "hashtags": list(record.hashtags),
        "mentions": list(record.mentions),
        "links": list(record.links),
        "media": [asdict(m) for m in record.media],
        "is_pinned": record.is_pinned,
    }


def _upsert_posts(
    session: Session,
    records: Sequence[PostRecord],
    ref: str,
    now: datetime,
    stats: IngestStats,
) -> dict[tuple[str, str], int]:
    """Insert or refresh posts; returns ``(platform, post_id) -> post.id``."""
    merged: dict[tuple[str, str], PostRecord] = {}
    for record in records:
        key = (record.platform, record.post_id)
        merged[key] = record if key not in merged else overlay(merged[key], record)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    known_rows: list[Any] = []
    pks: dict[tuple[str, str], int] = {}
    for platform in {p for p, _ in merged}:
        ids = [post_id for p, post_id in merged if p == platform]
        known = _known_posts(session, platform, ids)
        known_rows += known.values()
        for post_id in ids:
            record = merged[(platform, post_id)]
            values = _post_values(record)
            row = known.get(post_id)
            if row is None:
                inserts.append(
                    {
                        "platform": platform,
                        "post_id": post_id,
                        **values,
                        "first_seen_at": now,
                        "last_seen_at": now,
                        "raw_ref": ref,
                    }
                )
                continue
            kept = {
                k: (v if v not in (None, "", []) else getattr(row, k)) for k, v in values.items()
            }
            if record.kind == "original" and row.kind != "original":
                kept["kind"] = row.kind  # a thinner payload (oEmbed) does not undo a reply/quote
            pks[(platform, post_id)] = row.id
            updates.append(
                {"id": row.id, **kept, "last_seen_at": now, "raw_ref": ref or row.raw_ref}
            )
    if inserts:
        stmt = insert_for(session, Post).on_conflict_do_nothing(
            index_elements=["platform", "post_id"]
        )
        session.execute(stmt, inserts)
        for platform in {row["platform"] for row in inserts}:
            new_ids = [row["post_id"] for row in inserts if row["platform"] == platform]
            for post_id, row in _known_posts(session, platform, new_ids).items():
                pks[(platform, post_id)] = row.id
    if updates:
        session.execute(update(Post), updates)
        expire(session, known_rows)
    stats.posts_new += len(inserts)
    stats.posts_updated += len(updates)
    return pks


def _known_posts(session: Session, platform: str, ids: Sequence[str]) -> dict[str, Post]:
    known: dict[str, Post] = {}
    for chunk in chunks(list(ids)):
        rows = session.scalars(
            select(Post)
            .where(Post.platform == platform, Post.post_id.in_(chunk))
            .execution_options(populate_existing=True)
        )
        known.update({row.post_id: row for row in rows})
    return known


# -- metrics ------------------------------------------------------------------------------


def _store_metrics(
    session: Session,
    platform: str,
    records: Sequence[MetricsRecord],
    post_pks: dict[tuple[str, str], int],
    run_id: int,
    ref: str,
    now: datetime,
    stats: IngestStats,
) -> None:
    rows: dict[int, dict[str, Any]] = {}
    for record in records:
        pk = post_pks.get((record.platform or platform, record.post_id))
        if pk is None:
            continue  # counts for a post this payload did not describe; nothing to hang them on
        shown = (record.likes, record.comments, record.reposts_shares, record.quotes)
        if all(c is None for c in (*shown, record.views, record.saves)):
            continue  # the payload showed no counts at all: no snapshot (never zero-filled)
        rows[pk] = {
            "post_pk": pk,
            "run_id": run_id,
            "observed_at": now,
            "likes": record.likes,
            "comments": record.comments,
            "reposts_shares": record.reposts_shares,
            "quotes": record.quotes,
            "views": record.views,
            "saves": record.saves,
            "raw_ref": ref,
        }
    if not rows:
        return
    stmt = insert_for(session, PostMetrics)
    counts: tuple[str, ...] = ("likes", "comments", "reposts_shares", "quotes", "views", "saves")
    stmt = stmt.on_conflict_do_update(
        index_elements=["post_pk", "run_id"],
        set_={
            "observed_at": stmt.excluded.observed_at,
            "raw_ref": stmt.excluded.raw_ref,
            **{c: func.coalesce(stmt.excluded[c], PostMetrics.__table__.c[c]) for c in counts},
        },
    )
    session.execute(stmt, list(rows.values()))
    stats.metrics += len(rows)


# -- edges --------------------------------------------------------------------------------
# -- evidence links -----------------------------------------------------------------------


def _link(
    session: Session,
    platform: str,
    ref: str,
    account_ids: Sequence[str],
    post_keys: Sequence[tuple[str, str]],
    edge_ids: Sequence[str],
    stats: IngestStats,
) -> None:
    capture_id = session.scalar(select(Capture.id).where(Capture.sha256 == ref))
    if capture_id is None:
        return  # parsed from a file that is not (yet) in the evidence store
    rows = [
        *({"item_type": "account", "item_id": i} for i in account_ids),
        *({"item_type": "post", "item_id": post_id} for _, post_id in post_keys),
        *({"item_type": "edge", "item_id": i} for i in edge_ids),
    ]
    values = [
        {"capture_id": capture_id, "platform": platform, "role": "payload", **row} for row in rows
    ]
    if values:
        stmt = insert_for(session, EvidenceLink).on_conflict_do_nothing(
            index_elements=["capture_id", "platform", "item_type", "item_id"]
        )
        session.execute(stmt, values)
        stats.links += len(values)


# -- following snapshots ------------------------------------------------------------------
