"""Users administration: list (admin, auditor), add, disable, enable (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from pantau.errors import InputRejected, PermissionDenied, ReviewError
from pantau.review import users
from pantau.review.models import ROLES, User
from pantau.review.permissions import Permission
from pantau.review.web.deps import SessionDep, require_permission
from pantau.review.web.templating import render

router = APIRouter(prefix="/users")
Viewer = Annotated[User, require_permission(Permission.USERS_VIEW)]
Admin = Annotated[User, require_permission(Permission.USERS_MANAGE)]


def _page(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    listing = users.list_users(session=session, actor=user)
    context = {"users": listing, "roles": ROLES, "errors": errors or [], "form": form or {}}
    return render(request, "users.html", context, status_code=status_code)


@router.get("")
def list_page(request: Request, session: SessionDep, user: Viewer) -> Response:
    return _page(request, session, user)


@router.post("")
def add(
    request: Request,
    session: SessionDep,
    user: Admin,
    username: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    display_name: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    try:
        users.add_user(
            session=session,
            actor=user,
            username=username,
            role=role,
            password=password,
            display_name=display_name,
        )
    except InputRejected as exc:
        session.rollback()
        errors = [f"{e.column}: {e.reason}" for e in exc.errors] or [exc.message]
        form = {"username": username, "role": role, "display_name": display_name}
        return _page(request, session, user, errors=errors, status_code=400, form=form)
    return RedirectResponse("/users", status_code=303)


def _toggle(request: Request, session: SessionDep, user: User, name: str, active: bool) -> Response:
    try:
        if active:
            users.enable_user(session=session, actor=user, username=name)
        else:
            users.disable_user(session=session, actor=user, username=name)
    except ReviewError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        session.rollback()
        return _page(request, session, user, errors=[str(exc)], status_code=400)
    return RedirectResponse("/users", status_code=303)


@router.post("/{username}/disable")
def disable(request: Request, session: SessionDep, user: Admin, username: str) -> Response:
    return _toggle(request, session, user, username, active=False)


@router.post("/{username}/enable")
def enable(request: Request, session: SessionDep, user: Admin, username: str) -> Response:
    return _toggle(request, session, user, username, active=True)
