"""Signing in and out: throttled password login, server-side sessions, all audited.

Throttle: more than ``review.login_max_failures`` wrong passwords for one username, or
``review.login_max_failures_per_address`` from one client address, within
``review.login_lock_minutes`` locks further attempts (even with the right password) until the
window has passed. A success clears the username's count. Every attempt, failed or locked too,
is an audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.config import get_settings
from pantau.review import audit
from pantau.review.models import LoginAttempt, User, WebSession
from pantau.review.users import get_user, hash_password, needs_rehash, verify_password
from pantau.store.db import utcnow

# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH: list[str] = []


class LoginStatus(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    DISABLED = "disabled"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    user: User | None = None
    token: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is LoginStatus.OK


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _failures(session: Session, since: datetime, *, username: str | None, addr: str | None) -> int:
    stmt = select(func.count()).where(
        LoginAttempt.at >= since,
        LoginAttempt.success.is_(False),
        LoginAttempt.reason.in_((LoginStatus.BAD_CREDENTIALS.value, LoginStatus.DISABLED.value)),
    )
    if username is not None:
        last_ok = session.execute(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.username == username, LoginAttempt.success.is_(True)
            )
        ).scalar_one()
        if last_ok is not None and last_ok > since:
            stmt = stmt.where(LoginAttempt.at > last_ok)
        stmt = stmt.where(LoginAttempt.username == username)
    if addr is not None:
        stmt = stmt.where(LoginAttempt.client_addr == addr)
    return int(session.execute(stmt).scalar_one())


def is_locked(*, session: Session, username: str, client_addr: str, now: datetime) -> bool:
    cfg = get_settings().review
    since = now - timedelta(minutes=cfg.login_lock_minutes)
    if _failures(session, since, username=username, addr=None) >= cfg.login_max_failures:
        return True
    per_addr = cfg.login_max_failures_per_address
    return bool(client_addr) and _failures(session, since, username=None, addr=client_addr) >= (
        per_addr
    )


def _check_password(user: User | None, password: str) -> bool:
    if user is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_hex(16)))
        verify_password(_DUMMY_HASH[0], password)
        return False
    return verify_password(user.password_hash, password)


def login(
    *,
    session: Session,
    username: str,
    password: str,
    client_addr: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> LoginResult:
    """Check a password login; on success create a session and return its (raw) token."""
    now = now or utcnow()
    name = username.strip().lower()[:64]
    addr = client_addr[:64]
    if is_locked(session=session, username=name, client_addr=addr, now=now):
        status = LoginStatus.LOCKED
        user = None
    else:
        user = get_user(session=session, username=name)
        if not _check_password(user, password):
            status = LoginStatus.BAD_CREDENTIALS
        elif user is not None and not user.active:
            status = LoginStatus.DISABLED
        else:
            status = LoginStatus.OK
    session.add(
        LoginAttempt(
            username=name,
            client_addr=addr,
            at=now,
            success=status is LoginStatus.OK,
            reason=status.value,
        )
    )
    if status is not LoginStatus.OK or user is None:
        audit.record(
            session=session,
            actor="anonymous",
            action="login.failed",
            subject_type="user",
            subject_id=name,
            detail={"reason": status.value, "client_addr": addr},
        )
        return LoginResult(status)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    token = create_session(
        session=session, user=user, client_addr=addr, user_agent=user_agent, now=now
    )
    audit.record(
        session=session,
        actor=user,
        action="login.success",
        subject_type="user",
        subject_id=user.username,
        detail={"client_addr": addr},
    )
    return LoginResult(status, user=user, token=token)


def create_session(
    *,
    session: Session,
    user: User,
    client_addr: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> str:
    """Create a web session for ``user`` and return the raw token (for the cookie only)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(minutes=get_settings().review.session_minutes),
            client_addr=client_addr[:64],
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    return token


def resolve_session(
    *, session: Session, token: str, now: datetime | None = None
) -> tuple[WebSession, User] | None:
    """The live session and its active user for a cookie token, sliding its idle expiry."""
    if not token:
        return None
    now = now or utcnow()
    web = session.execute(
        select(WebSession).where(WebSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if web is None or web.revoked_at is not None or web.expires_at <= now:
        return None
    cfg = get_settings().review
    if web.created_at + timedelta(hours=cfg.session_max_hours) <= now:
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active:
        return None
    # Slide the idle expiry, but write at most about once a minute per session.
    if now - web.last_seen_at >= timedelta(seconds=60):
        web.last_seen_at = now
        web.expires_at = now + timedelta(minutes=cfg.session_minutes)
    return web, user


def logout(*, session: Session, token: str) -> bool:
    """Revoke the session for ``token``; True if there was a live one."""
    resolved = resolve_session(session=session, token=token)
    if resolved is None:
        return False
    web, user = resolved
    web.revoked_at = utcnow()
    audit.record(
        session=session,
        actor=user,
        action="logout",
        subject_type="user",
        subject_id=user.username,
        detail={},
    )
    return True


def count_live_sessions(*, session: Session) -> int:
    now = utcnow()
    stmt = (
        select(func.count())
        .select_from(WebSession)
        .where(WebSession.revoked_at.is_(None), WebSession.expires_at > now)
    )
    return int(session.execute(stmt).scalar_one())
