"""``pantau detect run`` and ``pantau detect list`` on the settings' SQLite database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import get_settings
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.unit.detect.test_service import EXPECTED, _scenario

runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def pantau(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_refuses_an_unmigrated_database() -> None:
    code, out = pantau("detect", "run")
    assert code == 1
    assert "pantau db upgrade" in out


def test_run_twice_then_list() -> None:
    url = get_settings().db_url
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        _scenario(session)
    engine.dispose()

    code, out = pantau("detect", "run", "--json")
    assert code == 0, out
    first = json.loads(out)
    assert first["total_new"] == len(EXPECTED)
    assert first["new_flags"]["LIKE"] == 2
    code, out = pantau("detect", "run", "--json")
    assert json.loads(out)["total_new"] == 0
    assert json.loads(out)["already_flagged"] == len(EXPECTED)

    code, out = pantau("detect", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert {
        (f["act_code"], f["platform"], f["item_type"], f["item_id"], f["target_side"])
        for f in listed
    } == EXPECTED
    assert all(f["status"] == "open" and f["reasons"] for f in listed)

    code, out = pantau("detect", "list", "--act", "follow")
    assert code == 0
    assert "FOLLOW" in out and "1 flags" in out
    code, out = pantau("detect", "run")
    assert code == 0 and f"0 new flags; {len(EXPECTED)} already flagged" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--act", "SHOUT"), "--act must be one of"),
        (("--format", "xml"), "--format must be"),
    ],
)
def test_list_rejects_bad_options(args: tuple[str, ...], message: str) -> None:
    code, out = pantau("detect", "list", *args)
    assert code == 1
    assert message in out
