"""Hostile text (tests/data/xss_payloads.txt) in names, audit details and login attempts is
rendered escaped, as the literal characters, on every page that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import Engine

from pantau.review import audit, users
from pantau.store.db import session_scope
from tests.support.review_app import (
    OPERATOR,
    PASSWORD,
    anonymous_client,
    app_for,
    csrf_of,
    make_users,
    signed_in_client,
)

PAYLOADS_FILE = Path(__file__).resolve().parents[2] / "data" / "xss_payloads.txt"


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def test_corpus_covers_the_kinds_of_attack() -> None:
    text = "\n".join(load_payloads())
    for needle in ("<script>", "onerror=", "javascript:", "<svg", "{{7*7}}", "onload="):
        assert needle in text


@pytest.fixture
def hostile(engine: Engine) -> Engine:
    payloads = load_payloads()
    with session_scope(engine) as s:
        for i, payload in enumerate(payloads):
            users.add_user(
                session=s,
                actor=OPERATOR,
                username=f"x{i}",
                role="analyst",
                password=PASSWORD,
                display_name=payload,
            )
            audit.record(
                session=s,
                actor="system:test",
                action="test.hostile",
                subject_type="post",
                subject_id=payload[:128],
                detail={"text": payload},
            )
    return engine


def _assert_inert(page: str, payload: str) -> None:
    assert str(escape(payload)) in page, payload
    if any(c in payload for c in "<>\"'"):
        assert payload not in page, payload


def test_payloads_in_display_names_are_escaped(hostile: Engine) -> None:
    made = make_users(hostile, ("admin",))
    page = signed_in_client(app_for(hostile), hostile, made["admin"]).get("/users").text
    for payload in load_payloads():
        _assert_inert(page, payload)


def test_payloads_in_audit_entries_are_escaped(hostile: Engine) -> None:
    made = make_users(hostile, ("auditor",))
    client = signed_in_client(app_for(hostile), hostile, made["auditor"])
    page = client.get("/audit").text
    for payload in load_payloads():
        _assert_inert(page, payload)


def test_payload_as_a_login_name_is_escaped_everywhere(hostile: Engine) -> None:
    app = app_for(hostile)
    made = make_users(hostile, ("admin",))
    payload = '<img src=x onerror=alert("login")>'
    client = anonymous_client(app)
    page = client.post(
        "/login", data={"username": payload, "password": "x", "csrf_token": csrf_of(client)}
    ).text
    _assert_inert(page, payload)  # echoed back into the form's value attribute
    audit_page = signed_in_client(app, hostile, made["admin"]).get("/audit").text
    _assert_inert(audit_page, payload.lower())


def test_own_display_name_in_the_header_is_escaped(engine: Engine) -> None:
    with session_scope(engine) as s:
        user = users.add_user(
            session=s,
            actor=OPERATOR,
            username="evil",
            role="reviewer",
            password=PASSWORD,
            display_name="<script>alert(document.cookie)</script>{{7*7}}",
        )
    page = signed_in_client(app_for(engine), engine, user).get("/").text
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;{{7*7}}" in page
    assert "<script>" not in page
