"""Helpers shared by the per-platform route modules (``routes_<platform>.py``)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status,
        media_type="application/json",
    )


def query_json(request: Request, name: str = "variables") -> dict[str, Any]:
    try:
        value = json.loads(request.query_params.get(name) or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def query_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
