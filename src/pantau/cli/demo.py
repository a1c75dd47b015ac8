"""``pantau demo``: the main job on embedded defaults.

Create/upgrade the database, import the demo agencies and roster (``data/demo/``), load the watch
lists (``config/watchlists/``), print the registry summary; then sweep the demo roster on the
in-process replica, create demo logins and serve the review app (``PANTAU_DEMO_SWEEP=0`` stops
after the registry, ``PANTAU_DEMO_SERVE=0`` after the sweep). Idempotent: a second run reports
everything unchanged and finds nothing new.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.text import Text

from pantau.config import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"


def run_demo(directory: Path = DEMO_DIR) -> None:
    """The demo's steps, each in its own transaction; raises a PantauError on failure."""
    from pantau.cli.common import console, db_session, settings
    from pantau.cli.registry import print_report, summary_tables
    from pantau.registry.agencies import import_agencies
    from pantau.registry.roster_import import import_roster
    from pantau.registry.service import registry_summary
    from pantau.registry.watchlist import load_watchlists, sync_watchlists
    from pantau.store import migrate

    current = settings()
    migrate.upgrade(current.db_url)
    console.print(Text(f"database ready: {current.db_url}"))
    with db_session() as session:
        agencies = import_agencies(
            session=session, path=directory / "agencies.csv", actor="system:demo"
        )
        print_report(agencies, "agencies")
    with db_session() as session:
        report = import_roster(session=session, path=directory / "roster.csv", actor="system:demo")
        print_report(report, "civil servants")
    with db_session() as session:
        result = sync_watchlists(session=session, watchlists=load_watchlists(current.watchlist_dir))
        line = f"watch lists loaded from {current.watchlist_dir}: {result}"
        console.print(Text(line), soft_wrap=True)
    with db_session() as session:
        summary = registry_summary(session=session)
    for table in summary_tables(summary):
        console.print(table)
    if os.environ.get("PANTAU_DEMO_SWEEP", "1").strip().lower() not in ("0", "false", "no"):
        run_demo_main_job()


def run_demo_main_job() -> None:
    """Sweep the demo roster on the in-process replica, create demo logins, serve the app.

    ``PANTAU_DEMO_SWEEP=0`` stops the demo after the registry; ``PANTAU_DEMO_SERVE=0`` after
    the sweep."""
    from pantau.cli.common import console, settings
    from pantau.cli.sweep import print_summary
    from pantau.sweep import demo

    current = settings()
    print_summary(demo.demo_sweep(current))
    users = demo.ensure_demo_users(current)
    logins = ", ".join(f"{name} ({role})" for name, role in users)
    console.print(Text(f"demo logins: {logins}; password: {demo.DEMO_PASSWORD}"))
    if demo.serve_requested():
        demo.serve_review_app(current, say=lambda line: console.print(Text(line)))


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Run the main job on embedded defaults: SQLite in var/, demo roster and watch lists."""
        from pantau.cli.common import handled
        from pantau.cli.registry import print_rejection
        from pantau.errors import InputRejected

        with handled():
            try:
                run_demo()
            except InputRejected as exc:
                print_rejection(exc)
                raise typer.Exit(1) from exc
