"""Login throttling, audited attempts, session expiry and revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.config import reset_settings
from pantau.review import auth
from pantau.review.auth import LoginStatus
from pantau.review.models import AuditEntry, User
from pantau.store.db import utcnow
from tests.support.review_app import PASSWORD, make_users


@pytest.fixture
def reviewer(engine: Engine, session: Session) -> User:
    made = make_users(engine, ("reviewer",))
    user = session.get(User, made["reviewer"].id)
    assert user is not None
    return user


def _fail(session: Session, n: int, *, username: str = "reviewer", addr: str = "10.0.0.1") -> None:
    for _ in range(n):
        result = auth.login(session=session, username=username, password="wrong", client_addr=addr)
        assert result.status is LoginStatus.BAD_CREDENTIALS


def test_success_creates_a_session_and_audits(session: Session, reviewer: User) -> None:
    result = auth.login(
        session=session, username="Reviewer", password=PASSWORD, client_addr="1.2.3.4"
    )
    assert result.ok and result.token and result.user is reviewer
    assert reviewer.last_login_at is not None
    web, user = auth.resolve_session(session=session, token=result.token) or (None, None)
    assert user is reviewer and web is not None and web.client_addr == "1.2.3.4"
    assert web.token_hash == auth.token_hash(result.token) != result.token
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert last is not None
    assert (last.actor, last.action, last.detail) == (
        "reviewer",
        "login.success",
        {"client_addr": "1.2.3.4"},
    )


def test_failed_and_unknown_logins_are_audited(session: Session, reviewer: User) -> None:
    _fail(session, 1)
    result = auth.login(session=session, username="nobody", password=PASSWORD)
    assert result.status is LoginStatus.BAD_CREDENTIALS and result.token is None
    rows = session.execute(
        select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject_id)
        .where(AuditEntry.action == "login.failed")
        .order_by(AuditEntry.seq)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("anonymous", "login.failed", "reviewer"),
        ("anonymous", "login.failed", "nobody"),
    ]


def test_five_failures_lock_the_username_even_for_the_right_password(
    session: Session, reviewer: User
) -> None:
    _fail(session, 4)
    assert not auth.is_locked(session=session, username="reviewer", client_addr="", now=utcnow())
    _fail(session, 1)
    locked = auth.login(
        session=session, username="reviewer", password=PASSWORD, client_addr="9.9.9.9"
    )
    assert locked.status is LoginStatus.LOCKED and locked.token is None
    # The lock ends when the 15-minute window has passed.
    later = utcnow() + timedelta(minutes=16)
    assert auth.login(session=session, username="reviewer", password=PASSWORD, now=later).ok


def test_a_success_clears_the_username_count(session: Session, reviewer: User) -> None:
    _fail(session, 4)
    assert auth.login(session=session, username="reviewer", password=PASSWORD).ok
    _fail(session, 4)
    assert auth.login(session=session, username="reviewer", password=PASSWORD).ok


def test_one_address_guessing_many_usernames_is_locked(
    session: Session, reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANTAU_REVIEW__LOGIN_MAX_FAILURES_PER_ADDRESS", "6")
    reset_settings()
    for i in range(6):
        _fail(session, 1, username=f"guess{i}", addr="203.0.113.7")
    blocked = auth.login(
        session=session, username="reviewer", password=PASSWORD, client_addr="203.0.113.7"
    )
    assert blocked.status is LoginStatus.LOCKED
    other = auth.login(
        session=session, username="reviewer", password=PASSWORD, client_addr="198.51.100.1"
    )
    assert other.ok


def test_session_idle_expiry_slides_and_absolute_limit_holds(
    session: Session, reviewer: User
) -> None:
    start = utcnow()
    token = auth.create_session(session=session, user=reviewer, now=start)
    # 50 minutes idle: still valid (60-minute default), and the expiry slides forward.
    assert auth.resolve_session(session=session, token=token, now=start + timedelta(minutes=50))
    assert auth.resolve_session(session=session, token=token, now=start + timedelta(minutes=100))
    # 61 minutes after the last use: expired.
    assert (
        auth.resolve_session(session=session, token=token, now=start + timedelta(minutes=161))
        is None
    )
    token2 = auth.create_session(session=session, user=reviewer, now=start)
    for minutes in range(50, 12 * 60, 50):
        assert auth.resolve_session(
            session=session, token=token2, now=start + timedelta(minutes=minutes)
        )
    assert (
        auth.resolve_session(session=session, token=token2, now=start + timedelta(hours=12)) is None
    )


def test_logout_revokes(session: Session, reviewer: User) -> None:
    token = auth.create_session(session=session, user=reviewer)
    assert auth.logout(session=session, token=token)
    assert auth.resolve_session(session=session, token=token) is None
    assert not auth.logout(session=session, token=token)
    assert auth.resolve_session(session=session, token="") is None
    assert auth.resolve_session(session=session, token="forged") is None
