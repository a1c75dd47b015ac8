"""``pantau db``: create and upgrade the database."""

from __future__ import annotations

import typer

from pantau.cli.common import console, engine, handled, settings
from pantau.store import migrate

app = typer.Typer(help="Database schema: create, upgrade, show the revision.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create the database or upgrade it to the latest schema."""
    with handled():
        url = settings().db_url
        migrate.upgrade(url, revision)
        console.print(f"database at revision {migrate.current_revision(engine())}")


@app.command("current")
def current() -> None:
    """Print the database's schema revision and the newest one known."""
    with handled():
        url = settings().db_url
        console.print(f"current: {migrate.current_revision(engine())}")
        console.print(f"head:    {migrate.head_revision(url)}")
