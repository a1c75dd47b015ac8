"""A sweep's summary, computed from the database (so a resumed sweep reports the same numbers).

Keys: ``new_observations`` (posts first seen and edges first seen in this sweep), ``new_flags``,
``failed_accounts`` (platform, handle, reason), ``unobservable`` (platform, act, reason: what the
platform does not let us see), ``phases`` (task counts per phase, platform and state), and more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.models import AccountCrawl, Edge, Post, PostMetrics
from pantau.detect.models import Flag
from pantau.registry.models import Account, WatchedAccount
from pantau.sweep.models import Sweep, SweepTask


def _by_platform(rows: Sequence[Any]) -> dict[str, int]:
    return {str(p): int(n) for p, n in sorted(rows)}


def _phases(session: Session, sweep_id: int) -> dict[str, dict[str, dict[str, int]]]:
    rows = session.execute(
        select(SweepTask.phase, SweepTask.platform, SweepTask.state, func.count(SweepTask.id))
        .where(SweepTask.sweep_id == sweep_id)
        .group_by(SweepTask.phase, SweepTask.platform, SweepTask.state)
    ).all()
    out: dict[str, dict[str, dict[str, int]]] = {}
    for phase, platform, state, n in rows:
        out.setdefault(phase, {}).setdefault(platform or "all", {})[state] = int(n)
    return out


def _failed(session: Session, sweep_id: int) -> list[dict[str, str]]:
    rows = session.execute(
        select(SweepTask, Account.handle, WatchedAccount.handle)
        .outerjoin(Account, Account.id == SweepTask.account_id)
        .outerjoin(WatchedAccount, WatchedAccount.id == SweepTask.watched_id)
        .where(SweepTask.sweep_id == sweep_id, SweepTask.state == "failed")
        .order_by(SweepTask.platform, SweepTask.subject)
    ).all()
    return [
        {
            "platform": task.platform,
            "handle": handle or watched or "",
            "kind": "watched" if task.watched_id is not None else "registered",
            "reason": task.reason,
            "detail": task.detail[:300],
        }
        for task, handle, watched in rows
    ]


def _act_statuses(session: Session, run_id: int, status: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AccountCrawl.act, Account.platform, AccountCrawl.reason, func.count(AccountCrawl.id))
        .join(Account, Account.id == AccountCrawl.account_id)
        .where(AccountCrawl.run_id == run_id, AccountCrawl.status == status)
        .group_by(AccountCrawl.act, Account.platform, AccountCrawl.reason)
        .order_by(Account.platform, AccountCrawl.act, AccountCrawl.reason)
    ).all()
    return [
        {"platform": p, "act": act, "reason": reason, "accounts": int(n)}
        for act, p, reason, n in rows
    ]


def compute_summary(*, session: Session, sweep: Sweep) -> dict[str, Any]:
    run_id = sweep.crawl_run_id or -1
    new_posts = _by_platform(
        session.execute(
            select(Post.platform, func.count(Post.id))
            .where(Post.first_seen_at >= sweep.started_at)
            .group_by(Post.platform)
        ).all()
    )
    new_edges = _by_platform(
        session.execute(
            select(Edge.platform, func.count(Edge.id))
            .where(Edge.first_seen_run == run_id)
            .group_by(Edge.platform)
        ).all()
    )
    flags = session.execute(
        select(Flag.platform, Flag.act_code, func.count(Flag.id))
        .where(Flag.run_id == run_id)
        .group_by(Flag.platform, Flag.act_code)
    ).all()
    flags_by_act: Counter[str] = Counter()
    flags_by_platform: Counter[str] = Counter()
    for platform, act, n in flags:
        flags_by_act[act] += int(n)
        flags_by_platform[platform] += int(n)
    metrics = session.scalar(select(func.count(PostMetrics.id)).where(PostMetrics.run_id == run_id))
    predictions = session.scalar(
        select(func.count(Prediction.id)).where(
            Prediction.created_at >= sweep.started_at,
            Prediction.model_version == sweep.model_version,
        )
    )
    posts_total = sum(new_posts.values())
    edges_total = sum(new_edges.values())
    return {
        "sweep_id": sweep.id,
        "crawl_run_id": sweep.crawl_run_id,
        "trigger": sweep.trigger,
        "executor": sweep.executor,
        "started_at": sweep.started_at.isoformat(),
        "attempts": sweep.attempts,
        "plan": sweep.plan,
        "phases": _phases(session, sweep.id),
        "new_observations": posts_total + edges_total,
        "new_posts": new_posts,
        "new_edges": new_edges,
        "metrics_snapshots": int(metrics or 0),
        "predictions": int(predictions or 0),
        "model_version": sweep.model_version,
        "new_flags": sum(flags_by_act.values()),
        "new_flags_by_act": dict(sorted(flags_by_act.items())),
        "new_flags_by_platform": dict(sorted(flags_by_platform.items())),
        "failed_accounts": _failed(session, sweep.id),
        "failed_acts": _act_statuses(session, run_id, "failed"),
        "unobservable": _act_statuses(session, run_id, "unobservable"),
    }
