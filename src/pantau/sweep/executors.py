"""Executors of a sweep's collection phases: the local pool (default) and Celery.

Both run the task functions of :mod:`pantau.sweep.tasks`. The local pool keeps one browser for
the phase and commits a batch of ``sweep.collect_batch`` accounts at a time (bounded concurrent
browser contexts: ``collect.max_contexts``). The Celery executor fans out one message per
account task and waits for the database to show them finished; workers acknowledge a message
only after its transaction committed, so a worker that dies mid-task loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import Engine, func, select

from pantau.collect import runtime as rt_mod
from pantau.collect.browser import MonitoringSession
from pantau.config import Settings
from pantau.errors import SweepError
from pantau.store.db import session_factory
from pantau.sweep.models import SweepTask
from pantau.sweep.tasks import (
    OPEN_STATES,
    collect_tasks_async,
    crawl_run_of,
    mark_error,
    open_tasks,
)

log = logging.getLogger(__name__)

# Called after each committed step: (platform -> tasks finished in it).
Tick = Callable[[dict[str, int]], None]


class Executor(Protocol):
    name: str

    def run_phase(self, *, engine: Engine, sweep_id: int, phase: str, tick: Tick) -> None: ...


class LocalExecutor:
    """One process, one browser per phase, batches committed one at a time."""

    name = "local"

    def __init__(
        self, settings: Settings, sessions: dict[str, MonitoringSession] | None = None
    ) -> None:
        self.settings = settings
        self.sessions = sessions or {}

    def run_phase(self, *, engine: Engine, sweep_id: int, phase: str, tick: Tick) -> None:
        asyncio.run(self._run(engine, sweep_id, phase, tick))

    async def _run(self, engine: Engine, sweep_id: int, phase: str, tick: Tick) -> None:
        make = session_factory(engine)
        size = self.settings.sweep.collect_batch
        with make() as probe:
            if not open_tasks(probe, sweep_id, phase, limit=1):
                return
        async with rt_mod.open_runtime(settings=self.settings, sessions=self.sessions) as runtime:
            while True:
                with make() as session:
                    batch = open_tasks(session, sweep_id, phase, limit=size)
                    if not batch:
                        return
                    run = crawl_run_of(session, sweep_id)
                    try:
                        await collect_tasks_async(
                            session=session, tasks=batch, run=run, runtime=runtime
                        )
                        session.commit()
                    except Exception as exc:  # a bug or a dead browser: not a platform answer
                        session.rollback()
                        log.exception("sweep %s: batch failed, retrying one by one", sweep_id)
                        size = 1
                        self._count_error(engine, [t.id for t in batch], exc)
                        continue
                    tick(_per_platform(batch))

    def _count_error(self, engine: Engine, task_ids: list[int], exc: BaseException) -> None:
        if len(task_ids) != 1:
            return  # a batch failed: its tasks are retried alone before any is counted
        with session_factory(engine)() as session:
            mark_error(session, task_ids[0], exc, self.settings.sweep.task_retries)
            session.commit()


class CeleryExecutor:
    """Fan out one Celery message per open task; wait until the database shows them finished."""

    name = "celery"

    def __init__(self, settings: Settings, *, poll_s: float = 1.0) -> None:
        self.settings = settings
        self.poll_s = poll_s

    def run_phase(self, *, engine: Engine, sweep_id: int, phase: str, tick: Tick) -> None:
        from pantau.sweep.celery_app import collect_task

        make = session_factory(engine)
        with make() as session:
            ids = [t.id for t in open_tasks(session, sweep_id, phase)]
        for task_id in ids:
            collect_task.apply_async(args=[task_id])
        if not ids:
            return
        log.info("sweep %s: %d %s task(s) sent to Celery", sweep_id, len(ids), phase)
        deadline = time.monotonic() + self.settings.sweep.task_timeout_s
        seen: dict[str, int] = {}
        while True:
            with make() as session:
                finished = dict(
                    session.execute(
                        select(SweepTask.platform, func.count(SweepTask.id))
                        .where(
                            SweepTask.sweep_id == sweep_id,
                            SweepTask.phase == phase,
                            SweepTask.state.not_in(OPEN_STATES),
                        )
                        .group_by(SweepTask.platform)
                    ).all()
                )
                remaining = len(open_tasks(session, sweep_id, phase))
            delta = {p: n - seen.get(p, 0) for p, n in finished.items() if n > seen.get(p, 0)}
            tick(delta)  # also the lease's heartbeat while workers are busy
            seen = {p: int(n) for p, n in finished.items()}
            if remaining == 0:
                return
            if time.monotonic() > deadline:
                raise SweepError(
                    f"sweep {sweep_id}: {remaining} {phase} task(s) unfinished after "
                    f"sweep.task_timeout_s={self.settings.sweep.task_timeout_s}; are workers "
                    "running (pantau worker)? `pantau sweep resume` sends them again"
                )
            time.sleep(self.poll_s)


def _per_platform(tasks: list[SweepTask]) -> dict[str, int]:
    out: dict[str, int] = {}
    for task in tasks:
        out[task.platform] = out.get(task.platform, 0) + 1
    return out


def make_executor(
    settings: Settings, sessions: dict[str, MonitoringSession] | None = None
) -> Executor:
    if settings.sweep.executor == "celery":
        return CeleryExecutor(settings)
    return LocalExecutor(settings, sessions)
