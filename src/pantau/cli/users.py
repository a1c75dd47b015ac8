"""``pantau users``: add, disable, enable and list review-app users."""

from __future__ import annotations

import getpass

import typer
from rich.table import Table

from pantau.cli.common import console, db_session, engine, fail, handled, settings
from pantau.errors import StoreError
from pantau.review import users as service
from pantau.review.models import ROLES
from pantau.review.permissions import Operator
from pantau.store import migrate

app = typer.Typer(help="Review-app users and their roles.", no_args_is_help=True)


def _operator() -> Operator:
    return Operator(getpass.getuser())


def require_schema(*, upgrade: bool = False) -> None:
    """Refuse (or, with ``upgrade``, create/upgrade) a database not at the newest schema."""
    url = settings().db_url
    if migrate.current_revision(engine()) == migrate.head_revision(url):
        return
    if upgrade:
        migrate.upgrade(url)
        return
    raise StoreError(f"the database at {url} is not at the newest schema: run `pantau db upgrade`")


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Username (lower-case letters, digits, . _ -)."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    password: str | None = typer.Option(
        None, "--password", help="Password; prompted (hidden, twice) when left out."
    ),
    display_name: str = typer.Option("", "--display-name", help="Name shown in the app."),
) -> None:
    """Add a user with a role (password from --password or a hidden prompt)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with handled():
        require_schema(upgrade=True)
    with handled(), db_session() as session:
        user = service.add_user(
            session=session,
            actor=_operator(),
            username=name,
            role=role,
            password=password,
            display_name=display_name,
        )
        console.print(f"added user {user.username} (role {user.role})", highlight=False)


@app.command("disable")
def disable(name: str = typer.Argument(..., help="Username.")) -> None:
    """Disable a user and end their sessions at once."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        service.disable_user(session=session, actor=_operator(), username=name)
        console.print(f"disabled user {name}", highlight=False)


@app.command("enable")
def enable(name: str = typer.Argument(..., help="Username.")) -> None:
    """Enable a disabled user again."""
    with handled():
        require_schema()
    with handled(), db_session() as session:
        service.enable_user(session=session, actor=_operator(), username=name)
        console.print(f"enabled user {name}", highlight=False)


@app.command("list")
def list_users() -> None:
    """List users: name, role, active, last login (in the display time zone)."""
    zone = settings().tz
    with handled():
        require_schema()
    with handled(), db_session() as session:
        rows = service.list_users(session=session, actor=_operator())
        if not rows:
            fail("no users yet: add one with `pantau users add NAME --role admin`")
        table = Table("username", "display name", "role", "active", "last login")
        for u in rows:
            last = (
                u.last_login_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
                if u.last_login_at
                else "-"
            )
            table.add_row(u.username, u.display_name, u.role, "yes" if u.active else "no", last)
        console.print(table)
