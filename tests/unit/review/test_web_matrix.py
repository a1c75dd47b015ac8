"""Route x role matrix: every route the app registers, for every role and for nobody signed in.

Each route needs an entry in ``EXPECTED``: a route added later without one fails
:func:`test_every_route_has_an_expectation`, so new pages cannot skip the access review.
Outcomes: ``allowed`` (2xx, a 3xx that is not to the login page, or a 400 form error),
``forbidden`` (403), ``login`` (303 to ``/login?next=...``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from starlette.routing import Mount

from pantau.review import users
from pantau.review.models import ROLES, User
from pantau.store.db import session_scope
from tests.support.referral_world import CHRONOLOGY, seed_web_referrals
from tests.support.review_app import (
    OPERATOR,
    PASSWORD,
    anonymous_client,
    app_for,
    csrf_of,
    make_users,
    signed_in_client,
)
from tests.support.review_flags import seed_review_flag

ALL = frozenset(ROLES)
_serial = itertools.count()
PUBLIC = "public"


@dataclass(frozen=True)
class Expect:
    roles: frozenset[str] | str  # roles allowed, or PUBLIC (anyone, signed in or not)
    path: str = ""  # concrete path for a templated route
    form: dict[str, str] = field(default_factory=dict)


EXPECTED: dict[tuple[str, str], Expect] = {
    ("GET", "/static"): Expect(PUBLIC, "/static/style.css"),
    # The JSON API (bearer tokens, not sessions): its schema is public; its own route x caller
    # matrix is tests/unit/review/test_api.py.
    ("GET", "/api/v1"): Expect(PUBLIC, "/api/v1/openapi.json"),
    ("GET", "/healthz"): Expect(PUBLIC),
    ("GET", "/login"): Expect(PUBLIC),
    ("POST", "/login"): Expect(PUBLIC, form={"username": "nobody", "password": "x"}),
    ("POST", "/logout"): Expect(ALL),
    ("GET", "/"): Expect(ALL),
    ("GET", "/audit"): Expect(frozenset({"admin", "auditor"})),
    ("GET", "/audit/verify"): Expect(frozenset({"admin", "auditor"})),
    ("GET", "/users"): Expect(frozenset({"admin", "auditor"})),
    ("POST", "/users"): Expect(
        frozenset({"admin"}),
        form={"username": "baru", "role": "analyst", "password": PASSWORD},
    ),
    ("POST", "/users/{username}/disable"): Expect(frozenset({"admin"}), "/users/spare/disable"),
    ("POST", "/users/{username}/enable"): Expect(frozenset({"admin"}), "/users/spare/enable"),
    ("GET", "/queue"): Expect(ALL),
    ("GET", "/dasbor"): Expect(ALL),
    ("GET", "/dasbor/grafik/{name}.svg"): Expect(ALL, "/dasbor/grafik/agencies.svg"),
    ("GET", "/dasbor/keadilan"): Expect(ALL),
    ("GET", "/flags/{flag_id}"): Expect(ALL, "/flags/1"),
    ("POST", "/flags/{flag_id}/decide"): Expect(
        frozenset({"reviewer"}), "/flags/1/decide", form={"verdict": "confirm"}
    ),
    ("GET", "/flags/{flag_id}/evidence/{capture_id}"): Expect(
        frozenset({"analyst", "reviewer", "referral_officer", "auditor"}), "/flags/1/evidence/2"
    ),
    ("GET", "/flags/{flag_id}/clarification"): Expect(
        frozenset({"reviewer", "referral_officer"}), "/flags/1/clarification"
    ),
    ("POST", "/flags/{flag_id}/clarification"): Expect(
        frozenset({"reviewer", "referral_officer"}),
        "/flags/1/clarification",
        form={"outcome": "no_reply"},
    ),
    ("GET", "/rujukan"): Expect(frozenset({"referral_officer", "auditor"})),
    ("GET", "/rujukan/baru/{flag_id}"): Expect(frozenset({"referral_officer"}), "/rujukan/baru/3"),
    ("POST", "/rujukan/baru/{flag_id}"): Expect(
        frozenset({"referral_officer"}), "/rujukan/baru/3", form={"chronology": CHRONOLOGY}
    ),
    ("GET", "/rujukan/{referral_id}"): Expect(
        frozenset({"referral_officer", "auditor"}), "/rujukan/1"
    ),
    ("POST", "/rujukan/{referral_id}/ekspor"): Expect(
        frozenset({"referral_officer"}), "/rujukan/1/ekspor"
    ),
    ("GET", "/rujukan/{referral_id}/unduh"): Expect(
        frozenset({"referral_officer", "auditor"}), "/rujukan/1/unduh"
    ),
}


def registered_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, included routers flattened (with their prefixes)."""
    found: set[tuple[str, str]] = set()
    try:  # FastAPI >= 0.1xx keeps included routers lazily; this flattens them
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        contexts: Any = [SimpleNamespace(route=r, original_route=r) for r in app.routes]
        for c in contexts:
            c.path, c.methods = getattr(c.route, "path", None), getattr(c.route, "methods", None)
    else:
        contexts = list(iter_route_contexts(app.routes))
    for ctx in contexts:
        path = ctx.path or repr(ctx.original_route)
        if isinstance(ctx.original_route, Mount):
            found.add(("GET", path))
        elif ctx.methods:
            found |= {(m, path) for m in ctx.methods - {"HEAD"}}
        else:  # a new kind of route needs a decision here
            found.add(("UNKNOWN", path))
    return found


