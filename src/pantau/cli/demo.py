"""``pantau demo``: the main job on embedded defaults (extended by each stage as it lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Run the main job on embedded defaults: SQLite in var/, demo roster and watch lists."""
        from pantau.cli.common import console, settings
        from pantau.store import migrate

        url = settings().db_url
        migrate.upgrade(url)
        console.print(f"database ready: {url}")
