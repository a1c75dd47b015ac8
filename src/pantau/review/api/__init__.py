"""The read-only JSON API, mounted by the review app at ``/api/v1`` (docs/api.md).

A FastAPI application of its own, so that it answers in JSON (the pages answer in HTML),
publishes its OpenAPI schema at ``/api/v1/openapi.json`` and needs no CSRF token (it has no
state-changing routes: every route is a GET). Callers authenticate with bearer tokens
(:mod:`pantau.review.tokens`) of users whose role is auditor or referral officer; every call,
served or refused, is an audit entry (:mod:`pantau.review.api.deps`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from pantau.config import Settings
from pantau.errors import EvidenceError, InputRejected, PermissionDenied, ReviewError
from pantau.review import audit
from pantau.review.api.deps import ApiRefused, audit_refusal, call_name
from pantau.store.db import session_scope

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"
HTTP_ERRORS = {404: "not_found", 405: "method_not_allowed"}


def create_api(settings: Settings, *, engine: Engine) -> FastAPI:
    """The API application (mount it at :data:`API_PREFIX`)."""
    from pantau.review.api.routes import router

    api = FastAPI(
        title="pantau API",
        version=API_VERSION,
        description="Read-only access to flags, referrals and sweep summaries for auditors "
        "and referral officers. Bearer tokens: `pantau token create USER`. Every call is "
        "recorded in the audit trail.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by :func:`_schema` below, which audits the read
        servers=[{"url": API_PREFIX}],
    )
    api.state.settings = settings
    api.state.engine = engine
    api.include_router(router)
    _install_error_handlers(api)

    @api.get("/openapi.json", include_in_schema=False)
    def _schema(request: Request) -> JSONResponse:
        """The OpenAPI schema: public (it holds no data), and still an audited call."""
        with session_scope(request.app.state.engine) as session:
            audit.record(
                session=session,
                actor="anonymous",
                action="api.call",
                subject_type="api",
                subject_id=call_name(request),
            )
        return JSONResponse(api.openapi())

    return api


def _answer(request: Request, status: int, error: str, detail: str) -> Response:
    audit_refusal(request, status, error, detail)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body: dict[str, Any] = {"error": error, "detail": detail}
    return JSONResponse(body, status_code=status, headers=headers)


def _install_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(ApiRefused)
    async def _refused(request: Request, exc: ApiRefused) -> Response:
        return _answer(request, exc.status, exc.error, exc.detail)

    @api.exception_handler(PermissionDenied)
    async def _forbidden(request: Request, exc: PermissionDenied) -> Response:
        return _answer(request, 403, "forbidden", str(exc))

    @api.exception_handler(ReviewError)
    async def _missing(request: Request, exc: ReviewError) -> Response:
        # Read-only routes meet ReviewError only for an item that does not exist.
        return _answer(request, 404, "not_found", str(exc))

    @api.exception_handler(InputRejected)
    async def _bad_input(request: Request, exc: InputRejected) -> Response:
        return _answer(request, 400, "bad_request", str(exc))

    @api.exception_handler(EvidenceError)
    async def _evidence(request: Request, exc: EvidenceError) -> Response:
        return _answer(request, 409, "evidence_problem", str(exc))

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
        return _answer(request, 422, "invalid_parameter", f"invalid: {', '.join(fields)}"[:300])

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        error = HTTP_ERRORS.get(exc.status_code, "http_error")
        return _answer(request, exc.status_code, error, str(exc.detail))
