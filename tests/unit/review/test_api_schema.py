"""Schemathesis against the API's own OpenAPI schema, in process (ASGI), a bounded number of
generated requests per operation: no server errors, and every answer matches the schema
(status codes, content type, body, headers). Runs twice: with a valid auditor token (so the
generated parameters reach the database) and without one (refusals must be documented too)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine, func, select

from pantau.review.models import AuditEntry
from pantau.review.tokens import create_token
from pantau.store.db import session_scope
from tests.support.referral_world import seed_web_referrals
from tests.support.review_app import OPERATOR, app_for, make_users
from tests.support.review_flags import seed_review_flag

EXAMPLES = 25  # per operation: bounded, and deterministic (derandomize)
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)


def _api_entries(engine: Engine) -> int:
    with session_scope(engine) as s:
        stmt = select(func.count()).select_from(AuditEntry)
        return int(s.scalar(stmt.where(AuditEntry.action.in_(("api.call", "api.refused")))) or 0)


@pytest.mark.slow
@pytest.mark.parametrize("authorised", [True, False], ids=["auditor-token", "no-token"])
def test_schemathesis_finds_no_server_errors(engine: Engine, authorised: bool) -> None:
    make_users(engine, ("auditor", "reviewer", "referral_officer"))
    seed_review_flag(engine)
    seed_web_referrals(engine)
    with session_scope(engine) as s:
        secret = create_token(session=s, actor=OPERATOR, username="auditor").secret
    headers = {"Authorization": f"Bearer {secret}"} if authorised else {}
    app = app_for(engine)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls
            response = case.call(headers=headers)
            calls += 1
            case.validate_response(response, checks=CHECKS)
            if not authorised:
                assert response.status_code == 401, case.formatted_path

        run()
    assert calls >= len(operations)
    # every generated call left an audit entry (served or refused)
    assert _api_entries(engine) >= calls
