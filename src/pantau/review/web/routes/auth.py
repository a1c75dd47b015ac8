"""Login and logout pages, and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from pantau.review import auth
from pantau.review.auth import LoginStatus
from pantau.review.web.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep, client_addr
from pantau.review.web.security import CSRF_COOKIE, SESSION_COOKIE, set_cookie
from pantau.review.web.templating import render

router = APIRouter()

MESSAGES = {
    LoginStatus.BAD_CREDENTIALS: "Nama pengguna atau kata sandi salah.",
    LoginStatus.DISABLED: "Nama pengguna atau kata sandi salah.",
    LoginStatus.LOCKED: "Terlalu banyak percobaan gagal. Coba lagi nanti.",
}


def safe_next(target: str | None) -> str:
    """Only same-site paths: refuse absolute URLs and ``//host`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str = "/", keluar: int = 0) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"next": safe_next(next), "error": None, "logged_out": bool(keluar)}
    return render(request, "login.html", context)


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    result = auth.login(
        session=session,
        username=username,
        password=password,
        client_addr=client_addr(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    if not result.ok or result.token is None:
        status = 429 if result.status is LoginStatus.LOCKED else 401
        context = {"next": safe_next(next), "error": MESSAGES[result.status], "username": username}
        return render(request, "login.html", context, status_code=status)
    response = RedirectResponse(safe_next(next), status_code=303)
    max_age = settings.review.session_max_hours * 3600
    set_cookie(response, request, settings, SESSION_COOKIE, result.token, max_age)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, _user: CurrentUser) -> Response:
    auth.logout(session=session, token=request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login?keluar=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
