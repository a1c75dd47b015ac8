"""The schedule: APScheduler 3 with its SQLAlchemy job store in pantau's own database.

Two jobs with stable ids: the nightly sweep at ``sweep.cron`` and retention at
``sweep.retention_cron`` (both in the display time zone, Asia/Jakarta by default). ``coalesce``
turns a backlog of missed runs into one, ``max_instances=1`` keeps one run of a job at a time in
a scheduler, and the sweep lease keeps one sweep at a time across schedulers.
"""

from __future__ import annotations

from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from pantau.config import Settings, get_settings
from pantau.errors import ConfigError
from pantau.store.db import make_engine
from pantau.sweep.jobs import NIGHTLY_SWEEP, RETENTION

JOB_TABLE = "apscheduler_jobs"
SWEEP_JOB_ID = "pantau-nightly-sweep"
RETENTION_JOB_ID = "pantau-retention"


def cron_trigger(expression: str, settings: Settings) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expression, timezone=settings.tz)
    except ValueError as exc:
        raise ConfigError(f"not a cron expression: {expression!r} ({exc})") from exc


def job_defaults(settings: Settings) -> dict[str, Any]:
    return {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": settings.sweep.misfire_grace_s,
        "replace_existing": True,
    }


def add_jobs(scheduler: BaseScheduler, settings: Settings) -> None:
    """(Re)define the two jobs; ``replace_existing`` keeps one row per id in the job store."""
    defaults = job_defaults(settings)
    scheduler.add_job(
        NIGHTLY_SWEEP,
        trigger=cron_trigger(settings.sweep.cron, settings),
        id=SWEEP_JOB_ID,
        name="nightly sweep",
        **defaults,
    )
    scheduler.add_job(
        RETENTION,
        trigger=cron_trigger(settings.sweep.retention_cron, settings),
        id=RETENTION_JOB_ID,
        name="retention",
        **defaults,
    )


def make_scheduler(settings: Settings | None = None, *, blocking: bool = True) -> BaseScheduler:
    settings = settings or get_settings()
    # our engine: SQLite gets its directory, WAL and busy timeout like every pantau connection
    store = SQLAlchemyJobStore(engine=make_engine(settings.db_url), tablename=JOB_TABLE)
    cls: type[BaseScheduler]
    if blocking:
        cls = BlockingScheduler
    else:
        from apscheduler.schedulers.background import BackgroundScheduler

        cls = BackgroundScheduler
    scheduler = cls(jobstores={"default": store}, timezone=settings.tz)
    return scheduler
