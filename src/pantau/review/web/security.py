"""Cookies, CSRF tokens and security headers.

CSRF: a token is the HMAC (application secret) of a cookie the browser holds: the session
cookie once signed in, before that a random ``pantau_csrf`` cookie (signed double submit). Both
cookies are HttpOnly, so a page on another site can neither read them nor compute the token.
Every unsafe request (POST, PUT, PATCH, DELETE) to any route must carry the token in the form
field ``csrf_token`` or the ``X-CSRF-Token`` header; :func:`csrf_protect` is installed as an
app-wide dependency, so routes added later are covered without doing anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pantau.config import Settings

SESSION_COOKIE = "pantau_session"
CSRF_COOKIE = "pantau_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class CsrfRejected(Exception):
    """An unsafe request without a valid CSRF token (answered 403)."""


def csrf_token_for(secret: str, cookie_value: str) -> str:
    mac = hmac.new(secret.encode(), b"csrf\x00" + cookie_value.encode(), hashlib.sha256)
    return mac.hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def cookie_secure(settings: Settings, request: Request) -> bool:
    """Secure cookies unless configured off, or auto on plain http in development mode."""
    configured = settings.review.cookie_secure
    if configured is not None:
        return configured
    return request.url.scheme == "https" or settings.mode != "development"


def set_cookie(
    response: Response, request: Request, settings: Settings, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=cookie_secure(settings, request),
        httponly=True,
        samesite="strict" if name == CSRF_COOKIE else "lax",
    )


def valid_csrf(secret: str, request: Request, supplied: str) -> bool:
    if not supplied:
        return False
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        value = request.cookies.get(name)
        if value and hmac.compare_digest(csrf_token_for(secret, value), supplied):
            return True
    return False


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse an unsafe request whose CSRF token is missing or wrong."""
    if request.method not in UNSAFE_METHODS:
        return
    supplied = request.headers.get(CSRF_HEADER, "")
    if not supplied:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else ""
    settings: Settings = request.app.state.settings
    if not valid_csrf(settings.secret, request, supplied):
        raise CsrfRejected()


class SecurityHeadersMiddleware:
    """Adds CSP, frame, sniffing and referrer headers (and no-store for pages) to responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if not is_static and b"cache-control" not in present:
                    # Pages carry personal data: never keep them in a shared or disk cache.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
