"""``pantau users`` and ``pantau audit`` on the settings' SQLite database."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import get_settings
from pantau.review.models import AuditEntry
from pantau.store.db import make_engine, session_scope

runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def pantau(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_users_add_list_disable_and_audit_verify() -> None:
    code, out = pantau("users", "add", "siti", "--role", "reviewer", "--password", "kata-sandi-1")
    assert (code, out.strip()) == (0, "added user siti (role reviewer)")
    code, out = pantau(
        "users", "add", "budi", "--role", "auditor", input="kata-sandi-2\nkata-sandi-2\n"
    )
    assert code == 0 and "added user budi (role auditor)" in out
    code, out = pantau("users", "list")
    assert code == 0
    assert [line.split()[1] for line in out.splitlines() if line.startswith("│")] == [
        "budi",
        "siti",
    ]
    assert pantau("users", "disable", "siti") == (0, "disabled user siti\n")
    code, out = pantau("audit", "list", "--limit", "2")
    assert code == 0 and "user.disable" in out and "user.add" in out
    assert pantau("audit", "verify") == (0, "audit trail intact: 3 entries verified\n")


def test_bad_input_exits_non_zero_with_the_reason() -> None:
    code, out = pantau("users", "add", "x y", "--role", "boss", "--password", "pendek")
    assert code == 1
    assert "column 'role' = 'boss': must be one of admin" in out
    assert "column 'username'" in out and "column 'password'" in out
    code, out = pantau("users", "disable", "nobody")
    assert code == 1 and "no user named 'nobody'" in out


def test_commands_refuse_a_database_without_the_schema() -> None:
    code, out = pantau("audit", "verify")
    assert code == 1 and "run `pantau db upgrade`" in out


@pytest.mark.parametrize("seq", [1, 2])
def test_audit_verify_fails_on_a_tampered_entry(seq: int) -> None:
    for name in ("ani", "eko"):
        assert (
            pantau("users", "add", name, "--role", "analyst", "--password", "kata-sandi-3")[0] == 0
        )
    engine = make_engine(get_settings().db_url)
    with session_scope(engine) as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(action="user.remove"))
    engine.dispose()
    code, out = pantau("audit", "verify")
    assert code == 1
    assert f"audit trail BROKEN at entry {seq}" in " ".join(out.split())
