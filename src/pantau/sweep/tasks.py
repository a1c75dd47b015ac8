"""The task functions both executors run: collect a batch of sweep tasks, commit with their state.

The unit of work is a set of :class:`SweepTask` rows: their accounts are collected and the data
and the tasks' new state are committed in ONE transaction. A process killed mid-batch commits
nothing, so running the batch again gives exactly what one run would have (evidence files are
content-addressed: writing one twice changes nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect import runtime as rt_mod
from pantau.collect.browser import MonitoringSession, StorageStateVault
from pantau.collect.models import CrawlRun
from pantau.collect.runtime import Runtime
from pantau.collect.service import (
    AccountOutcome,
    collect_account_async,
    collect_watched_async,
)
from pantau.config import Settings, get_settings
from pantau.errors import ConfigError, SweepError
from pantau.registry.models import Account, WatchedAccount
from pantau.store.db import engine_for, session_factory
from pantau.sweep.models import Sweep, SweepTask

log = logging.getLogger(__name__)
OPEN_STATES = ("pending", "running")


def monitoring_sessions(settings: Settings) -> dict[str, MonitoringSession]:
    """The logged-in monitoring sessions named in ``sweep.monitoring_sessions`` (per platform)."""
    out: dict[str, MonitoringSession] = {}
    if not settings.sweep.monitoring_sessions:
        return out
    vault = StorageStateVault.from_settings(settings)
    for platform, name in settings.sweep.monitoring_sessions.items():
        state = vault.load(name)
        if state is None:
            raise ConfigError(f"sweep.monitoring_sessions.{platform}: no stored session {name!r}")
        out[platform] = MonitoringSession(
            name=name, logged_in_platforms=frozenset({platform}), storage_state=state
        )
    return out


def apply_outcome(task: SweepTask, outcome: AccountOutcome) -> None:
    """Record what collection found on the task: failed when the account itself could not be
    read (blocked, login wall, not found, private, ...), done otherwise."""
    task.result = {
        "acts": {a.act: [a.status, a.reason, a.items] for a in outcome.acts},
        "new_posts": len(outcome.new_post_ids),
    }
    first = outcome.acts[0] if outcome.acts else None
    failed = [a for a in outcome.acts if a.status == "failed"]
    if first is not None and first.status == "failed":
        task.state, task.reason, task.detail = "failed", first.reason, first.detail[:1000]
    else:
        task.state = "done"
        task.reason = failed[0].reason if failed else ""
        task.detail = failed[0].detail[:1000] if failed else ""


async def collect_tasks_async(
    *, session: Session, tasks: Sequence[SweepTask], run: CrawlRun, runtime: Runtime
) -> None:
    """Collect the tasks' accounts concurrently in ``session`` (the caller commits)."""

    async def one(task: SweepTask) -> None:
        if task.watched_id is not None:
            watched = session.get(WatchedAccount, task.watched_id)
            if watched is None:
                task.state, task.reason = "failed", "gone"
                return
            outcome = await collect_watched_async(
                session=session, watched=watched, run=run, runtime=runtime
            )
        else:
            account = session.get(Account, task.account_id)
            if account is None:
                task.state, task.reason = "failed", "gone"
                return
            outcome = await collect_account_async(
                session=session, account=account, run=run, runtime=runtime
            )
        apply_outcome(task, outcome)

    for task in tasks:
        task.attempts += 1
    await asyncio.gather(*(one(t) for t in tasks))
    session.flush()


def open_tasks(session: Session, sweep_id: int, phase: str, limit: int | None = None) -> list[Any]:
    query = (
        select(SweepTask)
        .where(
            SweepTask.sweep_id == sweep_id,
            SweepTask.phase == phase,
            SweepTask.state.in_(OPEN_STATES),
        )
        .order_by(SweepTask.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def crawl_run_of(session: Session, sweep_id: int) -> CrawlRun:
    sweep = session.get(Sweep, sweep_id)
    run = session.get(CrawlRun, sweep.crawl_run_id) if sweep and sweep.crawl_run_id else None
    if run is None:
        raise SweepError(f"sweep {sweep_id} has no crawl run (was it planned?)")
    return run


def mark_error(session: Session, task_id: int, error: BaseException, retries: int) -> bool:
    """Count a crashed attempt; returns True when the task is given up (failed, ``error``)."""
    task = session.get(SweepTask, task_id)
    if task is None:
        return True
    task.attempts += 1
    task.detail = f"{type(error).__name__}: {error}"[:1000]
    if task.attempts > retries:
        task.state, task.reason = "failed", "error"
        return True
    return False


def run_one_task(task_id: int, settings: Settings | None = None) -> str:
    """Collect one task in its own transaction and browser (the Celery worker's unit).

    Idempotent: a task already done or failed is left alone (a redelivered message)."""
    settings = settings or get_settings()
    engine = engine_for(settings.db_url)
    with session_factory(engine)() as session:
        task = session.get(SweepTask, task_id)
        if task is None or task.state not in OPEN_STATES:
            return task.state if task is not None else "gone"
        run = crawl_run_of(session, task.sweep_id)

        async def main() -> None:
            sessions = monitoring_sessions(settings)
            async with rt_mod.open_runtime(settings=settings, sessions=sessions) as runtime:
                await collect_tasks_async(session=session, tasks=[task], run=run, runtime=runtime)

        asyncio.run(main())
        state = task.state
        session.commit()
        return state
