"""The ``pantau`` command: one Typer app with a sub-app per stage."""

from __future__ import annotations

import importlib

import typer

from pantau import __version__

app = typer.Typer(
    name="pantau",
    help="pantau: monitoring civil servants' election neutrality (registry, collection, "
    "classification, detection, human review, referral).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# (sub-command name, module under pantau.cli). Each module exposes ``app`` (a Typer).
SUB_APPS: tuple[tuple[str, str], ...] = (
    ("db", "db"),
    ("model", "model"),
    ("data", "data"),
    ("registry", "registry"),
    ("watchlist", "watchlist"),
    ("users", "users"),
    ("audit", "audit"),
    ("web", "web"),
    ("collect", "collect"),
    ("evidence", "evidence"),
    ("replica", "replica"),
    ("detect", "detect"),
    ("sweep", "sweep"),
    ("scheduler", "scheduler"),
    ("retention", "retention"),
    ("report", "report"),
    ("referral", "referral"),
    ("token", "token"),
)
# Modules that add top-level commands by exposing ``register(app)``.
TOP_LEVEL: tuple[str, ...] = ("demo", "worker")


def _build() -> None:
    for name, module in SUB_APPS:
        mod = importlib.import_module(f"pantau.cli.{module}")
        app.add_typer(mod.app, name=name)
    for module in TOP_LEVEL:
        importlib.import_module(f"pantau.cli.{module}").register(app)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


_build()


def main() -> None:
    app()