@pytest.fixture
def world(engine: Engine) -> tuple[FastAPI, Engine, dict[str, User]]:
    made = make_users(engine)
    with session_scope(engine) as s:
        users.add_user(
            session=s, actor=OPERATOR, username="spare", role="analyst", password=PASSWORD
        )
    assert seed_review_flag(engine) == 1  # the /flags/1 paths above
    assert seed_web_referrals(engine) == (2, 1, 3)  # the /rujukan/... paths above
    return app_for(engine), engine, made


def test_every_route_has_an_expectation(engine: Engine) -> None:
    routes = registered_routes(app_for(engine))
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert missing == [], f"routes without an access expectation: {missing}"
    assert stale == [], f"expectations for routes that no longer exist: {stale}"


def _call(client: TestClient, method: str, key: tuple[str, str], expect: Expect) -> Response:
    path = expect.path or key[1]
    if method == "GET":
        return client.get(path)
    form = {**expect.form, "csrf_token": csrf_of(client)}
    if key in (("POST", "/users"), ("POST", "/login")):
        # distinct names: no "already exists", and no throttle lock from repeated failures
        form["username"] = f"{form['username']}{next(_serial)}"
    return client.request(method, path, data=form)


def _outcome(response: Response) -> str:
    if response.status_code == 303 and response.headers["location"].startswith("/login?next="):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    # 409: let in, but the rules refused the action (e.g. no open clarification to record)
    if response.status_code < 400 or response.status_code in (400, 401, 409):
        return "allowed"
    return f"unexpected {response.status_code}"


def test_route_role_matrix(world: tuple[FastAPI, Engine, dict[str, User]]) -> None:
    app, engine, made = world
    problems: list[str] = []
    checked = 0
    for key, expect in sorted(EXPECTED.items()):
        method = key[0]
        for who in (None, *ROLES):
            if who is None:
                client = anonymous_client(app)
                want = "allowed" if expect.roles == PUBLIC else "login"
            else:
                client = signed_in_client(app, engine, made[who])
                allowed = expect.roles == PUBLIC or who in expect.roles
                want = "allowed" if allowed else "forbidden"
            got = _outcome(_call(client, method, key, expect))
            checked += 1
            if got != want:
                problems.append(f"{method} {key[1]} as {who or 'anonymous'}: {got}, want {want}")
    assert problems == []
    assert checked == len(EXPECTED) * (len(ROLES) + 1)


def test_signed_in_get_pages_render(world: tuple[FastAPI, Engine, dict[str, User]]) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["admin"])
    for path, marker in (
        ("/", "Entri jejak audit"),
        ("/audit", "Jejak Audit"),
        ("/audit/verify", "Rantai utuh"),
        ("/users", "Tambah pengguna"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert marker in response.text, path
    auditor = signed_in_client(app, engine, made["auditor"])
    page = auditor.get("/users").text
    assert "Pengguna reviewer" in page
    assert "Tambah pengguna" not in page  # read-only: no forms to change users
    assert "Nonaktifkan" not in page


FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def test_every_post_form_on_every_page_carries_a_csrf_token(
    world: tuple[FastAPI, Engine, dict[str, User]],
) -> None:
    app, engine, made = world
    pages = [(k, e) for k, e in EXPECTED.items() if k[0] == "GET" and k[1] != "/static"]
    seen_forms = 0
    for who in ROLES:
        client = signed_in_client(app, engine, made[who])
        token = csrf_of(client)
        for key, expect in pages:
            if expect.roles != PUBLIC and who not in expect.roles:
                continue
            html = client.get(expect.path or key[1]).text
            for attrs, body in FORM_RE.findall(html):
                if 'method="post"' not in attrs.lower():
                    continue
                seen_forms += 1
                assert f'name="csrf_token" value="{token}"' in body, (who, key, attrs)
    assert seen_forms >= len(ROLES)  # at least the logout form on each role's pages
