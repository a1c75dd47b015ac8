"""The JSON API: route x caller matrix (roles and bad tokens), every call audited, payloads.

Each API route needs an entry in ``API_EXPECTED``: a route added later without one fails
:func:`test_every_api_route_has_an_expectation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from pantau.review.models import ROLES, AuditEntry, User
from pantau.review.tokens import API_ROLES, create_token, hash_token
from pantau.review.tokens_models import ApiToken
from pantau.store.db import session_scope, utcnow
from pantau.sweep.models import Sweep
from tests.support.referral_world import seed_web_referrals
from tests.support.review_app import OPERATOR, app_for, make_users
from tests.support.review_flags import seed_review_flag

# Route -> concrete path called by the matrix (every API route serves auditor and referral
# officer alike; the services check the finer permissions again).
API_EXPECTED: dict[str, str] = {
    "/flags": "/api/v1/flags?status=open&status=referred&limit=5",
    "/flags/{flag_id}": "/api/v1/flags/2",
    "/referrals": "/api/v1/referrals",
    "/referrals/{referral_id}": "/api/v1/referrals/1",
    "/sweeps": "/api/v1/sweeps",
    "/sweeps/{sweep_id}": "/api/v1/sweeps/1",
}
SWEEP_SUMMARY = {
    "new_observations": 12,
    "new_flags": 3,
    "failed_accounts": [{"platform": "x", "handle": "budi", "reason": "blocked"}],
}


@dataclass
class ApiWorld:
    app: FastAPI
    engine: Engine
    users: dict[str, User]
    tokens: dict[str, str]  # caller name -> bearer secret


def _raw_token(engine: Engine, user: User, secret: str, **values: object) -> None:
    """A token row written directly: for roles the service refuses and for bad states."""
    with session_scope(engine) as s:
        fields: dict[str, object] = {"expires_at": utcnow() + timedelta(days=1), **values}
        s.add(
            ApiToken(
                user_id=user.id,
                token_hash=hash_token(secret),
                prefix=secret[4:12],
                created_by="test",
                **fields,
            )
        )


@pytest.fixture
def world(engine: Engine) -> ApiWorld:
    made = make_users(engine)
    assert seed_review_flag(engine, text="Ayo coblos <script>alert(1)</script> nomor 1") == 1
    assert seed_web_referrals(engine) == (2, 1, 3)
    with session_scope(engine) as s:
        s.add(Sweep(status="done", phase="done", summary=SWEEP_SUMMARY, finished_at=utcnow()))
    tokens: dict[str, str] = {}
    with session_scope(engine) as s:
        for role in API_ROLES:
            issued = create_token(session=s, actor=OPERATOR, username=role.split("_")[0])
            tokens[role] = issued.secret
    for role in set(ROLES) - set(API_ROLES):
        tokens[role] = f"pnt_{role}-token-made-behind-the-service-back-000000"
        _raw_token(engine, made[role], tokens[role])
    tokens["revoked"] = "pnt_revoked-token-000000000000000000000000000000"
    _raw_token(engine, made["auditor"], tokens["revoked"], revoked_at=utcnow())
    tokens["expired"] = "pnt_expired-token-000000000000000000000000000000"
    _raw_token(
        engine, made["auditor"], tokens["expired"], expires_at=utcnow() - timedelta(seconds=1)
    )
    tokens["unknown"] = "pnt_never-issued-00000000000000000000000000000000"
    tokens["malformed"] = "Zm9vOmJhcg=="
    tokens["none"] = ""
    return ApiWorld(app_for(engine), engine, made, tokens)


def _get(world: ApiWorld, path: str, caller: str) -> tuple[int, dict[str, object]]:
    client = TestClient(world.app, follow_redirects=False)
    secret = world.tokens[caller]
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = client.get(path, headers=headers)
    assert response.headers["content-type"].startswith("application/json"), path
    return response.status_code, response.json()


def _api_calls(engine: Engine) -> list[AuditEntry]:
    with session_scope(engine) as s:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.action.in_(("api.call", "api.refused")))
            .order_by(AuditEntry.seq)
        )
        entries = list(s.scalars(stmt))
        s.expunge_all()
        return entries


def api_routes(app: FastAPI) -> set[str]:
    from pantau.review.api import API_PREFIX

    mount = next(r for r in app.routes if getattr(r, "path", "") == API_PREFIX)
    api: FastAPI = mount.app  # type: ignore[attr-defined]
    from fastapi.routing import iter_route_contexts

    return {
        ctx.path
        for ctx in iter_route_contexts(api.routes)
        if isinstance(ctx.original_route, APIRoute) and ctx.original_route.include_in_schema
    }


def test_every_api_route_has_an_expectation(engine: Engine) -> None:
    assert api_routes(app_for(engine)) == set(API_EXPECTED)


WANT = {
    "auditor": 200,
    "referral_officer": 200,
    "admin": 403,
    "analyst": 403,
    "reviewer": 403,
    "revoked": 401,
    "expired": 401,
    "unknown": 401,
    "malformed": 401,
    "none": 401,
}
REASONS = {
    "revoked": "revoked token",
    "expired": "expired token",
    "unknown": "unknown token",
    "malformed": "malformed token",
    "none": "no token",
    "admin": "role not served",
}


def test_route_caller_matrix_and_every_call_audited(world: ApiWorld) -> None:
    problems: list[str] = []
    calls = 0
    for route, path in sorted(API_EXPECTED.items()):
        for caller, want in WANT.items():
            before = len(_api_calls(world.engine))
            status, body = _get(world, path, caller)
            calls += 1
            if status != want:
                problems.append(f"{route} as {caller}: {status} {body}, want {want}")
            new = _api_calls(world.engine)[before:]
            if len(new) != 1:
                problems.append(f"{route} as {caller}: {len(new)} audit entries, want 1")
                continue
            entry = new[0]
            action = "api.call" if want == 200 else "api.refused"
            who = world.users[caller].username if caller in world.users else "anonymous"
            if caller in ("revoked", "expired"):
                who = world.users["auditor"].username  # the token names its user
            got = (entry.action, entry.actor, entry.subject_id)
            if got != (action, who, f"GET {path.split('?')[0]}"):
                problems.append(f"{route} as {caller}: audited {got}")
            if caller in REASONS and entry.detail.get("reason") != REASONS[caller]:
                problems.append(f"{route} as {caller}: reason {entry.detail}")
    assert problems == []
    assert calls == len(API_EXPECTED) * len(WANT)


def test_refusals_say_why_with_the_bearer_challenge(world: ApiWorld) -> None:
    client = TestClient(world.app)
    response = client.get("/api/v1/flags")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "unauthorized", "detail": "no token"}
    status, body = _get(world, "/api/v1/flags", "reviewer")
    assert (status, body) == (403, {"error": "forbidden", "detail": "role not served"})


def test_a_disabled_user_or_a_changed_role_loses_access_at_once(world: ApiWorld) -> None:
    assert _get(world, "/api/v1/sweeps", "auditor")[0] == 200
    with session_scope(world.engine) as s:
        s.execute(update(User).where(User.username == "auditor").values(role="reviewer"))
    assert _get(world, "/api/v1/sweeps", "auditor") == (
        403,
        {"error": "forbidden", "detail": "role not served"},
    )
    with session_scope(world.engine) as s:
        s.execute(update(User).where(User.username == "referral").values(active=False))
    assert _get(world, "/api/v1/sweeps", "referral_officer") == (
        401,
        {"error": "unauthorized", "detail": "user disabled"},
    )


def test_flag_list_filters_and_pages(world: ApiWorld) -> None:
    status, body = _get(world, "/api/v1/flags?limit=2", "auditor")
    assert status == 200
    first = body["items"]
    assert isinstance(first, list) and len(first) == 2
    assert body["next_cursor"]
    status, rest = _get(world, f"/api/v1/flags?limit=2&after={body['next_cursor']}", "auditor")
    assert status == 200
    ids = [f["id"] for f in first] + [f["id"] for f in rest["items"]]  # type: ignore[union-attr]
    assert sorted(ids) == [1, 2, 3] and rest["next_cursor"] is None
    status, body = _get(world, "/api/v1/flags?status=open", "referral_officer")
    assert [(f["id"], f["status"]) for f in body["items"]] == [(1, "open")]  # type: ignore[union-attr]
    status, body = _get(world, "/api/v1/flags?status=confirmed&platform=x&act=POST", "auditor")
    assert [f["id"] for f in body["items"]] == [3]  # type: ignore[union-attr]
    assert _get(world, "/api/v1/flags?platform=tiktok", "auditor") == (
        200,
        {"items": [], "next_cursor": None},
    )


def test_bad_parameters_are_4xx_and_audited(world: ApiWorld) -> None:
    for path, want in (
        ("/api/v1/flags?status=bogus", 400),
        ("/api/v1/flags?after=not-a-cursor", 400),
        ("/api/v1/flags?limit=0", 422),
        ("/api/v1/flags?detected_from=2026-01-01T00:00:00", 422),  # naive time refused
        ("/api/v1/flags/999", 404),
        ("/api/v1/referrals/77", 404),
        ("/api/v1/sweeps/5", 404),
        ("/api/v1/nothing-here", 404),
    ):
        before = len(_api_calls(world.engine))
        status, body = _get(world, path, "auditor")
        assert status == want, (path, body)
        entries = _api_calls(world.engine)[before:]
        assert [(e.action, e.detail["status"]) for e in entries] == [("api.refused", want)]


def test_flag_detail_carries_the_review_record_and_audits_the_views(world: ApiWorld) -> None:
    status, body = _get(world, "/api/v1/flags/2", "referral_officer")
    assert status == 200
    assert body["status"] == "referred" and body["referral_id"] == 1
    assert [d["verdict"] for d in body["decisions"]].count("confirm") == 2  # type: ignore[union-attr]
    assert body["clarifications"][0]["claim"] == "compromised"  # type: ignore[index]
    assert {e["role"] for e in body["evidence"]} == {"payload", "screenshot"}  # type: ignore[union-attr]
    person = body["person"]
    assert isinstance(person, dict) and person["nip"].startswith("19800101")
    with session_scope(world.engine) as s:
        views = s.scalars(
            select(AuditEntry.subject_type).where(
                AuditEntry.action == "view", AuditEntry.actor == "referral"
            )
        ).all()
    assert sorted(views) == ["civil_servant", "flag"]
    status, body = _get(world, "/api/v1/flags/1", "auditor")
    assert body["post"]["text"] == "Ayo coblos <script>alert(1)</script> nomor 1"  # type: ignore[index]


def test_referrals_and_sweeps(world: ApiWorld) -> None:
    status, body = _get(world, "/api/v1/referrals", "auditor")
    assert status == 200 and body["next_before_id"] is None
    [item] = body["items"]  # type: ignore[misc]
    assert (item["id"], item["flag_id"], item["act_code"]) == (1, 2, "POST")
    assert len(item["package_sha256"]) == 64
    status, body = _get(world, "/api/v1/referrals/1", "auditor")
    assert body["reference"] == item["reference"] and body["chronology"]
    assert isinstance(body["record"], dict) and body["record"]
    status, body = _get(world, "/api/v1/sweeps", "referral_officer")
    assert [(s["id"], s["new_flags"], s["failed_accounts"]) for s in body["items"]] == [  # type: ignore[union-attr]
        (1, 3, 1)
    ]
    status, body = _get(world, "/api/v1/sweeps/1", "auditor")
    assert body["summary"] == SWEEP_SUMMARY


def test_openapi_schema_is_published_and_audited(world: ApiWorld) -> None:
    client = TestClient(world.app)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["servers"] == [{"url": "/api/v1"}]
    assert set(schema["paths"]) == set(API_EXPECTED)
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert all(list(ops) == ["get"] for ops in schema["paths"].values())  # read-only
    with session_scope(world.engine) as s:
        n = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.subject_id == "GET /api/v1/openapi.json")
        )
    assert n == 1


def test_api_on_sqlite_and_postgresql(any_db_url: str) -> None:
    """The same calls on both databases (migrated schema): list, detail, bad input, audit."""
    from pantau.store.db import make_engine

    engine = make_engine(any_db_url)
    make_users(engine, ("auditor",))
    flag_id = seed_review_flag(engine)
    with session_scope(engine) as s:
        secret = create_token(session=s, actor=OPERATOR, username="auditor").secret
    client = TestClient(app_for(engine))
    auth = {"Authorization": f"Bearer {secret}"}
    page = client.get("/api/v1/flags?status=open&platform=x", headers=auth).json()
    assert [f["id"] for f in page["items"]] == [flag_id]
    detail = client.get(f"/api/v1/flags/{flag_id}", headers=auth).json()
    assert detail["id"] == flag_id and detail["person"]["nip"].startswith("19800101")
    assert client.get(f"/api/v1/flags/{2**31 - 1}", headers=auth).status_code == 404
    assert client.get("/api/v1/flags?after=%00", headers=auth).status_code == 400
    assert client.get("/api/v1/sweeps", headers=auth).json() == {
        "items": [],
        "next_before_id": None,
    }
    assert len(_api_calls(engine)) == 5
    engine.dispose()
