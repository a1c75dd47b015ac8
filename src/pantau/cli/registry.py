"""``pantau registry``: import rosters and agencies, list, summarise and show civil servants."""

from __future__ import annotations

import getpass
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from pantau.cli.common import EXIT_USAGE, console, db_session, err_console, fail, handled
from pantau.errors import InputRejected
from pantau.registry.agencies import import_agencies
from pantau.registry.handles import normalize_platform
from pantau.registry.roster_import import ImportReport, import_roster
from pantau.registry.service import (
    RegistrySummary,
    export_csv,
    export_json,
    export_xlsx,
    get_civil_servant,
    list_civil_servants,
    registry_summary,
)
from pantau.review.permissions import Operator, actor_name

app = typer.Typer(
    help="The registry of civil servants (ASN) and their accounts.", no_args_is_help=True
)


def operator() -> str:
    """Who is at the command line, as the audit trail names them (``cli:<login>``)."""
    return actor_name(Operator(getpass.getuser()))


def _table(*columns: str, title: str | None = None) -> Table:
    """A table that folds long values instead of cutting them (a cut handle misleads)."""
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def print_rejection(exc: InputRejected) -> None:
    """Every bad row as a table on stderr (values are untrusted: printed as plain text)."""
    err_console.print(Text(f"error: {exc.message}", style="bold red"))
    if not exc.errors:
        return
    table = _table("row", "column", "value", "reason", title="rejected rows")
    for e in exc.errors:
        value = e.value if len(e.value) <= 60 else e.value[:57] + "..."
        table.add_row(str(e.row), Text(e.column), Text(value), Text(e.reason))
    err_console.print(table)


def print_report(report: ImportReport, what: str) -> None:
    """Counts, then every update with its field diffs, then accounts absent from the file."""
    prefix = "dry run, nothing written: " if report.dry_run else ""
    line = (
        f"{prefix}{report.file}: {what} {report.count('added')} added, "
        f"{report.count('updated')} updated, {report.count('unchanged')} unchanged"
    )
    if report.accounts:
        line += (
            f"; accounts {report.count('added', accounts=True)} added, "
            f"{report.count('updated', accounts=True)} updated, "
            f"{report.count('unchanged', accounts=True)} unchanged"
        )
    _line(line)
    for change in [*report.records, *report.accounts]:
        if change.kind == "added":
            _line(f"  + {change.key}", "green")
        elif change.kind == "updated":
            diff = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in change.diff.items())
            _line(f"  ~ {change.key}: {diff}", "yellow")
    if report.missing:
        if not report.deactivated:
            verb = "still active (use --deactivate-missing)"
        else:
            verb = "to deactivate" if report.dry_run else "deactivated"
        _line(f"accounts not in the file, {verb}:")
        for label in report.missing:
            _line(f"  - {label}")


def _line(text: str, style: str = "") -> None:
    """One report line, never wrapped (scripts and tests grep these), printed as plain text."""
    console.print(Text(text, style=style), soft_wrap=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="Roster file (.csv or .xlsx), see docs/registry.md."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; write nothing."),
    deactivate_missing: bool = typer.Option(
        False,
        "--deactivate-missing",
        help="Deactivate accounts of the file's agencies that the file no longer lists.",
    ),
) -> None:
    """Import a roster: all or nothing; every bad row is reported."""
    with handled():
        try:
            with db_session() as session:
                report = import_roster(
                    session=session,
                    path=file,
                    dry_run=dry_run,
                    deactivate_missing=deactivate_missing,
                    actor=operator(),
                )
        except InputRejected as exc:
            print_rejection(exc)
            raise typer.Exit(1) from exc
        print_report(report, "civil servants")


