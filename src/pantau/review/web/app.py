"""The FastAPI application factory."""

from __future__ import annotations

import importlib
import logging
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from pantau.config import Settings, get_settings
from pantau.errors import PermissionDenied
from pantau.review import audit
from pantau.review.api import API_PREFIX, create_api
from pantau.review.web.deps import LoginRequired
from pantau.review.web.security import CsrfRejected, SecurityHeadersMiddleware, csrf_protect
from pantau.review.web.templating import TEMPLATES_DIR, make_environment, render
from pantau.store.db import make_engine, session_scope

STATIC_DIR = TEMPLATES_DIR.parent / "static"
log = logging.getLogger(__name__)

#: Router modules under ``pantau.review.web.routes``; each exposes ``router``. Add one line per
#: new area (the route x role matrix test then demands an expectation for each new route).
ROUTER_MODULES: tuple[str, ...] = (
    "auth",
    "home",
    "audit",
    "users",
    "queue",
    "flags",
    "referrals",
    "dashboard",
)

HTTP_TITLES = {404: "Halaman tidak ditemukan", 405: "Metode tidak diizinkan"}


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the review app for ``settings`` (default: :func:`get_settings`) and database."""
    settings = settings or get_settings()
    app = FastAPI(
        title="pantau review",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.db_url)
    app.state.templates = make_environment(settings)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.mount(API_PREFIX, create_api(settings, engine=app.state.engine))  # docs/api.md
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(f"pantau.review.web.routes.{name}").router)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        # Only a page can be returned to after signing in; a form post starts over at home.
        target = request.url.path if request.method == "GET" else "/"
        if request.url.query and request.method == "GET":
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def _forbidden(request: Request, exc: PermissionDenied) -> Response:
        _audit_denied(request, str(exc))
        return render(
            request,
            "error.html",
            {"title": "Akses ditolak", "message": "Peran Anda tidak mengizinkan tindakan ini."},
            status_code=403,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = HTTP_TITLES.get(exc.status_code, "Permintaan tidak dapat diproses")
        return render(
            request,
            "error.html",
            {"title": title, "message": f"Kode {exc.status_code}."},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, _exc: RequestValidationError) -> Response:
        return render(
            request,
            "error.html",
            {"title": "Permintaan tidak sah", "message": "Isian atau parameter tidak sah."},
            status_code=400,
        )

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, _exc: CsrfRejected) -> Response:
        return render(
            request,
            "error.html",
            {
                "title": "Permintaan ditolak",
                "message": "Token keamanan formulir (CSRF) tidak ada atau tidak sah. "
                "Muat ulang halaman lalu coba lagi.",
            },
            status_code=403,
        )


def _audit_denied(request: Request, reason: str) -> None:
    """Record a refused access in its own transaction (the request's was rolled back)."""
    viewer = getattr(request.state, "viewer", None)
    try:
        with session_scope(request.app.state.engine) as session:
            audit.record(
                session=session,
                actor=viewer.username if viewer is not None else "anonymous",
                action="access.denied",
                subject_type="route",
                subject_id=f"{request.method} {request.url.path}"[:128],
                detail={"reason": reason},
            )
    except Exception:  # an audit failure must not turn a 403 into a 500
        log.exception("could not audit a denied access")
