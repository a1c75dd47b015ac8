"""Helpers for review-app tests: users per role, signed-in test clients, CSRF tokens."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pantau.config import get_settings
from pantau.review import auth, users
from pantau.review.models import ROLES, User
from pantau.review.permissions import Operator
from pantau.review.web import create_app
from pantau.review.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for, new_nonce
from pantau.store.db import session_scope

PASSWORD = "correct horse battery"
OPERATOR = Operator("test")


def make_users(engine: Engine, roles: tuple[str, ...] = ROLES) -> dict[str, User]:
    """One active user per role, named after the role (``referral_officer`` -> ``referral``)."""
    made: dict[str, User] = {}
    with session_scope(engine) as session:
        for role in roles:
            made[role] = users.add_user(
                session=session,
                actor=OPERATOR,
                username=role.split("_")[0],
                role=role,
                password=PASSWORD,
                display_name=f"Pengguna {role}",
            )
    return made


def app_for(engine: Engine) -> FastAPI:
    return create_app(get_settings(), engine=engine)


def signed_in_client(app: FastAPI, engine: Engine, user: User) -> TestClient:
    """A client with a fresh session for ``user`` (no password round trip)."""
    with session_scope(engine) as session:
        token = auth.create_session(session=session, user=session.merge(user))
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, token)
    return client


def anonymous_client(app: FastAPI) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(CSRF_COOKIE, new_nonce())
    return client


def csrf_of(client: TestClient) -> str:
    """The CSRF token the app would put in this client's forms."""
    binding = client.cookies.get(SESSION_COOKIE) or client.cookies.get(CSRF_COOKIE)
    assert binding, "client holds neither a session nor a CSRF cookie"
    return csrf_token_for(get_settings().secret, binding)


def csrf_in_page(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def cheap_hasher() -> PasswordHasher:
    """argon2id with the smallest cost: tests hash dozens of passwords on shared CPUs."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


_CHEAP = cheap_hasher()


def use_cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", lambda: _CHEAP)
    monkeypatch.setattr(auth, "_DUMMY_HASH", [])