@app.command("import-agencies")
def import_agencies_(
    file: Path = typer.Argument(..., help="Agencies file (.csv or .xlsx), see docs/registry.md."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; write nothing."),
) -> None:
    """Import agencies (instansi): all or nothing; re-import updates in place."""
    with handled():
        try:
            with db_session() as session:
                report = import_agencies(
                    session=session, path=file, dry_run=dry_run, actor=operator()
                )
        except InputRejected as exc:
            print_rejection(exc)
            raise typer.Exit(1) from exc
        print_report(report, "agencies")


@app.command("list")
def list_(
    format: Format = typer.Option(Format.table, "--format", help="table, json, csv or xlsx."),
    agency: str | None = typer.Option(None, "--agency", help="Only this agency code."),
    platform: str | None = typer.Option(None, "--platform", help="Only accounts on this one."),
    output: Path | None = typer.Option(None, "--output", help="File to write (xlsx needs it)."),
) -> None:
    """List civil servants and their accounts (csv and xlsx import back unchanged)."""
    with handled():
        plat = normalize_platform(platform) if platform else None
        if format is Format.xlsx and output is None:
            fail("--format xlsx needs --output FILE.xlsx", EXIT_USAGE)
        with db_session() as session:
            records = list_civil_servants(session=session, agency=agency, platform=plat)
        if output is not None and format in (Format.json, Format.csv, Format.xlsx):
            if format is Format.xlsx:
                export_xlsx(records, output)
            else:
                text = export_json(records) if format is Format.json else export_csv(records)
                output.write_text(text, encoding="utf-8")
            console.print(Text(f"{len(records)} civil servants written to {output}"))
            return
        if format is Format.json:
            typer.echo(export_json(records))
            return
        if format is Format.csv:
            typer.echo(export_csv(records), nl=False)
            return
        table = _table(
            "NIP", "name", "status", "agency", "platform", "handle", "ownership", "active"
        )
        for r in records:
            person = (r.nip, Text(r.name), r.status, Text(r.agency))
            if not r.accounts:
                table.add_row(*person, "", "", "", "")
            for a in r.accounts:
                active = "yes" if a.active else "no"
                table.add_row(*person, a.platform, Text(a.handle), a.ownership_basis, active)
        console.print(table)


def summary_tables(summary: RegistrySummary) -> list[Table]:
    """The registry summary as Rich tables (also printed by ``pantau demo``)."""
    totals = _table(
        "agencies",
        "civil servants",
        "accounts",
        "active accounts",
        "sides watched",
        "campaign accounts",
        title="registry",
    )
    totals.add_row(
        str(summary.agencies),
        str(summary.civil_servants),
        str(summary.accounts),
        str(summary.active_accounts),
        str(summary.sides),
        str(summary.watched_accounts),
    )
    per_agency = _table("agency", "civil servants", "accounts", title="per agency")
    for code, (people, accounts) in summary.per_agency.items():
        per_agency.add_row(Text(code), str(people), str(accounts))
    tables = [totals, per_agency]
    for title, counts in (
        ("per status", summary.per_status),
        ("per platform", summary.per_platform),
        ("per ownership basis", summary.per_ownership),
    ):
        table = _table(title.removeprefix("per "), "count", title=title)
        for key, count in counts.items():
            table.add_row(Text(key), str(count))
        tables.append(table)
    return tables


@app.command("summary")
def summary() -> None:
    """Counts per agency, status, platform, ownership basis; active accounts."""
    with handled(), db_session() as session:
        result = registry_summary(session=session)
    for table in summary_tables(result):
        console.print(table)


@app.command("show")
def show(nip: str = typer.Argument(..., help="The civil servant's NIP.")) -> None:
    """One civil servant and every registered account."""
    with handled():
        with db_session() as session:
            record = get_civil_servant(session=session, nip=nip)
        console.print(Text(f"{record.name} ({record.status}), NIP {record.nip}", style="bold"))
        for label, value in (
            ("position", record.position),
            ("unit", record.unit),
            ("agency", f"{record.agency} ({record.agency_name})"),
            ("region", record.region),
        ):
            console.print(Text(f"{label}: {value}"))
        table = _table("platform", "handle", "native id", "ownership", "consent", "by", "active")
        for a in record.accounts:
            table.add_row(
                a.platform,
                Text(a.handle),
                Text(a.native_id or ""),
                a.ownership_basis,
                a.consent_date or "",
                Text(a.registered_by),
                "yes" if a.active else "no",
            )
        console.print(table)
