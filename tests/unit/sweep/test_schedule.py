"""The schedule: two jobs with stable ids and importable functions, in the database job store."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from sqlalchemy import text

from pantau.config import get_settings
from pantau.store.db import make_engine
from pantau.sweep.schedule import (
    RETENTION_JOB_ID,
    SWEEP_JOB_ID,
    add_jobs,
    make_scheduler,
)


def test_jobs_are_stable_and_stored_once() -> None:
    settings = get_settings()
    for _ in range(2):  # a restarted scheduler replaces its jobs, never duplicates them
        scheduler = make_scheduler(settings, blocking=False)
        scheduler.start(paused=True)
        add_jobs(scheduler, settings)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
    assert sorted(jobs) == sorted([RETENTION_JOB_ID, SWEEP_JOB_ID])
    sweep = jobs[SWEEP_JOB_ID]
    assert sweep.func_ref == "pantau.sweep.jobs:nightly_sweep_job"
    assert jobs[RETENTION_JOB_ID].func_ref == "pantau.sweep.jobs:retention_job"
    for job in jobs.values():
        module, name = job.func_ref.split(":")
        assert callable(getattr(importlib.import_module(module), name))
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == settings.sweep.misfire_grace_s
    with make_engine(settings.db_url).connect() as conn:
        stored = sorted(conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
    assert stored == sorted([RETENTION_JOB_ID, SWEEP_JOB_ID])  # in pantau's own database
    # 01:00 Asia/Jakarta is 18:00 UTC the day before
    after = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    nxt = sweep.trigger.get_next_fire_time(None, after)
    assert nxt.astimezone(UTC) == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
