"""Edges (like, repost, quote, comment, follow) seen between runs, and following snapshots.

An edge's ``first_seen_run`` is the start of its current episode: an edge seen again after it
was marked gone (unfollow, then follow again) starts a new episode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pantau.collect.models import Edge
from pantau.collect.records import EdgeRecord
from pantau.collect.upsert import expire, insert_for, overlay
from pantau.store.db import utcnow


@dataclass(frozen=True)
class FollowDiff:
    """One account's following list compared with what earlier runs saw."""

    new: list[str] = field(default_factory=list)  # followed since the last complete read
    still: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # gone since this run (unfollowed/hidden)


EdgeKey = tuple[str, str, str, str, str]


def _edge_key(record: EdgeRecord) -> EdgeKey:
    return (record.platform, record.actor_id, record.verb, record.target_type, record.target_id)


def upsert_edges(
    session: Session,
    records: Sequence[EdgeRecord],
    run_id: int,
    ref: str,
    now: datetime,
) -> tuple[list[str], int, int]:
    """Insert new edges, refresh known ones; returns (evidence item ids, new, updated)."""
    merged: dict[EdgeKey, EdgeRecord] = {}
    for record in records:
        if record.actor_id and record.target_id:
            key = _edge_key(record)
            merged[key] = record if key not in merged else overlay(merged[key], record)
    if not merged:
        return [], 0, 0
    known = _known_edges(session, list(merged))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, record in merged.items():
        row = known.get(key)
        if row is None:
            inserts.append(
                {
                    "platform": key[0],
                    "actor_id": key[1],
                    "verb": key[2],
                    "target_type": key[3],
                    "target_id": key[4],
                    "event_time": record.event_time,
                    "source_list": record.source_list,
                    "first_seen_run": run_id,
                    "last_seen_run": run_id,
                    "gone_since_run": None,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "raw_ref": ref,
                }
            )
            continue
        back = row.gone_since_run is not None  # seen again after it was gone: a new episode
        updates.append(
            {
                "id": row.id,
                "event_time": record.event_time or row.event_time,
                "source_list": record.source_list or row.source_list,
                "first_seen_run": run_id if back else row.first_seen_run,
                "first_seen_at": now if back else row.first_seen_at,
                "last_seen_run": run_id,
                "gone_since_run": None,
                "last_seen_at": now,
                "raw_ref": ref or row.raw_ref,
            }
        )
    if inserts:
        stmt = insert_for(session, Edge).on_conflict_do_nothing(
            index_elements=["platform", "actor_id", "verb", "target_type", "target_id"]
        )
        session.execute(stmt, inserts)
    if updates:
        session.execute(update(Edge), updates)
        expire(session, list(known.values()))
    return [edge_item_id(*key[1:]) for key in merged], len(inserts), len(updates)


def edge_item_id(actor_id: str, verb: str, target_type: str, target_id: str) -> str:
    """How an edge is named in ``EvidenceLink.item_id``."""
    return f"{actor_id}:{verb}:{target_type}:{target_id}"


def _known_edges(session: Session, keys: Sequence[EdgeKey]) -> dict[EdgeKey, Edge]:
    known: dict[EdgeKey, Edge] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    for platform, actor, *_ in keys:
        groups.setdefault((platform, actor), [])
    wanted = set(keys)
    for platform, actor in groups:
        stmt = (
            select(Edge)
            .where(Edge.platform == platform, Edge.actor_id == actor)
            .execution_options(populate_existing=True)
        )
        for row in session.scalars(stmt):
            key = (row.platform, row.actor_id, row.verb, row.target_type, row.target_id)
            if key in wanted:
                known[key] = row
    return known


def diff_following(
    *, session: Session, platform: str, actor_id: str, seen_target_ids: Iterable[str], run_id: int
) -> FollowDiff:
    """Compare a COMPLETE following list read in ``run_id`` with what was known before.

    Records every seen follow edge (first/last seen runs), marks follows no longer listed as
    gone since this run, and returns which targets are new, still followed and gone. Call it
    only after reading the whole list: a partial read would mark the unread rest as gone.
    """
    seen = sorted({t for t in seen_target_ids if t})
    edges = [
        EdgeRecord(platform, actor_id, "follow", "account", target, "following(account)")
        for target in seen
    ]
    upsert_edges(session, edges, run_id, "", utcnow())
    session.flush()
    rows = list(
        session.scalars(
            select(Edge)
            .where(
                Edge.platform == platform,
                Edge.actor_id == actor_id,
                Edge.verb == "follow",
                Edge.target_type == "account",
            )
            .execution_options(populate_existing=True)
        )
    )
    seen_set = set(seen)
    new = sorted(
        r.target_id for r in rows if r.target_id in seen_set and r.first_seen_run == run_id
    )
    still = sorted(
        r.target_id for r in rows if r.target_id in seen_set and r.first_seen_run != run_id
    )
    gone_rows = [r for r in rows if r.target_id not in seen_set and r.gone_since_run is None]
    gone = sorted(
        r.target_id
        for r in rows
        if r.target_id not in seen_set and r.gone_since_run in (None, run_id)
    )
    if gone_rows:
        session.execute(update(Edge), [{"id": r.id, "gone_since_run": run_id} for r in gone_rows])
        expire(session, gone_rows)
    return FollowDiff(new=new, still=still, gone=gone)
