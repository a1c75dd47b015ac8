"""``pantau collect account``: the printing half (the command itself lives in ``collect.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table
from sqlalchemy import func, select

from pantau.cli.common import console, db_session, settings
from pantau.collect.models import Post
from pantau.collect.service import collect_account, finish_run, start_run
from pantau.collect.sessions import MonitoringSession, StorageStateVault
from pantau.errors import InputRejected
from pantau.registry.models import Account

STYLE = {"ok": "green", "failed": "bold red", "unobservable": "yellow"}


def run_account(*, platform: str, handle: str, session_name: str = "") -> bool:
    """Collect, print a table of acts, return whether nothing failed."""
    cfg = settings()
    platform = platform.strip().lower()
    handle = handle.strip().lstrip("@")
    sessions: dict[str, MonitoringSession] = {}
    if session_name:
        state = StorageStateVault.from_settings(cfg).load(session_name)
        if state is None:
            raise InputRejected(f"no stored monitoring session named {session_name!r}")
        sessions[platform] = MonitoringSession(
            name=session_name, logged_in_platforms=frozenset({platform}), storage_state=state
        )
    with db_session() as session:
        acc = session.scalars(
            select(Account).where(
                Account.platform == platform, func.lower(Account.handle) == handle.lower()
            )
        ).first()
        if acc is None:
            raise InputRejected(
                f"{platform} account {handle!r} is not registered (only registered accounts "
                "with documented ownership are collected)"
            )
        run = start_run(session=session, trigger="cli")
        outcome = collect_account(
            session=session, account=acc, run=run, settings=cfg, sessions=sessions
        )
        finish_run(session=session, run=run, outcomes=[outcome])
        new_posts = (
            list(
                session.scalars(
                    select(Post).where(
                        Post.platform == platform, Post.post_id.in_(outcome.new_post_ids)
                    )
                )
            )
            if outcome.new_post_ids
            else []
        )
        table = Table(title=f"{platform}:{acc.handle} (run {run.id})")
        for column in ("act", "status", "reason", "items", "detail"):
            table.add_column(column)
        for act in outcome.acts:
            style = STYLE.get(act.status, "")
            table.add_row(
                act.act,
                f"[{style}]{act.status}[/]",
                act.reason,
                str(act.items),
                act.detail[:80],
            )
        console.print(table)
        console.print(
            f"{len(set(outcome.captures))} capture(s) stored as evidence; "
            f"{len(new_posts)} new post(s):",
            highlight=False,
        )
        for post in new_posts:
            when = (
                post.created_at.astimezone(cfg.tz).strftime("%Y-%m-%d %H:%M %Z")
                if (post.created_at)
                else "?"
            )
            # scraped text: printed without markup interpretation
            console.print(f"  {post.post_id} {when} {post.kind}: ", end="", highlight=False)
            console.print(post.text[:120], markup=False, highlight=False)
        return outcome.ok


def save_session(*, name: str, state_file: Path) -> Path:
    """Read a Playwright storage-state file and store it encrypted under ``name``."""
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputRejected(f"cannot read {state_file}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InputRejected(f"{state_file} is not JSON: {exc}") from exc
    if not isinstance(state, dict) or not isinstance(state.get("cookies"), list):
        raise InputRejected(f"{state_file} is not a storage state (no 'cookies' list)")
    return StorageStateVault.from_settings(settings()).save(name, state)
