"""``pantau scheduler``: run the nightly sweep and the retention job on their cron times."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from pantau.cli.common import console, handled, settings

app = typer.Typer(
    help="The schedule: nightly sweep and retention (APScheduler, job store in the DB)."
)


@app.command("start")
def start() -> None:
    """Start the scheduler in the foreground (Ctrl-C stops it)."""
    from pantau.logging import configure_logging
    from pantau.sweep.schedule import add_jobs, make_scheduler

    with handled():
        cfg = settings()
        configure_logging(cfg.log_format)
        scheduler = make_scheduler(cfg)
        add_jobs(scheduler, cfg)
        console.print(
            Text(
                f"scheduler started: sweep at '{cfg.sweep.cron}', retention at "
                f"'{cfg.sweep.retention_cron}' ({cfg.display_timezone}); job store in {cfg.db_url}"
            )
        )
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)


@app.command("jobs")
def jobs() -> None:
    """List the scheduled jobs and their next run times (defines them if missing)."""
    from pantau.sweep.schedule import add_jobs, make_scheduler

    with handled():
        cfg = settings()
        scheduler = make_scheduler(cfg, blocking=False)
        scheduler.start(paused=True)
        try:
            add_jobs(scheduler, cfg)
            table = Table(title="scheduled jobs")
            for column in ("id", "function", "trigger", "next run"):
                table.add_column(column)
            for job in scheduler.get_jobs():
                nxt = getattr(job, "next_run_time", None)
                table.add_row(
                    job.id,
                    str(job.func_ref),
                    str(job.trigger),
                    nxt.astimezone(cfg.tz).isoformat() if nxt else "(paused)",
                )
            console.print(table)
        finally:
            scheduler.shutdown(wait=False)
