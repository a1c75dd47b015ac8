"""Every setting and every CLI command is documented, and the docs name nothing that is gone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer.main
from pydantic import BaseModel

from pantau.cli.main import app
from pantau.config import PROJECT_ROOT, Settings


def _setting_names(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _setting_names(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def _commands(group: Any, path: str = "pantau") -> Iterator[str]:
    subcommands = getattr(group, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _commands(sub, f"{path} {name}")
    else:
        yield path


def test_every_setting_is_documented() -> None:
    doc = (PROJECT_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^- `([a-z0-9_.]+)`", doc, flags=re.MULTILINE))
    names = set(_setting_names(Settings))
    assert sorted(names - documented) == [], "settings missing from docs/settings.md"
    assert sorted(documented - names) == [], "docs/settings.md names settings that do not exist"


def test_every_command_is_documented() -> None:
    doc = (PROJECT_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (pantau(?: [a-z0-9-]+)+)\s*$", doc, flags=re.MULTILINE))
    commands = set(_commands(typer.main.get_command(app)))
    assert len(commands) >= 3
    assert sorted(commands - documented) == [], "commands missing from docs/cli.md"
    assert sorted(documented - commands) == [], "docs/cli.md documents commands that do not exist"
