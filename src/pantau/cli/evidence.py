"""``pantau evidence``: check the evidence store and show a capture's chain of custody."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from pantau.cli.common import console, db_session, engine, err_console, fail, handled, settings
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture
from pantau.errors import StoreError
from pantau.store import migrate

app = typer.Typer(help="The evidence store (raw captures, hashes, custody).", no_args_is_help=True)


def _require_schema() -> None:
    url = settings().db_url
    if migrate.current_revision(engine()) != migrate.head_revision(url):
        raise StoreError(
            f"the database at {url} is not at the newest schema: run `pantau db upgrade`"
        )


@app.command("verify")
def verify() -> None:
    """Re-hash every stored capture; exit 1 if any file is missing or altered."""
    store = EvidenceStore(settings().evidence_path)
    with handled():
        _require_schema()
        with db_session() as session:
            report = store.verify(session=session, actor="cli")
    for sha in report.missing:
        err_console.print(Text(f"missing: {sha} ({store.path_for(sha)})", style="red"))
    for sha in report.mismatched:
        err_console.print(Text(f"hash mismatch: {sha} ({store.path_for(sha)})", style="red"))
    line = (
        f"{report.checked} captures checked: {report.intact} intact, "
        f"{len(report.missing)} missing, {len(report.mismatched)} altered"
    )
    if not report.ok:
        fail(line)
    console.print(Text(line))


@app.command("custody")
def custody(sha256: str = typer.Argument(..., help="The capture's SHA-256.")) -> None:
    """Print one capture's provenance and its chain of custody (times in the display zone)."""
    store = EvidenceStore(settings().evidence_path)
    tz = settings().tz
    with handled():
        _require_schema()
        with db_session() as session:
            capture = session.scalar(select(Capture).where(Capture.sha256 == sha256.lower()))
            if capture is None:
                fail(f"no capture with SHA-256 {sha256}")
            events = store.custody(session=session, capture=capture)
            console.print(
                Text(
                    f"{capture.sha256} {capture.kind} {capture.platform} "
                    f"{capture.size_bytes} bytes {capture.url or '-'} op={capture.op_name or '-'}"
                )
            )
            table = Table("at", "action", "actor", "detail")
            for e in events:
                table.add_row(
                    e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z"),
                    Text(e.action),
                    Text(e.actor),
                    Text(e.detail),
                )
            console.print(table)
