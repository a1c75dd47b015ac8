"""API tokens: issued only to API roles, stored hashed, expiring, revocable, audited; the CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pantau.errors import InputRejected, PermissionDenied
from pantau.review import tokens
from pantau.review.models import AuditEntry
from pantau.review.permissions import Operator
from pantau.review.tokens_models import ApiToken
from pantau.store.db import session_scope, utcnow
from tests.support.review_app import OPERATOR, make_users


def test_create_stores_only_the_hash_and_audits(engine: Engine) -> None:
    make_users(engine)
    with session_scope(engine) as s:
        issued = tokens.create_token(
            session=s, actor=OPERATOR, username="auditor", expires_days=30, name="siem"
        )
        secret, token_id = issued.secret, issued.token.id
    assert secret.startswith("pnt_") and len(secret) == 4 + 43
    with session_scope(engine) as s:
        row = s.get(ApiToken, token_id)
        assert row is not None
        assert row.token_hash == tokens.hash_token(secret) and secret not in row.token_hash
        assert row.prefix == secret[4:12] and row.name == "siem"
        assert row.created_by == "cli:test"
        assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "api_token.create")).one()
        assert entry.detail["user"] == "auditor" and entry.detail["prefix"] == row.prefix
        assert secret not in str(entry.detail)
        check = tokens.authenticate(session=s, secret=secret)
        assert check.ok and check.user is not None and check.user.username == "auditor"
        s.refresh(row)
        assert row.last_used_at is not None


@pytest.mark.parametrize(
    ("username", "days", "column", "reason"),
    [
        ("reviewer", 30, "user", "role reviewer has no API access"),
        ("admin", 30, "user", "role admin has no API access"),
        ("nobody", 30, "user", "no such user"),
        ("auditor", 0, "expires_days", "must be between 1 and 365"),
        ("auditor", 366, "expires_days", "must be between 1 and 365"),
    ],
)
def test_create_refuses(engine: Engine, username: str, days: int, column: str, reason: str) -> None:
    make_users(engine)
    with session_scope(engine) as s, pytest.raises(InputRejected) as info:
        tokens.create_token(session=s, actor=OPERATOR, username=username, expires_days=days)
    [error] = info.value.errors
    assert error.column == column and reason in error.reason


def test_only_user_managers_issue_tokens(engine: Engine) -> None:
    made = make_users(engine)
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        tokens.create_token(session=s, actor=s.merge(made["auditor"]), username="auditor")


def test_authenticate_states_and_revocation(engine: Engine) -> None:
    make_users(engine)
    with session_scope(engine) as s:
        issued = tokens.create_token(session=s, actor=OPERATOR, username="referral")
        secret, token_id = issued.secret, issued.token.id
    with session_scope(engine) as s:
        later = utcnow() + timedelta(days=91)
        assert tokens.authenticate(session=s, secret=secret, now=later).reason == "expired token"
        assert tokens.authenticate(session=s, secret="pnt_x").reason == "unknown token"
        assert tokens.authenticate(session=s, secret="Basic abc").reason == "malformed token"
        assert tokens.authenticate(session=s, secret="").reason == "no token"
        assert [t.id for t, _ in tokens.list_tokens(session=s, actor=OPERATOR)] == [token_id]
        tokens.revoke_token(session=s, actor=OPERATOR, token_id=token_id)
    with session_scope(engine) as s:
        check = tokens.authenticate(session=s, secret=secret)
        assert (check.ok, check.reason, check.status) == (False, "revoked token", 401)
        assert tokens.list_tokens(session=s, actor=OPERATOR) == []
        assert len(tokens.list_tokens(session=s, actor=OPERATOR, include_inactive=True)) == 1
        with pytest.raises(InputRejected, match="already revoked"):
            tokens.revoke_token(session=s, actor=OPERATOR, token_id=token_id)
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert [a for a in actions if a.startswith("api_token")] == [
        "api_token.create",
        "api_token.revoke",
    ]


def test_cli_create_list_revoke(monkeypatch: pytest.MonkeyPatch) -> None:
    from pantau.cli.main import app

    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def pantau(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.output

    assert (
        pantau("users", "add", "audit1", "--role", "auditor", "--password", "kata-sandi-1")[0] == 0
    )
    assert (
        pantau("users", "add", "rev1", "--role", "reviewer", "--password", "kata-sandi-2")[0] == 0
    )
    code, out = pantau("token", "create", "audit1", "--expires-days", "7", "--name", "siem")
    assert code == 0, out
    secret = next(line for line in out.splitlines() if line.startswith("pnt_"))
    assert "token 1 for audit1" in out and "cannot be shown again" in out
    code, out = pantau("token", "list")
    assert code == 0 and "audit1" in out and secret[4:12] in out and secret not in out
    code, out = pantau("token", "create", "rev1")
    assert code == 1 and "role reviewer has no API access" in out
    assert pantau("token", "revoke", "1") == (0, f"revoked token 1 ({secret[4:12]}…)\n")
    code, out = pantau("token", "list")
    assert "0 token(s)" in out
    code, out = pantau("token", "revoke", "1")
    assert code == 1 and "already revoked" in out


def test_the_operator_is_recorded_as_creator(engine: Engine) -> None:
    make_users(engine)
    with session_scope(engine) as s:
        token = tokens.create_token(
            session=s, actor=Operator("siti"), username="auditor", expires_days=1
        ).token
        assert token.created_by == "cli:siti"
