"""CLI error printing: messages are shown literally (no Rich markup), exit code non-zero."""

from __future__ import annotations

import pytest
import typer

from pantau.cli.common import fail, handled
from pantau.errors import NotFoundError


def test_fail_prints_brackets_literally_and_exits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exc:
        fail(NotFoundError("no such account", platform="x", item="[bold]budi[/bold]"))
    assert exc.value.exit_code == 1
    err = capsys.readouterr().err
    assert "error: [x:[bold]budi[/bold]] no such account" in err


def test_handled_turns_pantau_errors_into_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exc, handled():
        raise NotFoundError("gone", platform="tiktok", item="@a")
    assert exc.value.exit_code == 1
    assert "[tiktok:@a] gone" in capsys.readouterr().err
