"""``pantau token``: bearer tokens for the read-only JSON API (create, list, revoke)."""

from __future__ import annotations

import getpass

import typer
from rich.table import Table

from pantau.cli.common import console, db_session, handled, settings
from pantau.cli.users import require_schema
from pantau.review import tokens as service
from pantau.review.permissions import Operator

app = typer.Typer(
    help="API tokens (auditor and referral officer users only; stored hashed).",
    no_args_is_help=True,
)


def _operator() -> Operator:
    return Operator(getpass.getuser())


def _when(value: object) -> str:
    from datetime import datetime

    if not isinstance(value, datetime):
        return "-"
    return value.astimezone(settings().tz).strftime("%Y-%m-%d %H:%M WIB")


@app.command("create")
def create(
    user: str = typer.Argument(..., help="Username (role auditor or referral_officer)."),
    expires_days: int = typer.Option(
        service.DEFAULT_DAYS,
        "--expires-days",
        help=f"Days until it expires (1-{service.MAX_DAYS}).",
    ),
    name: str = typer.Option("", "--name", help="A label to recognise the token by."),
) -> None:
    """Create a token for USER and print it ONCE (only its hash is stored)."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        issued = service.create_token(
            session=session,
            actor=_operator(),
            username=user,
            expires_days=expires_days,
            name=name,
        )
        token = issued.token
        console.print(
            f"token {token.id} for {user}, expires {_when(token.expires_at)}", highlight=False
        )
    # Outside the transaction: printed only once the token is committed.
    typer.echo(issued.secret)
    console.print("Store it now: it cannot be shown again.", style="yellow", highlight=False)


@app.command("list")
def list_(
    all_: bool = typer.Option(False, "--all", help="Include revoked and expired tokens."),
) -> None:
    """List tokens (id, user, role, prefix, created, expires, last used, revoked)."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        rows = service.list_tokens(session=session, actor=_operator(), include_inactive=all_)
        table = Table("id", "user", "role", "prefix", "name", "created", "expires", "last used")
        table.add_column("revoked")
        for token, user in rows:
            table.add_row(
                str(token.id),
                user.username,
                user.role,
                token.prefix + "…",
                token.name,
                _when(token.created_at),
                _when(token.expires_at),
                _when(token.last_used_at),
                _when(token.revoked_at),
            )
        console.print(table)
        console.print(f"{len(rows)} token(s)", highlight=False)


@app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="Token id (from `pantau token list`)."),
) -> None:
    """Revoke a token at once."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        token = service.revoke_token(session=session, actor=_operator(), token_id=token_id)
        console.print(f"revoked token {token.id} ({token.prefix}…)", highlight=False)
