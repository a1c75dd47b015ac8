"""API tokens: bearer tokens for the read-only JSON API (``/api/v1``).

Only the SHA-256 of a token is stored (a token is 256 random bits, so a plain hash is enough
and a database read yields no usable token); ``prefix`` (the first characters of the secret
part) lets people tell their tokens apart in ``pantau token list``. A token belongs to one user
and acts with that user's role, which must be one the API serves (auditor, referral officer);
it expires and can be revoked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pantau.store.db import Base, UTCDateTime, utcnow


class ApiToken(Base):
    """One bearer token of one user."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_by: Mapped[str] = mapped_column(String(100), default="")
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
