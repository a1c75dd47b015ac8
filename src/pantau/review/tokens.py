"""API tokens: create, list, revoke, and check a presented bearer token.

A token reads ``pnt_<43 url-safe characters>`` (256 random bits). It is shown once, when
created; the database keeps its SHA-256 and a short prefix. Tokens are only issued to active
users whose role the API serves (:data:`API_ROLES`: auditor and referral officer, both
read-only towards the data the API returns), always with an expiry. Creating and revoking need
``users.manage`` and are audited; listing needs ``users.view``.

:func:`authenticate` never raises for a bad token: it returns a :class:`TokenCheck` whose
``reason`` says why the token was refused (missing, malformed, unknown, revoked, expired,
user disabled, role not served), so the API can answer 401/403 and audit the reason.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pantau.errors import InputRejected, RowError
from pantau.review import audit
from pantau.review.models import User
from pantau.review.permissions import Permission, Principal, actor_name, require
from pantau.review.tokens_models import ApiToken
from pantau.store.db import utcnow

TOKEN_PREFIX = "pnt_"  # noqa: S105 - the public prefix of every token, not a secret
PREFIX_SHOWN = 8
API_ROLES: tuple[str, ...] = ("auditor", "referral_officer")
MAX_DAYS = 365
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is the only copy of the token itself (show it once)."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of :func:`authenticate`: a user, or the reason the token was refused.

    ``status`` is the HTTP status the API answers with: 401 for no usable token, 403 for a
    valid token whose user's role the API does not serve (any more).
    """

    user: User | None
    token: ApiToken | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.reason

    @property
    def status(self) -> int:
        return 200 if self.ok else 403 if self.reason == "role not served" else 401


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _reject(field: str, value: str, reason: str) -> InputRejected:
    return InputRejected("API token refused", [RowError("token", 0, field, value, reason)])


def create_token(
    *,
    session: Session,
    actor: Principal,
    username: str,
    expires_days: int = DEFAULT_DAYS,
    name: str = "",
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a token for ``username`` valid for ``expires_days`` days (1..365); audited."""
    require(actor, Permission.USERS_MANAGE)
    if not 1 <= expires_days <= MAX_DAYS:
        raise _reject("expires_days", str(expires_days), f"must be between 1 and {MAX_DAYS}")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise _reject("user", username, "no such user")
    if not user.active:
        raise _reject("user", username, "the user is disabled")
    if user.role not in API_ROLES:
        raise _reject(
            "user",
            username,
            f"role {user.role} has no API access (only {', '.join(API_ROLES)})",
        )
    now = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(secret),
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_SHOWN],
        name=name.strip()[:100],
        created_at=now,
        created_by=actor_name(actor)[:100],
        expires_at=now + timedelta(days=expires_days),
    )
    session.add(token)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="api_token.create",
        subject_type="api_token",
        subject_id=token.id,
        detail={
            "user": user.username,
            "role": user.role,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return IssuedToken(token, secret)


def list_tokens(
    *, session: Session, actor: Principal, include_inactive: bool = False
) -> list[tuple[ApiToken, User]]:
    """Tokens with their users, newest first (revoked and expired ones only if asked)."""
    require(actor, Permission.USERS_VIEW)
    stmt = (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if not include_inactive:
        stmt = stmt.where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
    return [(t, u) for t, u in session.execute(stmt)]


def revoke_token(
    *, session: Session, actor: Principal, token_id: int, now: datetime | None = None
) -> ApiToken:
    """Revoke a token at once (the next request with it is refused); audited."""
    require(actor, Permission.USERS_MANAGE)
    token = session.get(ApiToken, token_id)
    if token is None:
        raise _reject("id", str(token_id), "no such token")
    if token.revoked_at is not None:
        raise _reject("id", str(token_id), f"already revoked at {token.revoked_at.isoformat()}")
    token.revoked_at = now or utcnow()
    token.revoked_by = actor_name(actor)[:100]
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="api_token.revoke",
        subject_type="api_token",
        subject_id=token.id,
        detail={"prefix": token.prefix},
    )
    return token


def authenticate(*, session: Session, secret: str, now: datetime | None = None) -> TokenCheck:
    """Check a presented token; on success its ``last_used_at`` is updated (same transaction)."""
    if not secret:
        return TokenCheck(None, None, "no token")
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return TokenCheck(None, None, "malformed token")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None:
        return TokenCheck(None, None, "unknown token")
    now = now or utcnow()
    user = session.get(User, token.user_id)
    reason = ""
    if token.revoked_at is not None:
        reason = "revoked token"
    elif token.expires_at <= now:
        reason = "expired token"
    elif user is None or not user.active:
        reason = "user disabled"
    elif user.role not in API_ROLES:
        reason = "role not served"
    if reason:
        return TokenCheck(user, token, reason)
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return TokenCheck(user, token)
