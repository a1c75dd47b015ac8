"""Hostile scraped text (tests/data/xss_payloads.txt) as post texts, handles, civil servants'
names, rule reasons, sides, target handles, original URLs and reviewers' reasons renders as
inert literal text on the queue and flag pages."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import Engine

from pantau.collect.evidence import EvidenceStore
from pantau.review import users
from pantau.review.decisions import decide
from pantau.review.models import User
from pantau.store.db import session_scope
from tests.support.review_app import OPERATOR, PASSWORD, app_for, make_users, signed_in_client
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag
from tests.unit.review.test_web_xss import load_payloads


@pytest.fixture
def hostile(engine: Engine) -> tuple[Engine, dict[str, User], list[int]]:
    made = make_users(engine, ("reviewer", "auditor"))
    flag_ids: list[int] = []
    with session_scope(engine) as s:
        made["reviewer2"] = users.add_user(
            session=s, actor=OPERATOR, username="reviewer2", role="reviewer", password=PASSWORD
        )
        agency = make_agency(s, name=load_payloads()[0])
        store = EvidenceStore.from_settings()
        for i, payload in enumerate(load_payloads()):
            person, account = make_asn(s, agency=agency, name=payload, handle=payload[:100])
            spec = FlagSpec(text=payload, side=payload[:64], with_evidence=True)
            flag = make_flag(s, person=person, account=account, spec=spec, store=store)
            flag.reasons = [payload, f"alasan {i}"]
            flag.target_handle = payload[:100]
            flag.item_url = payload
            flag_ids.append(flag.id)
    with session_scope(engine) as s:
        reviewer = s.merge(made["reviewer"])
        for flag_id, payload in zip(flag_ids, load_payloads(), strict=True):
            decide(session=s, flag_id=flag_id, reviewer=reviewer, verdict="clarify", reason=payload)
    return engine, made, flag_ids


def _assert_inert(page: str, payload: str) -> None:
    assert str(escape(payload)) in page, payload
    if any(c in payload for c in "<>\"'"):
        assert payload not in page, payload


def test_queue_shows_hostile_handles_and_sides_as_text(hostile) -> None:
    engine, made, _flag_ids = hostile
    client = signed_in_client(app_for(engine), engine, made["reviewer"])
    page = client.get("/queue?status=semua").text
    for payload in load_payloads():
        _assert_inert(page, payload[:64])
    assert 'href="javascript:' not in page


def test_flag_pages_show_hostile_text_as_text(hostile) -> None:
    engine, made, flag_ids = hostile
    app = app_for(engine)
    for role in ("reviewer", "auditor"):
        client = signed_in_client(app, engine, made[role])
        for flag_id, payload in zip(flag_ids, load_payloads(), strict=True):
            page = client.get(f"/flags/{flag_id}").text
            # post text, name, handle, reason, target handle, URL, the reviewer's question
            assert page.count(str(escape(payload))) >= 5, (role, payload)
            _assert_inert(page, payload)
            assert 'href="javascript:' not in page
            assert "<script>alert" not in page
    clarify = signed_in_client(app, engine, made["reviewer"])
    form = clarify.get(f"/flags/{flag_ids[0]}/clarification").text
    _assert_inert(form, load_payloads()[0])
