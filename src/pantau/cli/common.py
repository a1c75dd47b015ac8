"""Helpers shared by the CLI modules: settings, the engine, printing errors and exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pantau.config import Settings, get_settings
from pantau.errors import PantauError
from pantau.store.db import engine_for, session_scope

# Piped output (cron, CI, `| less`) gets wide lines instead of values cut at 80 columns.
_WIDTH = None if sys.stdout.isatty() else max(160, int(os.environ.get("COLUMNS") or 0))
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)

EXIT_FAILURE = 1
EXIT_USAGE = 2


def settings() -> Settings:
    return get_settings()


def engine() -> Engine:
    return engine_for(get_settings().db_url)


@contextmanager
def db_session() -> Iterator[Session]:
    with session_scope(engine()) as session:
        yield session


def fail(error: BaseException | str, code: int = EXIT_FAILURE) -> NoReturn:
    """Print an error for a person (no traceback) and exit with ``code``."""
    # The message may hold untrusted text and "[platform:item]" prefixes: never read it as markup.
    message = Text("error: ", style="bold red")
    message.append(str(error))
    err_console.print(message, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def handled() -> Iterator[None]:
    """Turn a :class:`PantauError` into a printed message and a non-zero exit code."""
    try:
        yield
    except PantauError as exc:
        fail(exc)


def is_terminal() -> bool:
    return sys.stdout.isatty()


DATASETS_HELP = "Directory of the public datasets (default: <shared_dir>/datasets if present)."


def datasets_or_default(path: Path | None) -> Path | None:
    """``--datasets`` if given, else ``<shared_dir>/datasets`` when that exists, else None."""
    from pantau.classify.build import default_datasets_dir

    return path if path is not None else default_datasets_dir(settings())
