"""``pantau sweep``: run, resume and report sweeps (the logic is in :mod:`pantau.sweep`)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from pantau.cli.common import console, db_session, handled, is_terminal, settings

app = typer.Typer(help="Sweeps: the nightly job (plan, collect, classify, detect, summary).")


class RichReporter:
    """One progress bar per phase and platform, with an ETA."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.bars: dict[tuple[str, str], TaskID] = {}

    def phase_started(self, phase: str, totals: dict[str, int], done: dict[str, int]) -> None:
        for platform, total in sorted(totals.items()):
            self.bars[(phase, platform)] = self.progress.add_task(
                f"{phase:<9} {platform}", total=total, completed=done.get(platform, 0)
            )
        if not totals:
            self.bars[(phase, "all")] = self.progress.add_task(f"{phase:<9} all", total=None)

    def advanced(self, phase: str, counts: dict[str, int]) -> None:
        for platform, n in counts.items():
            bar = self.bars.get((phase, platform))
            if bar is not None:
                self.progress.advance(bar, n)

    def phase_finished(self, phase: str) -> None:
        for (p, _platform), bar in self.bars.items():
            if p == phase:
                task = self.progress.tasks[bar]
                total = task.total if task.total is not None else task.completed
                self.progress.update(bar, total=total, completed=total)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
    )


def _drive(resume: bool, everything: bool = False) -> dict[str, Any]:
    from pantau.logging import configure_logging
    from pantau.sweep.service import LogReporter, resume_sweep, run_sweep

    cfg = settings()
    configure_logging(cfg.log_format)
    if is_terminal():
        with _progress() as progress:
            reporter: Any = RichReporter(progress)
            if resume:
                return resume_sweep(settings=cfg, reporter=reporter)
            return run_sweep(settings=cfg, everything=everything, reporter=reporter)
    if resume:
        return resume_sweep(settings=cfg, reporter=LogReporter())
    return run_sweep(settings=cfg, everything=everything, reporter=LogReporter())


def print_summary(summary: dict[str, Any]) -> None:
    console.print(
        Text(
            f"sweep {summary.get('sweep_id')}: {summary.get('new_observations', 0)} new "
            f"observation(s), {summary.get('new_flags', 0)} new flag(s), "
            f"{summary.get('predictions', 0)} prediction(s), "
            f"{len(summary.get('failed_accounts', []))} failed account(s)"
        )
    )
    phases = Table(title="tasks per phase and platform")
    for column in ("phase", "platform", "done", "failed", "open"):
        phases.add_column(column)
    for phase, platforms in summary.get("phases", {}).items():
        for platform, states in sorted(platforms.items()):
            open_n = states.get("pending", 0) + states.get("running", 0)
            phases.add_row(
                phase,
                platform,
                str(states.get("done", 0)),
                str(states.get("failed", 0)),
                str(open_n),
            )
    console.print(phases)
    new = Table(title="new observations and flags per platform")
    for column in ("platform", "posts", "edges", "flags"):
        new.add_column(column)
    platforms = sorted(
        set(summary.get("new_posts", {}))
        | set(summary.get("new_edges", {}))
        | set(summary.get("new_flags_by_platform", {}))
    )
    for p in platforms:
        new.add_row(
            p,
            str(summary.get("new_posts", {}).get(p, 0)),
            str(summary.get("new_edges", {}).get(p, 0)),
            str(summary.get("new_flags_by_platform", {}).get(p, 0)),
        )
    console.print(new)
    if summary.get("failed_accounts"):
        failed = Table(title="failed accounts")
        for column in ("platform", "handle", "kind", "reason"):
            failed.add_column(column)
        for row in summary["failed_accounts"]:
            # handles are untrusted text: Text() prints them literally
            failed.add_row(row["platform"], Text(row["handle"]), row["kind"], row["reason"])
        console.print(failed)
    if summary.get("unobservable"):
        unobs = Table(title="unobservable (the platform does not show these acts)")
        for column in ("platform", "act", "reason", "accounts"):
            unobs.add_column(column)
        for row in summary["unobservable"]:
            unobs.add_row(row["platform"], row["act"], row["reason"], str(row["accounts"]))
        console.print(unobs)


@app.command("run")
def run(
    everything: bool = typer.Option(
        False, "--all", help="Collect every account, also those collected lately."
    ),
) -> None:
    """Plan and run a sweep now (refused while another sweep holds the lease)."""
    with handled():
        print_summary(_drive(resume=False, everything=everything))


@app.command("resume")
def resume() -> None:
    """Continue the unfinished sweep where it stopped (after a crash or kill)."""
    with handled():
        print_summary(_drive(resume=True))


@app.command("summary")
def summary(
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Print the summary of the last finished sweep."""
    from pantau.errors import SweepError
    from pantau.sweep.service import last_sweep

    with handled():
        if fmt not in ("table", "json"):
            raise SweepError(f"--format must be table or json, not {fmt!r}")
        with db_session() as session:
            sweep = last_sweep(session)
            if sweep is None:
                raise SweepError("no finished sweep yet (pantau sweep run)")
            data = dict(sweep.summary)
        if fmt == "json":
            typer.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        else:
            print_summary(data)


@app.command("status")
def status() -> None:
    """Show the latest sweep's phase and the lease holder."""
    from pantau.cli.common import engine
    from pantau.sweep.lease import current_holder
    from pantau.sweep.service import last_sweep

    with handled():
        with db_session() as session:
            sweep = last_sweep(session, finished=False)
            line = (
                "no sweep yet"
                if sweep is None
                else f"sweep {sweep.id}: status {sweep.status}, phase {sweep.phase}, "
                f"attempts {sweep.attempts}, started {sweep.started_at.isoformat()}"
                + (f", last error: {sweep.error}" if sweep.error else "")
            )
        console.print(Text(line))
        holder = current_holder(engine=engine())
        console.print(
            Text(
                f"lease held by {holder.holder} until {holder.expires_at}"
                if holder
                else "lease free"
            )
        )
