"""Users: argon2 password hashing, adding, disabling and listing (all audited)."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pantau.config import get_settings
from pantau.errors import InputRejected, ReviewError, RowError
from pantau.review import audit
from pantau.review.models import ROLES, User, WebSession
from pantau.review.permissions import Permission, Principal, require
from pantau.store.db import utcnow

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # argon2id with the library's (RFC 9106 low-memory) defaults.
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _reject(field: str, value: str, reason: str) -> InputRejected:
    return InputRejected(
        "user not added",
        [RowError(file="<input>", row=1, column=field, value=value, reason=reason)],
    )


def _validate(username: str, role: str, password: str) -> None:
    errors: list[RowError] = []
    if not USERNAME_RE.match(username):
        errors.append(
            RowError(
                "<input>",
                1,
                "username",
                username,
                "2-64 characters: lower-case letters, digits, '.', '_' or '-'",
            )
        )
    if role not in ROLES:
        errors.append(RowError("<input>", 1, "role", role, f"must be one of {', '.join(ROLES)}"))
    minimum = get_settings().review.password_min_length
    if len(password) < minimum:
        errors.append(
            RowError("<input>", 1, "password", "***", f"must be at least {minimum} characters")
        )
    if errors:
        raise InputRejected("user not added", errors)


def get_user(*, session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def add_user(
    *,
    session: Session,
    actor: Principal,
    username: str,
    role: str,
    password: str,
    display_name: str = "",
) -> User:
    """Create a user (needs users.manage); refuses a taken name, unknown role, short password."""
    require(actor, Permission.USERS_MANAGE)
    username = username.strip().lower()
    _validate(username, role, password)
    if get_user(session=session, username=username) is not None:
        raise _reject("username", username, "already exists")
    user = User(
        username=username,
        display_name=display_name.strip()[:200],
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.add",
        subject_type="user",
        subject_id=username,
        detail={"role": role, "display_name": user.display_name},
    )
    return user


def _set_active(*, session: Session, actor: Principal, username: str, active: bool) -> User:
    require(actor, Permission.USERS_MANAGE)
    user = get_user(session=session, username=username.strip().lower())
    if user is None:
        raise ReviewError(f"no user named {username!r}")
    if not active and isinstance(actor, User) and actor.id == user.id:
        raise ReviewError("you cannot disable your own account")
    user.active = active
    if not active:
        # Disabling ends every session at once, not at their expiry.
        session.execute(
            update(WebSession)
            .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record(
        session=session,
        actor=actor,
        action="user.enable" if active else "user.disable",
        subject_type="user",
        subject_id=user.username,
        detail={},
    )
    return user


def disable_user(*, session: Session, actor: Principal, username: str) -> User:
    """Disable a user and revoke their sessions (needs users.manage)."""
    return _set_active(session=session, actor=actor, username=username, active=False)


def enable_user(*, session: Session, actor: Principal, username: str) -> User:
    return _set_active(session=session, actor=actor, username=username, active=True)


def list_users(*, session: Session, actor: Principal) -> list[User]:
    require(actor, Permission.USERS_VIEW)
    return list(session.execute(select(User).order_by(User.username)).scalars())


def count_users(*, session: Session, active_only: bool = True) -> int:
    stmt = select(func.count()).select_from(User)
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return int(session.execute(stmt).scalar_one())
