"""Jinja2 rendering with autoescape on, plus what every page needs (user, navigation, CSRF).

Scraped text (posts, handles, names) is hostile: templates never mark it safe, and no user
data is ever used as template source, so ``{{7*7}}`` in a name is shown as those characters.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pantau.config import Settings
from pantau.review.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Permission
from pantau.review.web.deps import Viewer
from pantau.review.web.nav import visible_nav
from pantau.review.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    csrf_token_for,
    new_nonce,
    set_cookie,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CSRF_COOKIE_MAX_AGE = 12 * 3600
TIME_PARTS = {"all": "%Y-%m-%d %H:%M:%S %Z", "date": "%Y-%m-%d", "time": "%H:%M:%S %Z"}


def make_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    zone = settings.tz

    def local_time(value: datetime | None, part: str = "all") -> str:
        """``value`` in the configured zone: date, time and zone, or only the ``date`` or the
        ``time`` (with the zone) where a narrow column shows them on two lines."""
        if value is None:
            return "-"
        return value.astimezone(zone).strftime(TIME_PARTS[part])

    env.filters["local_time"] = local_time
    env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the signed-in user, their navigation and a CSRF token."""
    settings: Settings = request.app.state.settings
    env: Environment = request.app.state.templates
    user: Viewer | None = getattr(request.state, "viewer", None)
    new_csrf_cookie: str | None = None
    if user is not None and request.cookies.get(SESSION_COOKIE):
        binding = request.cookies[SESSION_COOKIE]
    elif request.cookies.get(CSRF_COOKIE):
        binding = request.cookies[CSRF_COOKIE]
    else:
        binding = new_csrf_cookie = new_nonce()
    values: dict[str, Any] = {
        "request": request,
        "user": user,
        "nav": visible_nav(user.role) if user is not None else [],
        "csrf_token": csrf_token_for(settings.secret, binding),
        "can": (lambda p: user is not None and Permission(p) in ROLE_PERMISSIONS[user.role]),
        "current_path": request.url.path,
    }
    values.update(context or {})
    html = env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    if new_csrf_cookie is not None:
        set_cookie(response, request, settings, CSRF_COOKIE, new_csrf_cookie, CSRF_COOKIE_MAX_AGE)
    return response
