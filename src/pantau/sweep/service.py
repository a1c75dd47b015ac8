"""Running and resuming sweeps: plan -> watched -> collect -> classify -> detect -> summary.

Every step commits its data together with the sweep's progress (task rows, ``Sweep.phase``), so
the sweep can be killed anywhere and :func:`resume_sweep` continues where the database says it
was; the result equals an uninterrupted sweep. Only one sweep runs at a time (the lease).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.browser import MonitoringSession
from pantau.collect.models import CrawlRun
from pantau.config import Settings, get_settings
from pantau.errors import SweepError
from pantau.store.db import engine_for, session_factory, session_scope, utcnow
from pantau.sweep.executors import Executor, make_executor
from pantau.sweep.lease import Lease, hold_lease
from pantau.sweep.models import Sweep, SweepTask
from pantau.sweep.plan import plan_sweep
from pantau.sweep.summary import compute_summary

log = logging.getLogger(__name__)
COLLECT_PHASES = ("watched", "collect")


class Reporter(Protocol):
    """Progress of a sweep (a Rich display on a terminal, log lines otherwise)."""

    def phase_started(self, phase: str, totals: dict[str, int], done: dict[str, int]) -> None: ...

    def advanced(self, phase: str, counts: dict[str, int]) -> None: ...

    def phase_finished(self, phase: str) -> None: ...


class LogReporter:
    """Structured log lines (``pantau.logging`` makes them JSON when not on a terminal)."""

    def phase_started(self, phase: str, totals: dict[str, int], done: dict[str, int]) -> None:
        log.info("sweep phase %s started", phase, extra={"phase": phase, "totals": totals})

    def advanced(self, phase: str, counts: dict[str, int]) -> None:
        if counts:
            log.info("sweep phase %s progress", phase, extra={"phase": phase, "done": counts})

    def phase_finished(self, phase: str) -> None:
        log.info("sweep phase %s finished", phase, extra={"phase": phase})


def unfinished_sweep(session: Session) -> Sweep | None:
    return session.scalars(
        select(Sweep).where(Sweep.status == "running").order_by(Sweep.id.desc())
    ).first()


def last_sweep(session: Session, *, finished: bool = True) -> Sweep | None:
    query = select(Sweep).order_by(Sweep.id.desc())
    if finished:
        query = query.where(Sweep.status == "done")
    return session.scalars(query).first()


def run_sweep(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    trigger: str = "cli",
    everything: bool = False,
    sessions: dict[str, MonitoringSession] | None = None,
    reporter: Reporter | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Plan and run a new sweep now; returns its summary. Refuses while one is unfinished."""
    settings = settings or get_settings()
    engine = engine or engine_for(settings.db_url)
    with hold_lease(engine=engine, ttl_s=settings.sweep.lease_ttl_s) as lease:
        with session_scope(engine) as session:
            open_one = unfinished_sweep(session)
            if open_one is not None:
                raise SweepError(
                    f"sweep {open_one.id} is unfinished (phase {open_one.phase}): "
                    "continue it with `pantau sweep resume`"
                )
            sweep = Sweep(trigger=trigger, executor=settings.sweep.executor, phase="plan")
            session.add(sweep)
            session.flush()
            plan_sweep(
                session=session, sweep=sweep, settings=settings, now=utcnow(), everything=everything
            )
            sweep_id = sweep.id
        log.info("sweep %s planned", sweep_id, extra={"sweep_id": sweep_id})
        return _drive(
            engine,
            settings,
            sweep_id,
            lease,
            executor or make_executor(settings, sessions),
            reporter,
        )


