"""``pantau collect``: parse a captured payload (the tool for when a platform changes markup)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from pantau.cli.common import fail, handled
from pantau.collect.evidence import sha256_hex
from pantau.collect.parse import parse_capture
from pantau.collect.records import iter_records

app = typer.Typer(help="Collection: parse captures, collect accounts.", no_args_is_help=True)


@app.command("parse")
def parse(
    platform: str = typer.Argument(..., help="x, instagram, tiktok or facebook."),
    file: Path = typer.Argument(..., help="A captured response body or page HTML."),
    op: str = typer.Option("", "--op", help="Operation name, e.g. UserTweets or Following."),
    url: str = typer.Option("", "--url", help="The request URL the body answered."),
    subject: str = typer.Option(
        "", "--subject", help="Id of the account/post a list belongs to (followers, likers)."
    ),
) -> None:
    """Print the records a capture yields as JSON lines, then one ``result`` line."""
    try:
        body = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    with handled():
        result = parse_capture(
            platform, body, url=url, op=op, subject_id=subject, raw_ref=sha256_hex(body)
        )
    out = sys.stdout
    for kind, record in iter_records(result):
        out.write(json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n")
    summary = {
        "type": "result",
        "platform": result.platform,
        "op": result.op,
        "raw_ref": result.raw_ref,
        "accounts": len(result.accounts),
        "posts": len(result.posts),
        "metrics": len(result.metrics),
        "edges": len(result.edges),
        "cursors": result.cursors,
        "wall": result.wall,
    }
    out.write(json.dumps(summary, ensure_ascii=False) + "\n")
    out.flush()


@app.command("account")
def account(
    platform: str = typer.Argument(..., help="x, instagram, tiktok or facebook."),
    handle: str = typer.Argument(..., help="A registered account's handle."),
    session_name: str = typer.Option(
        "", "--session", help="Logged-in monitoring session (encrypted storage state) to use."
    ),
) -> None:
    """Collect one registered account now; print what was found and stored."""
    from pantau.cli.collect_account import run_account

    with handled():
        ok = run_account(platform=platform, handle=handle, session_name=session_name)
    if not ok:
        raise typer.Exit(1)


@app.command("session-save")
def session_save(
    name: str = typer.Argument(..., help="Monitoring-session name (letters, digits, . _ -)."),
    state_file: Path = typer.Argument(..., help="Playwright storage-state JSON of the login."),
) -> None:
    """Encrypt a logged-in monitoring session's storage state into the session vault."""
    from pantau.cli.collect_account import save_session

    with handled():
        path = save_session(name=name, state_file=state_file)
    typer.echo(f"stored encrypted as {path}; delete the plain file {state_file} now")
