"""Retention (UU 27/2022, DOMAIN.md safeguard 6): purge what is old and is not evidence of a case.

Observations (posts with their metrics and predictions, edges) last seen more than
``retention_days`` ago, and captures taken more than ``retention_days`` ago, are purged unless
they belong to a flag that is still a case: any flag not ``dismissed`` (open, in review,
awaiting clarification, confirmed, referred). Links from dismissed flags to purged captures are
removed first. What was purged is logged as counts (never content) in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture, Edge, EvidenceLink, Post, PostMetrics
from pantau.detect.models import Flag, FlagEvidence
from pantau.store.db import utcnow

CLOSED_STATUSES = frozenset({"dismissed"})
CHUNK = 500
T = TypeVar("T")


@dataclass
class RetentionReport:
    cutoff: str
    dry_run: bool
    posts: int = 0
    metrics: int = 0
    predictions: int = 0
    edges: int = 0
    captures: int = 0
    flag_evidence_unlinked: int = 0
    files: int = 0
    kept_as_evidence: int = 0
    # evidence files to remove once the transaction is committed (not part of the counts)
    paths: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("paths")
        return out


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _case_flags(session: Session) -> list[tuple[int, str, str, str]]:
    return [
        (int(fid), p, t, i)
        for fid, p, t, i in session.execute(
            select(Flag.id, Flag.platform, Flag.item_type, Flag.item_id).where(
                Flag.status.not_in(CLOSED_STATUSES)
            )
        )
    ]


def _protected(session: Session) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[int]]:
    """Post keys, edge keys (``edge_item_id``) and capture ids that are evidence of a case."""
    flags = _case_flags(session)
    posts: set[tuple[str, str]] = set()
    edges: set[tuple[str, str]] = set()
    for _fid, platform, item_type, item_id in flags:
        if item_type == "post":
            posts.add((platform, item_id))
        else:
            edges.add((platform, item_id))
            parts = item_id.split(":")
            if len(parts) == 4 and parts[2] == "post":
                posts.add((platform, parts[3]))  # the post the act was on
    captures: set[int] = set()
    flag_ids = [f[0] for f in flags]
    for chunk in _chunks(flag_ids):
        captures.update(
            session.scalars(select(FlagEvidence.capture_id).where(FlagEvidence.flag_id.in_(chunk)))
        )
    for platform, item_type, item_id, capture_id in session.execute(
        select(
            EvidenceLink.platform,
            EvidenceLink.item_type,
            EvidenceLink.item_id,
            EvidenceLink.capture_id,
        )
    ):
        key = (platform, item_id)
        if (item_type == "post" and key in posts) or (item_type == "edge" and key in edges):
            captures.add(int(capture_id))
    return posts, edges, captures


def apply_retention(
    *,
    session: Session,
    days: int,
    evidence: EvidenceStore,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str = "system:retention",
) -> RetentionReport:
    """Purge (or with ``dry_run`` only count) what retention allows; audit the counts.

    Evidence files are removed only after the caller's transaction is committed: see
    :func:`remove_files` (a crash in between leaves orphan files, never rows without files)."""
    from pantau.review.audit import record

    cutoff = (now or utcnow()) - timedelta(days=days)
    report = RetentionReport(cutoff=cutoff.isoformat(), dry_run=dry_run)
    keep_posts, keep_edges, keep_captures = _protected(session)

    old_posts = session.execute(
        select(Post.id, Post.platform, Post.post_id).where(Post.last_seen_at < cutoff)
    ).all()
    purge_posts = [r for r in old_posts if (r.platform, r.post_id) not in keep_posts]
    old_edges = session.execute(
        select(
            Edge.id, Edge.platform, Edge.actor_id, Edge.verb, Edge.target_type, Edge.target_id
        ).where(Edge.last_seen_at < cutoff)
    ).all()
    purge_edges = [
        r.id
        for r in old_edges
        if (r.platform, f"{r.actor_id}:{r.verb}:{r.target_type}:{r.target_id}") not in keep_edges
    ]
    old_captures = session.execute(
        select(Capture.id, Capture.stored_path).where(Capture.captured_at < cutoff)
    ).all()
    purge_captures = [r for r in old_captures if r.id not in keep_captures]
    report.kept_as_evidence = (
        len(old_posts)
        - len(purge_posts)
        + len(old_edges)
        - len(purge_edges)
        + len(old_captures)
        - len(purge_captures)
    )
    report.posts, report.edges, report.captures = (
        len(purge_posts),
        len(purge_edges),
        len(purge_captures),
    )
    paths: list[str] = [r.stored_path for r in purge_captures]
    for chunk in _chunks(purge_posts):
        pks = [r.id for r in chunk]
        report.metrics += _count_delete(session, PostMetrics, PostMetrics.post_pk.in_(pks), dry_run)
        for platform in {r.platform for r in chunk}:
            ids = [r.post_id for r in chunk if r.platform == platform]
            report.predictions += _count_delete(
                session,
                Prediction,
                (Prediction.platform == platform) & Prediction.post_id.in_(ids),
                dry_run,
            )
        _count_delete(session, Post, Post.id.in_(pks), dry_run)
    for chunk in _chunks(purge_edges):
        _count_delete(session, Edge, Edge.id.in_(list(chunk)), dry_run)
    for chunk in _chunks([r.id for r in purge_captures]):
        ids = list(chunk)
        report.flag_evidence_unlinked += _count_delete(
            session, FlagEvidence, FlagEvidence.capture_id.in_(ids), dry_run
        )
        _count_delete(session, EvidenceLink, EvidenceLink.capture_id.in_(ids), dry_run)
        _count_delete(session, Capture, Capture.id.in_(ids), dry_run)
    report.files = sum(1 for p in paths if (evidence.root / p).is_file())
    record(
        session=session,
        actor=actor,
        action="retention.dry_run" if dry_run else "retention.applied",
        subject_type="retention",
        subject_id=f"{days}d",
        detail=report.to_dict(),
    )
    session.flush()
    report.paths = [] if dry_run else paths
    return report


def remove_files(report: RetentionReport, evidence: EvidenceStore) -> int:
    """Delete the purged captures' files (call after the commit); returns how many."""
    removed = 0
    for rel in report.paths:
        path = evidence.root / rel
        if path.is_file():
            path.unlink()
            removed += 1
    return removed


def _count_delete(session: Session, model: Any, where: Any, dry_run: bool) -> int:
    if dry_run:
        from sqlalchemy import func

        return int(session.scalar(select(func.count()).select_from(model).where(where)) or 0)
    result = session.execute(
        delete(model).where(where).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
