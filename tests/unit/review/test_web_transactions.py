"""The web app commits a request's transaction before its response is sent.

FastAPI runs a ``yield`` dependency's exit code after sending the response unless the
dependency is declared with ``scope="function"``; then a browser that follows a POST's redirect
can load the next page before the POST's writes are committed (seen as a flaky export page).
"""

from __future__ import annotations

import typing

from fastapi.params import Depends

from pantau.review.api.deps import ApiSession
from pantau.review.web.deps import SessionDep, get_db


def _depends(alias: object) -> Depends:
    marker = next(m for m in typing.get_args(alias)[1:] if isinstance(m, Depends))
    return marker


def test_the_web_session_commits_before_the_response_is_sent() -> None:
    marker = _depends(SessionDep)
    assert marker.dependency is get_db
    assert marker.scope == "function"


def test_the_api_session_commits_before_the_response_is_sent() -> None:
    assert _depends(ApiSession).scope == "function"