def resume_sweep(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    sessions: dict[str, MonitoringSession] | None = None,
    reporter: Reporter | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Continue the unfinished sweep where it stopped; raises if there is none."""
    settings = settings or get_settings()
    engine = engine or engine_for(settings.db_url)
    with hold_lease(engine=engine, ttl_s=settings.sweep.lease_ttl_s) as lease:
        with session_scope(engine) as session:
            sweep = unfinished_sweep(session)
            if sweep is None:
                raise SweepError("no unfinished sweep to resume (start one: pantau sweep run)")
            sweep.attempts += 1
            sweep_id = sweep.id
        log.info("sweep %s resumed", sweep_id, extra={"sweep_id": sweep_id})
        return _drive(
            engine,
            settings,
            sweep_id,
            lease,
            executor or make_executor(settings, sessions),
            reporter,
        )


def nightly_sweep() -> None:
    """The scheduler's job (an importable string): resume an unfinished sweep, else run one."""
    settings = get_settings()
    engine = engine_for(settings.db_url)
    with session_scope(engine) as session:
        pending = unfinished_sweep(session) is not None
    if pending:
        resume_sweep(engine=engine, settings=settings, reporter=LogReporter())
    else:
        run_sweep(engine=engine, settings=settings, trigger="scheduler", reporter=LogReporter())


# -- the phases ----------------------------------------------------------------------------------
def _drive(
    engine: Engine,
    settings: Settings,
    sweep_id: int,
    lease: Lease,
    executor: Executor,
    reporter: Reporter | None,
) -> dict[str, Any]:
    reporter = reporter or LogReporter()
    lease.heartbeat(sweep_id=sweep_id)
    make = session_factory(engine)
    while True:
        with make() as session:
            sweep = session.get(Sweep, sweep_id)
            if sweep is None:
                raise SweepError(f"sweep {sweep_id} vanished")
            phase = sweep.phase
        if phase == "done":
            break
        try:
            _run_phase(engine, settings, sweep_id, phase, executor, lease, reporter)
        except Exception as exc:
            _record_error(engine, sweep_id, exc)
            raise
        lease.heartbeat(sweep_id=sweep_id)
    with make() as session:
        sweep = session.get(Sweep, sweep_id)
        assert sweep is not None
        return dict(sweep.summary)


def _record_error(engine: Engine, sweep_id: int, exc: BaseException) -> None:
    # The sweep stays "running": resume continues it. Only the last error is kept, for status.
    with session_scope(engine) as session:
        sweep = session.get(Sweep, sweep_id)
        if sweep is not None:
            sweep.error = f"{type(exc).__name__}: {exc}"[:2000]


def _advance(session: Session, sweep_id: int, phase: str) -> None:
    from pantau.sweep.models import PHASES

    sweep = session.get(Sweep, sweep_id)
    assert sweep is not None
    nxt = PHASES.index(phase) + 1
    sweep.phase = PHASES[nxt] if nxt < len(PHASES) else "done"


def _totals(engine: Engine, sweep_id: int, phase: str) -> tuple[dict[str, int], dict[str, int]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(SweepTask.platform, SweepTask.state).where(
                SweepTask.sweep_id == sweep_id, SweepTask.phase == phase
            )
        ).all()
    totals: dict[str, int] = {}
    done: dict[str, int] = {}
    for platform, state in rows:
        key = platform or "all"
        totals[key] = totals.get(key, 0) + 1
        if state in ("done", "failed"):
            done[key] = done.get(key, 0) + 1
    return totals, done


def _run_phase(
    engine: Engine,
    settings: Settings,
    sweep_id: int,
    phase: str,
    executor: Executor,
    lease: Lease,
    reporter: Reporter,
) -> None:
    totals, done = _totals(engine, sweep_id, phase)
    reporter.phase_started(phase, totals, done)

    def tick(counts: dict[str, int]) -> None:
        reporter.advanced(phase, counts)
        lease.heartbeat(sweep_id=sweep_id)

    if phase in COLLECT_PHASES:
        executor.run_phase(engine=engine, sweep_id=sweep_id, phase=phase, tick=tick)
        with session_scope(engine) as session:
            _advance(session, sweep_id, phase)
    elif phase == "classify":
        _classify(engine, settings, sweep_id, tick)
    elif phase == "detect":
        _detect(engine, sweep_id)
    elif phase == "summary":
        _summarise(engine, sweep_id)
    else:
        raise SweepError(f"sweep {sweep_id}: unknown phase {phase!r}")
    reporter.phase_finished(phase)


def model_dir_for(settings: Settings) -> Path:
    if settings.sweep.model_dir is not None:
        return settings.sweep.model_dir
    from pantau.classify.build import ensure_default_model

    return ensure_default_model(progress=False, settings=settings)


def _classify(engine: Engine, settings: Settings, sweep_id: int, tick: Callable[..., None]) -> None:
    """Classify unclassified posts in batches; each batch commits with the task's count."""
    from pantau.classify.predict import model_version
    from pantau.classify.service import classify_posts

    model_dir = model_dir_for(settings)
    version = model_version(model_dir)
    while True:
        with session_scope(engine) as session:
            sweep = session.get(Sweep, sweep_id)
            task = _single_task(session, sweep_id, "classify")
            assert sweep is not None
            sweep.model_version = version
            n = classify_posts(
                session=session,
                model_dir=model_dir,
                limit=settings.sweep.classify_batch,
                # fp32 unless asked: int8 scores can depend on the batch (classify.sweep_int8)
                quantize=None if settings.classify.sweep_int8 else False,
            )
            task.attempts += 1
            task.result = {"classified": int(task.result.get("classified", 0)) + n}
            if n == 0:
                task.state = "done"
                _advance(session, sweep_id, "classify")
        if n == 0:
            return
        tick({"all": n})


def _detect(engine: Engine, sweep_id: int) -> None:
    """Detection over the sweep's crawl run, committed with the phase change (all or nothing)."""
    from pantau.detect.service import run_detection

    with session_scope(engine) as session:
        sweep = session.get(Sweep, sweep_id)
        assert sweep is not None
        stats = run_detection(session=session, run_id=sweep.crawl_run_id)
        task = _single_task(session, sweep_id, "detect")
        task.attempts += 1
        task.state = "done"
        task.result = stats.to_dict()
        _advance(session, sweep_id, "detect")


def _summarise(engine: Engine, sweep_id: int) -> None:
    from pantau.review.audit import record

    with session_scope(engine) as session:
        sweep = session.get(Sweep, sweep_id)
        assert sweep is not None
        summary = compute_summary(session=session, sweep=sweep)
        sweep.summary = summary
        sweep.status = "done"
        sweep.phase = "done"
        sweep.finished_at = utcnow()
        sweep.error = ""
        run = session.get(CrawlRun, sweep.crawl_run_id) if sweep.crawl_run_id else None
        if run is not None:
            run.finished_at = sweep.finished_at
            run.status = "ok" if not summary["failed_accounts"] else "partial"
        record(
            session=session,
            actor="system:sweep",
            action="sweep.finished",
            subject_type="sweep",
            subject_id=sweep.id,
            detail={
                key: summary[key]
                for key in ("new_observations", "new_flags", "predictions", "metrics_snapshots")
            }
            | {"failed_accounts": len(summary["failed_accounts"])},
        )


def _single_task(session: Session, sweep_id: int, phase: str) -> SweepTask:
    task = session.scalars(
        select(SweepTask).where(SweepTask.sweep_id == sweep_id, SweepTask.phase == phase)
    ).first()
    if task is None:
        raise SweepError(f"sweep {sweep_id} has no {phase} task")
    return task
