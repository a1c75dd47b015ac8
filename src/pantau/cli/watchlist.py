"""``pantau watchlist``: load watch lists into the registry, match cues in a text, show them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from pantau.cli.common import console, db_session, handled, settings

app = typer.Typer(
    help="Watch lists: elections, candidate pairs, parties, cues and watched accounts.",
    no_args_is_help=True,
)


def _directory(directory: Path | None) -> Path:
    return directory if directory is not None else settings().watchlist_dir


@app.command("load")
def load(
    directory: Path | None = typer.Argument(
        None, help="Directory of watch-list YAML files (default: the watchlist_dir setting)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List added entries too."),
) -> None:
    """Validate every watch list in DIR and sync them into the database (one transaction)."""
    from pantau.registry.watchlist import load_watchlists, sync_watchlists

    with handled():
        where = _directory(directory)
        watchlists = load_watchlists(where)
        with db_session() as session:
            report = sync_watchlists(session=session, watchlists=watchlists)
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        console.print(Text(f"watch lists from {where}: {report}"))
        shown = [("updated", report.updated), ("removed", report.removed)]
        if verbose:
            shown.insert(0, ("added", report.added))
        for verb, entries in shown:
            for entry in entries:
                console.print(Text(f"  {verb:<8} {entry}"))


@app.command("match")
def match(
    text: str = typer.Argument(..., help='The text to look for cues in ("-": read stdin).'),
    directory: Path | None = typer.Option(
        None, "--dir", help="Watch-list directory (default: the watchlist_dir setting)."
    ),
) -> None:
    """Print the sides, cue hits and ambiguity found in TEXT as JSON."""
    from pantau.registry.cues import CueMatcher, default_matcher
    from pantau.registry.watchlist import load_watchlists

    with handled():
        if directory is None:
            matcher = default_matcher()
        else:
            matcher = CueMatcher.from_watchlists(load_watchlists(directory))
        if text == "-":
            text = sys.stdin.read()
        result = matcher.match(text).to_dict()
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@app.command("show")
def show(
    directory: Path | None = typer.Argument(
        None, help="Directory of watch-list YAML files (default: the watchlist_dir setting)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show the elections, pairs, parties and watched-account counts of the watch lists."""
    from pantau.registry.watchlist import load_watchlists

    with handled():
        watchlists = load_watchlists(_directory(directory))
        rows: list[dict[str, Any]] = []
        for wl in watchlists:
            for contest, pair in wl.pairs():
                rows.append(
                    {
                        "election": wl.election.key,
                        "contest": contest.key,
                        "side": pair.key,
                        "kind": "pair",
                        "ballot_number": pair.ballot_number,
                        "name": pair.name,
                        "parties": list(pair.parties),
                        "cues": sum(len(pair.cues.phrases(k)) for k in _pair_kinds()),
                        "accounts": len(pair.accounts),
                    }
                )
            for party in wl.parties:
                rows.append(
                    {
                        "election": wl.election.key,
                        "contest": "",
                        "side": party.key,
                        "kind": "party",
                        "ballot_number": party.ballot_number,
                        "name": party.name,
                        "parties": [],
                        "cues": len(party.cues.names) + len(party.cues.hashtags),
                        "accounts": len(party.accounts),
                    }
                )
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title="Watch lists")
        for column in ("election", "contest", "side", "no.", "name", "parties", "cues", "accts"):
            table.add_column(column)
        for r in rows:
            number = "" if r["ballot_number"] is None else f"{r['ballot_number']:02d}"
            table.add_row(
                *(
                    Text(str(v))
                    for v in (
                        r["election"],
                        r["contest"],
                        r["side"],
                        number,
                        r["name"],
                        len(r["parties"]),
                        r["cues"],
                        r["accounts"],
                    )
                )
            )
        console.print(table)


def _pair_kinds() -> tuple[str, ...]:
    from pantau.registry.watchlist import PAIR_CUE_KINDS

    return PAIR_CUE_KINDS
