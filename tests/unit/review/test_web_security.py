"""CSRF refusal, cookie flags, security headers, login/logout through the forms, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, update

from pantau.config import reset_settings
from pantau.review.models import AuditEntry, User, WebSession
from pantau.review.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from pantau.store.db import session_scope, utcnow
from tests.support.review_app import (
    PASSWORD,
    anonymous_client,
    app_for,
    csrf_in_page,
    csrf_of,
    make_users,
    signed_in_client,
)


@pytest.fixture
def world(engine: Engine) -> tuple[FastAPI, Engine, dict[str, User]]:
    return app_for(engine), engine, make_users(engine, ("admin", "reviewer"))


def _users(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return list(s.execute(select(User.username).order_by(User.username)).scalars())


NEW_USER = {"username": "baru", "role": "analyst", "password": PASSWORD}


@pytest.mark.parametrize(
    "token",
    [None, "", "0" * 64, "forged-token"],
    ids=["missing", "empty", "zeros", "garbage"],
)
def test_form_without_a_valid_token_is_refused(world, token: str | None) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["admin"])
    data = dict(NEW_USER) if token is None else {**NEW_USER, "csrf_token": token}
    response = client.post("/users", data=data)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert _users(engine) == ["admin", "reviewer"]


def test_token_of_another_session_is_refused(world) -> None:
    app, engine, made = world
    admin = signed_in_client(app, engine, made["admin"])
    other = signed_in_client(app, engine, made["admin"])
    response = admin.post("/users", data={**NEW_USER, "csrf_token": csrf_of(other)})
    assert response.status_code == 403
    assert _users(engine) == ["admin", "reviewer"]


def test_valid_token_from_the_page_is_accepted(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["admin"])
    token = csrf_in_page(client.get("/users").text)
    assert token == csrf_of(client)
    response = client.post("/users", data={**NEW_USER, "csrf_token": token})
    assert (response.status_code, response.headers["location"]) == (303, "/users")
    assert _users(engine) == ["admin", "baru", "reviewer"]


def test_token_in_header_is_accepted_for_non_form_posts(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["admin"])
    response = client.post("/users/reviewer/disable", headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 303
    assert client.post("/users/reviewer/enable").status_code == 403


def test_login_form_needs_its_csrf_cookie_and_token(world) -> None:
    app, _engine, _made = world
    client = anonymous_client(app)
    client.cookies.clear()
    page = client.get("/login")
    cookie = page.cookies.get(CSRF_COOKIE)
    assert cookie
    token = csrf_in_page(page.text)
    assert token == csrf_token_for("development-only-insecure-secret-key", cookie)
    creds = {"username": "admin", "password": PASSWORD}
    assert client.post("/login", data=creds).status_code == 403
    # A token minted for a different cookie (an attacker's own visit) is refused.
    stranger = anonymous_client(app)
    assert client.post("/login", data={**creds, "csrf_token": csrf_of(stranger)}).status_code == 403
    ok = client.post("/login", data={**creds, "csrf_token": token, "next": "/users"})
    assert (ok.status_code, ok.headers["location"]) == (303, "/users")


def test_login_cookie_flags_and_headers(world) -> None:
    app, _engine, _made = world
    client = anonymous_client(app)
    page = client.get("/login")
    for header, value in (
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "no-store"),
        ("referrer-policy", "same-origin"),
    ):
        assert page.headers[header] == value
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "<script" not in page.text  # no inline script anywhere
    response = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    set_cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    assert "Secure" not in set_cookie  # plain http in development mode (auto)


def test_secure_flag_when_configured(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_REVIEW__COOKIE_SECURE", "true")
    reset_settings()
    make_users(engine, ("admin",))
    client = anonymous_client(app_for(engine))
    response = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_failed_login_shows_error_and_is_audited(world) -> None:
    app, engine, _made = world
    client = anonymous_client(app)
    response = client.post(
        "/login",
        data={"username": "admin", "password": "salah", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    with session_scope(engine) as s:
        last = s.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        assert last is not None
        assert (last.action, last.subject_id, last.detail["reason"]) == (
            "login.failed",
            "admin",
            "bad_credentials",
        )


def test_open_redirect_after_login_is_refused(world) -> None:
    app, _engine, _made = world
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client = anonymous_client(app)
        response = client.post(
            "/login",
            data={
                "username": "admin",
                "password": PASSWORD,
                "csrf_token": csrf_of(client),
                "next": target,
            },
        )
        assert (response.status_code, response.headers["location"]) == (303, "/")


def test_logout_revokes_the_session(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["reviewer"])
    token = client.cookies.get(SESSION_COOKIE)
    response = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert (response.status_code, response.headers["location"]) == (303, "/login?keluar=1")
    # Even replaying the old cookie does not work: the session is revoked server-side.
    client.cookies.set(SESSION_COOKIE, token or "")
    again = client.get("/")
    assert (again.status_code, again.headers["location"]) == (303, "/login?next=%2F")


def test_expired_session_redirects_to_login(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["reviewer"])
    assert client.get("/").status_code == 200
    with session_scope(engine) as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get("/audit?before=5")
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/login?next=%2Faudit%3Fbefore%3D5",
    )


def test_forbidden_access_is_audited(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["reviewer"])
    response = client.get("/users")
    assert response.status_code == 403
    assert "Akses ditolak" in response.text
    with session_scope(engine) as s:
        last = s.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        assert last is not None
        assert (last.actor, last.action, last.subject_id) == (
            "reviewer",
            "access.denied",
            "GET /users",
        )


def test_admin_adds_and_disables_through_the_page(world) -> None:
    app, engine, made = world
    admin = signed_in_client(app, engine, made["admin"])
    bad = admin.post(
        "/users",
        data={"username": "x", "role": "boss", "password": "pendek", "csrf_token": csrf_of(admin)},
    )
    assert bad.status_code == 400
    assert "role: must be one of" in bad.text and "password: must be at least" in bad.text
    reviewer = signed_in_client(app, engine, made["reviewer"])
    assert reviewer.get("/").status_code == 200
    done = admin.post("/users/reviewer/disable", data={"csrf_token": csrf_of(admin)})
    assert done.status_code == 303
    assert reviewer.get("/").status_code == 303  # their session ended at once
    self_disable = admin.post("/users/admin/disable", data={"csrf_token": csrf_of(admin)})
    assert self_disable.status_code == 400


def test_unknown_page_and_bad_parameters_get_html_error_pages(world) -> None:
    app, engine, made = world
    client = signed_in_client(app, engine, made["admin"])
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    bad = client.get("/audit?before=nol")
    assert bad.status_code == 400 and "Permintaan tidak sah" in bad.text
