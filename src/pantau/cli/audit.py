"""``pantau audit``: verify the audit trail's hash chain, list recent entries."""

from __future__ import annotations

import getpass

import typer
from rich.markup import escape
from rich.table import Table

from pantau.cli.common import console, db_session, err_console, handled, settings
from pantau.cli.users import require_schema
from pantau.review import audit as service
from pantau.review.audit import canonical_json
from pantau.review.permissions import Operator

app = typer.Typer(
    help="The audit trail: verify its hash chain, list entries.", no_args_is_help=True
)


@app.command("verify")
def verify() -> None:
    """Check the whole hash chain; exit 1 and name the first broken link if it does not verify."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        result = service.verify(session=session)
    if result.ok:
        console.print(f"audit trail intact: {result.checked} entries verified", highlight=False)
        return
    err_console.print(
        f"[bold red]audit trail BROKEN[/] at entry {result.broken_seq}: "
        f"{escape(result.reason)} ({result.checked} entries before it verify)",
        highlight=False,
    )
    raise typer.Exit(1)


@app.command("list")
def list_entries(
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many, newest first."),
) -> None:
    """Show the newest audit entries (times in the display time zone)."""
    zone = settings().tz
    with handled():
        require_schema()
    with handled(), db_session() as session:
        entries = service.list_entries(
            session=session, principal=Operator(getpass.getuser()), limit=limit
        )
        table = Table()
        for name in ("seq", "at", "actor", "action", "subject", "detail", "hash"):
            table.add_column(name, overflow="fold")
        for e in entries:
            subject = f"{e.subject_type}:{e.subject_id}" if e.subject_id else e.subject_type
            table.add_row(
                str(e.seq),
                e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
                escape(e.actor),
                escape(e.action),
                escape(subject),
                escape(canonical_json(e.detail)),
                e.entry_hash[:12],
            )
        console.print(table)
