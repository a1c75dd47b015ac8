"""``pantau retention``: purge old observations and captures that are not evidence of a case."""

from __future__ import annotations

import typer
from rich.table import Table

from pantau.cli.common import console, handled, settings

app = typer.Typer(help="Retention (UU 27/2022): purge old data that is not evidence of a case.")


@app.command("apply")
def apply(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; purge nothing."),
) -> None:
    """Purge observations and captures older than retention_days (not of open/referred flags)."""
    from pantau.sweep.jobs import run_retention

    with handled():
        report = run_retention(dry_run=dry_run, actor="system:retention-cli")
        counts = report.to_dict()
        title = (
            f"retention {'dry run: would purge' if dry_run else 'purged'} "
            f"(older than {settings().retention_days} days, cutoff {counts.pop('cutoff')})"
        )
        counts.pop("dry_run")
        table = Table(title=title)
        table.add_column("what")
        table.add_column("count", justify="right")
        for key, value in counts.items():
            table.add_row(key.replace("_", " "), str(value))
        console.print(table)
