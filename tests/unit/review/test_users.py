"""Users: argon2 hashing, adding with validation, disabling (sessions end), all audited."""

from __future__ import annotations

import pytest
from argon2 import Type
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.errors import InputRejected, PermissionDenied, ReviewError
from pantau.review import auth, users
from pantau.review.models import AuditEntry, User
from tests.support.review_app import OPERATOR, PASSWORD, make_users

REAL_HASHER = users._hasher  # captured before the autouse fixture swaps in a cheap one


def test_hash_is_salted_argon2id_and_verifies_only_the_password() -> None:
    first = users.hash_password("rahasia-sekali-123")
    second = users.hash_password("rahasia-sekali-123")
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert "rahasia" not in first
    assert users.verify_password(first, "rahasia-sekali-123")
    assert users.verify_password(second, "rahasia-sekali-123")
    assert not users.verify_password(first, "rahasia-sekali-124")
    assert not users.verify_password("not-a-hash", "rahasia-sekali-123")


def test_add_user_stores_a_hash_and_audits(session: Session) -> None:
    user = users.add_user(
        session=session,
        actor=OPERATOR,
        username="  Siti.R ",
        role="reviewer",
        password="panjang-sekali-1",
        display_name="Siti R.",
    )
    assert (user.username, user.role, user.active) == ("siti.r", "reviewer", True)
    assert users.verify_password(user.password_hash, "panjang-sekali-1")
    entry = session.execute(select(AuditEntry)).scalar_one()
    assert (entry.actor, entry.action, entry.subject_id) == ("cli:test", "user.add", "siti.r")
    assert entry.detail == {"role": "reviewer", "display_name": "Siti R."}
    assert "panjang" not in str(entry.detail)


def test_add_user_reports_every_bad_field(session: Session) -> None:
    with pytest.raises(InputRejected) as caught:
        users.add_user(
            session=session, actor=OPERATOR, username="a b", role="boss", password="short"
        )
    columns = [e.column for e in caught.value.errors]
    assert columns == ["username", "role", "password"]
    assert session.execute(select(User)).first() is None


def test_duplicate_username_is_refused(session: Session) -> None:
    users.add_user(
        session=session, actor=OPERATOR, username="budi", role="admin", password=PASSWORD
    )
    with pytest.raises(InputRejected, match="already exists"):
        users.add_user(
            session=session, actor=OPERATOR, username="BUDI", role="auditor", password=PASSWORD
        )


def test_only_admins_add_or_disable(engine: Engine, session: Session) -> None:
    made = make_users(engine, ("admin", "reviewer", "auditor"))
    reviewer = session.get(User, made["reviewer"].id)
    auditor = session.get(User, made["auditor"].id)
    assert reviewer is not None and auditor is not None
    for actor in (reviewer, auditor):
        with pytest.raises(PermissionDenied):
            users.add_user(
                session=session, actor=actor, username="x1", role="admin", password=PASSWORD
            )
        with pytest.raises(PermissionDenied):
            users.disable_user(session=session, actor=actor, username="admin")
    assert [u.username for u in users.list_users(session=session, actor=auditor)] == [
        "admin",
        "auditor",
        "reviewer",
    ]
    with pytest.raises(PermissionDenied):
        users.list_users(session=session, actor=reviewer)


def test_disable_revokes_sessions_and_blocks_login(engine: Engine, session: Session) -> None:
    made = make_users(engine, ("admin", "reviewer"))
    reviewer = session.get(User, made["reviewer"].id)
    admin = session.get(User, made["admin"].id)
    assert reviewer is not None and admin is not None
    token = auth.create_session(session=session, user=reviewer)
    assert auth.resolve_session(session=session, token=token) is not None
    users.disable_user(session=session, actor=admin, username="reviewer")
    assert auth.resolve_session(session=session, token=token) is None
    result = auth.login(session=session, username="reviewer", password=PASSWORD)
    assert result.status is auth.LoginStatus.DISABLED
    with pytest.raises(ReviewError, match="your own account"):
        users.disable_user(session=session, actor=admin, username="admin")
    users.enable_user(session=session, actor=admin, username="reviewer")
    assert auth.login(session=session, username="reviewer", password=PASSWORD).ok
    actions = session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert actions[-4:] == ["user.disable", "login.failed", "user.enable", "login.success"]


def test_production_hasher_uses_argon2id_with_a_real_cost() -> None:
    hasher = REAL_HASHER()
    # OWASP's argon2id floor: 19 MiB memory, 2 iterations.
    assert hasher.type is Type.ID
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024
