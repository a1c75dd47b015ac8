"""``pantau detect``: run the detection rules over the observations, list the flags."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from pantau.cli.common import console, db_session, handled, settings
from pantau.cli.users import require_schema
from pantau.detect.models import ACT_CODES, Flag
from pantau.detect.service import list_flags, run_detection
from pantau.errors import InputRejected

app = typer.Typer(
    help="Detection: turn observations of registered ASN accounts into flags (acts).",
    no_args_is_help=True,
)


@app.command("run")
def run(
    run_id: int | None = typer.Option(
        None, "--run", help="Only what this crawl run saw (default: every observation)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Flag the acts in the collected observations; re-running never duplicates a flag."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        stats = run_detection(session=session, run_id=run_id)
    if as_json:
        typer.echo(json.dumps(stats.to_dict(), sort_keys=True))
        return
    table = Table(title="new flags")
    table.add_column("act")
    table.add_column("new", justify="right")
    for act in ACT_CODES:
        table.add_row(act, str(stats.new_flags.get(act, 0)))
    console.print(table)
    console.print(
        f"{stats.total_new} new flags; {stats.already_flagged} already flagged; "
        f"{stats.posts_examined} posts and {stats.edges_examined} edges examined "
        f"({stats.skipped} with no act); {stats.evidence_linked} evidence links added",
        highlight=False,
    )


@app.command("list")
def list_command(
    status: str | None = typer.Option("open", "--status", help="Flag status; 'all' for every."),
    act: str | None = typer.Option(None, "--act", help=f"One of: {', '.join(ACT_CODES)}."),
    limit: int = typer.Option(50, "--limit", min=1, max=10000, help="How many flags."),
    output: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Flags in queue order: deadline first, then priority (score x severity)."""
    with handled():
        if output not in ("table", "json"):
            raise InputRejected(f"--format must be 'table' or 'json', not {output!r}")
        if act is not None and act.upper() not in ACT_CODES:
            raise InputRejected(f"--act must be one of {', '.join(ACT_CODES)}, not {act!r}")
        require_schema()
    with handled(), db_session() as session:
        flags = list_flags(
            session=session, status=None if status == "all" else status, act_code=act, limit=limit
        )
        if output == "json":
            typer.echo(json.dumps([flag_record(f) for f in flags], ensure_ascii=False, indent=1))
            return
        _print_table(flags)


def flag_record(flag: Flag) -> dict[str, object]:
    """A flag as plain JSON-able values (times in UTC, ISO 8601)."""
    return {
        "id": flag.id,
        "status": flag.status,
        "act_code": flag.act_code,
        "civil_servant_id": flag.civil_servant_id,
        "account_id": flag.account_id,
        "platform": flag.platform,
        "item_type": flag.item_type,
        "item_id": flag.item_id,
        "item_url": flag.item_url,
        "target_side": flag.target_side,
        "target_handle": flag.target_handle,
        "target_is_official": flag.target_is_official,
        "suggestion_label": flag.suggestion_label,
        "suggestion_score": flag.suggestion_score,
        "model_version": flag.model_version,
        "severity": flag.severity,
        "priority": flag.priority,
        "reasons": list(flag.reasons),
        "act_time": flag.act_time.isoformat() if flag.act_time else None,
        "first_detected_at": flag.first_detected_at.isoformat(),
        "deadline_at": flag.deadline_at.isoformat(),
        "evidence_capture_ids": [e.capture_id for e in flag.evidence],
    }


def _print_table(flags: list[Flag]) -> None:
    zone = settings().tz
    table = Table()
    for name in ("id", "act", "platform", "item", "side", "suggestion", "deadline", "reasons"):
        table.add_column(name, overflow="fold")
    for f in flags:
        suggestion = f"{f.suggestion_label} {f.suggestion_score:.2f}" if f.suggestion_label else ""
        table.add_row(
            str(f.id),
            f.act_code,
            f.platform,
            escape(f.item_id),  # scraped ids and reasons quoting scraped text are untrusted
            escape(f.target_side or "?"),
            escape(suggestion),
            f.deadline_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
            escape("; ".join(f.reasons)),
        )
    console.print(table)
    console.print(f"{len(flags)} flags", highlight=False)
