"""The API's request plumbing: one transaction per call, bearer-token callers, audited refusals.

Every call leaves one audit entry:

- a served call: ``api.call`` by the token's user, in the call's own transaction (with the
  views the call audits, e.g. a civil servant's record), so entry and answer commit together;
- a refused or failed call (no/invalid/revoked/expired token, a role the API does not serve, a
  bad parameter, an unknown flag): ``api.refused`` in a transaction of its own, written by the
  error handler after the call's transaction was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.review import audit
from pantau.review.models import User
from pantau.review.tokens import authenticate
from pantau.store.db import session_scope

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False, description="An API token from `pantau token create`.")


class ApiRefused(Exception):
    """A call the API answers with ``status`` and a JSON :class:`~.schemas.ApiError`."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


def api_db(request: Request) -> Iterator[Session]:
    """The call's transaction: committed when the route returns, BEFORE the answer is sent
    (``scope="function"``), so the refusal handler never waits on a lock this call holds."""
    with session_scope(request.app.state.engine) as session:
        yield session


ApiSession = Annotated[Session, Depends(api_db, scope="function")]


def api_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ApiSettings = Annotated[Settings, Depends(api_settings)]


def call_name(request: Request) -> str:
    return f"{request.method} {request.url.path}"[:128]


def api_caller(
    request: Request,
    session: ApiSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The token's user, or :class:`ApiRefused` (401 no usable token, 403 role not served)."""
    secret = credentials.credentials if credentials is not None else ""
    check = authenticate(session=session, secret=secret)
    if check.token is not None:
        request.state.api_token_id = check.token.id
    if check.user is not None:
        request.state.api_actor = check.user.username
    if not check.ok or check.user is None:
        error = "forbidden" if check.status == 403 else "unauthorized"
        raise ApiRefused(check.status, error, check.reason)
    audit.record(
        session=session,
        actor=check.user,
        action="api.call",
        subject_type="api",
        subject_id=call_name(request),
        detail={"token": check.token.id if check.token else None, "query": _query(request)},
    )
    return check.user


ApiCaller = Annotated[User, Depends(api_caller)]


def _query(request: Request) -> dict[str, Any]:
    # Bounded: a hostile query string must not bloat the audit trail.
    return {k[:40]: v[:200] for k, v in list(request.query_params.multi_items())[:20]}


def audit_refusal(request: Request, status: int, error: str, detail: str) -> None:
    """Record a refused or failed call in its own transaction (the call's was rolled back)."""
    actor = getattr(request.state, "api_actor", None) or "anonymous"
    try:
        with session_scope(request.app.state.engine) as session:
            audit.record(
                session=session,
                actor=actor,
                action="api.refused",
                subject_type="api",
                subject_id=call_name(request),
                detail={
                    "status": status,
                    "error": error,
                    "reason": detail[:300],
                    "token": getattr(request.state, "api_token_id", None),
                    "query": _query(request),
                },
            )
    except Exception:  # an audit failure must not turn a refusal into a 500
        log.exception("could not audit a refused API call")
