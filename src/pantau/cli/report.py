"""``pantau report``: the weekly supervisors' report and the fairness figures
(the logic is in :mod:`pantau.review.insight`)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from pantau.cli.common import console, db_session, fail, handled, settings
from pantau.review.insight.dashboard import Period
from pantau.review.insight.fairness import FairnessReport, deployed_model_dir, fairness_report
from pantau.review.insight.weekly import FORMATS, write_weekly
from pantau.review.permissions import Operator
from pantau.store.db import utcnow

app = typer.Typer(help="Reports: the weekly summary for supervisors and the fairness figures.")


@app.command("weekly")
def weekly(
    out: Path | None = typer.Option(
        None, "--out", help="File to write (default var/reports/weekly-<date>.<format>)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="pdf or html (default: from --out's suffix, else pdf)."
    ),
    role: str | None = typer.Option(
        None,
        "--role",
        help="The reader's role: names and NIPs appear only for roles that may view personal "
        "records (reviewer, referral_officer, auditor). Default: no personal data.",
    ),
) -> None:
    """Write the weekly report: charts, rankings, backlog, fairness."""
    s = settings()
    now = utcnow()
    chosen = fmt or (out.suffix.lstrip(".").lower() if out is not None and out.suffix else "pdf")
    if chosen not in FORMATS:
        fail(f"--format: {chosen!r} is not one of {', '.join(FORMATS)}")
    day = now.astimezone(s.tz).date().isoformat()
    target = out or s.var_dir / "reports" / f"weekly-{day}.{chosen}"
    with handled(), db_session() as session:
        report = write_weekly(
            session=session,
            settings=s,
            actor=Operator(getpass.getuser()),
            out=target,
            fmt=chosen,
            role=role,
            now=now,
        )
    personal = "with names and NIPs" if report.personal else "no personal data"
    console.print(
        Text(f"wrote {target} ({chosen}, role {report.role}, {personal})"), highlight=False
    )


def _pct(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _fairness_table(report: FairnessReport) -> Table:
    table = Table(title=f"Fairness per side (threshold {report.threshold:.2f})")
    for name in ("side", "name", "raised", "confirmed", "dismissed", "precision", "posts", "rate"):
        table.add_column(name, justify="left" if name in ("side", "name") else "right")
    for s in report.sides:
        table.add_row(
            Text(s.side),
            Text(s.name),
            str(s.raised),
            str(s.confirmed),
            str(s.dismissed),
            _pct(s.precision),
            str(s.classified_posts),
            _pct(s.flag_rate, 3),
        )
    return table


@app.command("fairness")
def fairness(
    fmt: str = typer.Option("table", "--format", help="table or json."),
    days: int | None = typer.Option(
        None,
        "--days",
        min=0,
        help="Flags first detected in the last N days (WIB); 0: all. "
        "Default review.dashboard_days, like the web panel.",
    ),
) -> None:
    """Per side: flags raised, confirmed, dismissed, precision, flag rate, warnings."""
    if fmt not in ("table", "json"):
        fail(f"--format: {fmt!r} is not one of table, json")
    s = settings()
    window = s.review.dashboard_days if days is None else days
    period = Period.ending(now=utcnow(), days=window, zone=s.tz) if window > 0 else None
    with handled(), db_session() as session:
        report = fairness_report(
            session=session,
            threshold=s.review.fairness_threshold,
            min_flags=s.review.fairness_min_flags,
            model_dir=deployed_model_dir(s),
            since=period.start if period else None,
            until=period.end if period else None,
        )
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(), indent=2, sort_keys=True, ensure_ascii=False))
        return
    console.print(_fairness_table(report))
    for w in report.warnings:
        console.print(Text(f"WARNING: {w.message()}", style="bold red"), highlight=False)
    if not report.warnings:
        console.print("no side departs from the others beyond the threshold")
    if report.counterfactual:
        for split, cf in report.counterfactual.items():
            named = split if cf["name"] == split else f"{cf['name']} [{split}]"
            console.print(
                Text(
                    f"counterfactual ({report.model}, {named}): {cf['pairs']} swaps, decision "
                    f"changed {_pct(cf['decision_change_rate'], 3)}"
                ),
                highlight=False,
            )
    else:
        console.print("counterfactual swap of the deployed model: not available")
