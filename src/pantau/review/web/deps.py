"""Request dependencies as named ``Annotated`` aliases: ``SessionDep``, ``CurrentUser``,
``OptionalUser``, and the guards :func:`require_permission` / :func:`require_role`.

A route declares who may reach it with its parameter type::

    @router.get("/queue")
    def queue(user: Annotated[User, require_permission(Permission.QUEUE_VIEW)], ...): ...

Not signed in: :class:`LoginRequired` (answered with a redirect to ``/login``). Signed in but not
allowed: :class:`~pantau.errors.PermissionDenied` (answered 403). Service functions check the
same permissions again, so a route that forgets still cannot act.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.errors import PermissionDenied
from pantau.review.auth import resolve_session
from pantau.review.models import User
from pantau.review.permissions import Permission, require
from pantau.review.web.security import SESSION_COOKIE
from pantau.store.db import session_scope


@dataclass(frozen=True)
class Viewer:
    """A plain snapshot of the signed-in user for pages and error handlers: it stays readable
    after the request's transaction was rolled back (ORM objects are expired then)."""

    id: int
    username: str
    display_name: str
    role: str


class LoginRequired(Exception):
    """The request needs a signed-in user (answered with a redirect to the login page)."""


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error.

    Used with ``scope="function"`` so the commit happens BEFORE the response is sent: with
    FastAPI's default scope the exit code runs after sending, and a browser following a
    POST's redirect could read the page before the POST's writes are committed.
    """
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def optional_user(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    resolved = resolve_session(session=session, token=token) if token else None
    if resolved is None:
        return None
    web, user = resolved
    request.state.user = user
    request.state.viewer = Viewer(user.id, user.username, user.display_name, user.role)
    request.state.web_session = web
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def current_user(user: OptionalUser) -> User:
    if user is None:
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_permission(*permissions: Permission) -> Any:
    """A dependency (use inside ``Annotated[User, ...]``) that needs every given permission."""

    def guard(user: CurrentUser) -> User:
        for permission in permissions:
            require(user, permission)
        return user

    return Depends(guard)


def require_role(*roles: str) -> Any:
    """A dependency that needs one of ``roles`` (prefer :func:`require_permission`)."""

    def guard(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied(
                f"{user.username} (role {user.role}) is not {' or '.join(roles)}"
            )
        return user

    return Depends(guard)


def client_addr(request: Request) -> str:
    return request.client.host if request.client else ""
