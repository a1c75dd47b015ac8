"""Job functions the scheduler refers to by importable string (``module:function``).

APScheduler stores jobs in the database by these references, so renaming one is a migration
of the job store: keep them stable.
"""

from __future__ import annotations

import logging

from pantau.collect.evidence import EvidenceStore
from pantau.config import get_settings
from pantau.errors import LeaseHeld
from pantau.store.db import engine_for, session_scope
from pantau.sweep.retention import RetentionReport, apply_retention, remove_files
from pantau.sweep.service import nightly_sweep

log = logging.getLogger(__name__)

NIGHTLY_SWEEP = "pantau.sweep.jobs:nightly_sweep_job"
RETENTION = "pantau.sweep.jobs:retention_job"


def nightly_sweep_job() -> None:
    """The nightly sweep: resume an unfinished one, else plan and run a new one.

    With two schedulers both fire; the one that does not get the lease logs it and returns."""
    try:
        nightly_sweep()
    except LeaseHeld as exc:
        log.info("nightly sweep not started here: %s", exc)


def run_retention(*, dry_run: bool = False, actor: str = "system:retention") -> RetentionReport:
    """Apply retention in one transaction, then remove the purged evidence files."""
    settings = get_settings()
    evidence = EvidenceStore(settings.evidence_path)
    with session_scope(engine_for(settings.db_url)) as session:
        report = apply_retention(
            session=session,
            days=settings.retention_days,
            evidence=evidence,
            dry_run=dry_run,
            actor=actor,
        )
    report.files = remove_files(report, evidence) if not dry_run else report.files
    log.info("retention %s", "counted" if dry_run else "applied", extra=report.to_dict())
    return report


def retention_job() -> None:
    run_retention()
