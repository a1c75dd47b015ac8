"""The queue and flag pages through the app: decisions by form, CSRF, who sees the record and
the evidence (and that each view is audited), the audited evidence route, pagination."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pantau.collect.models import Capture, Post
from pantau.config import get_settings, reset_settings
from pantau.detect.models import Flag
from pantau.review import users
from pantau.review.models import AuditEntry, User
from pantau.store.db import session_scope
from tests.support.review_app import (
    OPERATOR,
    PASSWORD,
    app_for,
    csrf_in_page,
    csrf_of,
    make_users,
    signed_in_client,
)
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag, seed_review_flag

World = tuple[FastAPI, Engine, dict[str, User], int]


@pytest.fixture
def world(engine: Engine) -> World:
    made = make_users(engine)
    with session_scope(engine) as s:
        made["reviewer2"] = users.add_user(
            session=s,
            actor=OPERATOR,
            username="reviewer2",
            role="reviewer",
            password=PASSWORD,
            display_name="Peninjau Kedua",
        )
    flag_id = seed_review_flag(engine, name="Siti Contoh", handle="siti_asn")
    return app_for(engine), engine, made, flag_id


def _status(engine: Engine, flag_id: int) -> str:
    with session_scope(engine) as s:
        flag = s.get(Flag, flag_id)
        assert flag is not None
        return flag.status


def _post(client: TestClient, path: str, data: dict[str, str]) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_of(client)})


def test_two_reviewers_confirm_through_the_forms(world: World) -> None:
    app, engine, made, flag_id = world
    first = signed_in_client(app, engine, made["reviewer"])
    page = first.get(f"/flags/{flag_id}")
    assert page.status_code == 200
    assert "Konfirmasi pelanggaran" in page.text and "Tolak temuan" in page.text
    token = csrf_in_page(page.text)
    done = first.post(f"/flags/{flag_id}/decide", data={"verdict": "confirm", "csrf_token": token})
    assert (done.status_code, done.headers["location"]) == (303, f"/flags/{flag_id}?hasil=confirm")
    after = first.get(done.headers["location"]).text
    assert "Konfirmasi Anda tercatat." in after
    assert "Anda sudah memberi tanggapan pada putaran ini" in after
    assert "Konfirmasi pelanggaran" not in after  # no second vote offered
    again = first.post(f"/flags/{flag_id}/decide", data={"verdict": "confirm", "csrf_token": token})
    assert again.status_code == 409
    assert "already responded" in again.text
    assert _status(engine, flag_id) == "in_review"
    with session_scope(engine) as s:
        refused = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "flag.decide.refused")
        ).one()
        assert (refused.actor, refused.detail["error"]) == ("reviewer", "TwoPersonRuleError")
    second = signed_in_client(app, engine, made["reviewer2"])
    ok = _post(second, f"/flags/{flag_id}/decide", {"verdict": "confirm", "reason": "Jelas"})
    assert ok.status_code == 303  # type: ignore[attr-defined]
    assert _status(engine, flag_id) == "confirmed"
    final = second.get(f"/flags/{flag_id}").text
    assert "Terkonfirmasi" in final and "tidak ada keputusan lagi" in final
    assert final.count('class="reviewer"') == 2


def test_dismiss_without_reason_is_refused_and_kept_open(world: World) -> None:
    app, engine, made, flag_id = world
    client = signed_in_client(app, engine, made["reviewer"])
    refused = client.post(
        f"/flags/{flag_id}/decide",
        data={"verdict": "dismiss", "reason": "  ", "csrf_token": csrf_of(client)},
    )
    assert refused.status_code == 400
    assert "reason: a dismissal needs a reason" in refused.text
    assert _status(engine, flag_id) == "open"
    ok = _post(client, f"/flags/{flag_id}/decide", {"verdict": "dismiss", "reason": "Berita"})
    assert ok.status_code == 303  # type: ignore[attr-defined]
    assert _status(engine, flag_id) == "dismissed"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("decide", {"verdict": "confirm"}),
        ("decide", {"verdict": "dismiss", "reason": "x"}),
        ("decide", {"verdict": "clarify", "reason": "x"}),
        ("clarification", {"outcome": "no_reply"}),
    ],
)
@pytest.mark.parametrize("token", [None, "", "f" * 64], ids=["missing", "empty", "forged"])
def test_forms_without_a_valid_csrf_token_are_refused(
    world: World, path: str, data: dict[str, str], token: str | None
) -> None:
    app, engine, made, flag_id = world
    client = signed_in_client(app, engine, made["reviewer"])
    if path == "clarification":
        asked = _post(client, f"/flags/{flag_id}/decide", {"verdict": "clarify", "reason": "?"})
        assert asked.status_code == 303  # type: ignore[attr-defined]
    before = _status(engine, flag_id)
    body = dict(data) if token is None else {**data, "csrf_token": token}
    response = client.post(f"/flags/{flag_id}/{path}", data=body)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert _status(engine, flag_id) == before


def test_clarification_form_records_a_checked_claim(world: World) -> None:
    app, engine, made, flag_id = world
    reviewer = signed_in_client(app, engine, made["reviewer"])
    question = {"verdict": "clarify", "reason": "Apakah Anda mengunggah ini?", "channel": "surat"}
    assert _post(reviewer, f"/flags/{flag_id}/decide", question).status_code == 303  # type: ignore[attr-defined]
    officer = signed_in_client(app, engine, made["referral_officer"])
    form = officer.get(f"/flags/{flag_id}/clarification")
    assert form.status_code == 200
    assert "Apakah Anda mengunggah ini?" in form.text and "melalui surat" in form.text
    claim = {
        "reply_text": "Akun saya diretas.",
        "reply_at": "2026-11-20T09:30",
        "claim": "compromised",
        "checks_made": "",
        "outcome": "claim_not_substantiated",
    }
    refused = _post(officer, f"/flags/{flag_id}/clarification", claim)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "checks_made: a compromise/impersonation claim must be checked" in refused.text  # type: ignore[attr-defined]
    assert _status(engine, flag_id) == "awaiting_clarification"
    claim["checks_made"] = "Log masuk diperiksa bersama BKD."
    done = _post(officer, f"/flags/{flag_id}/clarification", claim)
    assert done.headers["location"] == f"/flags/{flag_id}?hasil=klarifikasi"  # type: ignore[attr-defined]
    assert _status(engine, flag_id) == "in_review"
    page = reviewer.get(f"/flags/{flag_id}").text
    for text in (
        "Akun diretas / diambil alih",
        "Log masuk diperiksa bersama BKD.",
        "Klaim tidak terbukti",
    ):
        assert text in page
    assert "2026-11-20 09:30:00 WIB" in page  # the form's time was read as WIB
    with session_scope(engine) as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert "clarification.record" in actions


def _views(engine: Engine, actor: str) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(AuditEntry.subject_type, AuditEntry.detail)
            .where(AuditEntry.actor == actor, AuditEntry.action == "view")
            .order_by(AuditEntry.seq)
        ).all()
    return [(t, d["permission"]) for t, d in rows]


@pytest.mark.parametrize(
    ("role", "record", "evidence", "audited"),
    [
        ("admin", False, False, [("flag", "queue.view")]),
        ("analyst", False, True, [("flag", "evidence.view")]),
        ("reviewer", True, True, [("flag", "evidence.view"), ("civil_servant", "asn_record.view")]),
        (
            "referral_officer",
            True,
            True,
            [("flag", "evidence.view"), ("civil_servant", "asn_record.view")],
        ),
        ("auditor", True, True, [("flag", "evidence.view"), ("civil_servant", "asn_record.view")]),
    ],
)
def test_record_and_evidence_only_to_allowed_roles_and_audited(
    world: World, role: str, record: bool, evidence: bool, audited: list[tuple[str, str]]
) -> None:
    app, engine, made, flag_id = world
    page = signed_in_client(app, engine, made[role]).get(f"/flags/{flag_id}").text
    with session_scope(engine) as s:
        hashes = s.scalars(select(Capture.sha256).order_by(Capture.id)).all()
    assert ("Siti Contoh" in page) is record
    assert ("Peran Anda tidak diizinkan melihat catatan pribadi ASN." in page) is not record
    assert len(hashes) == 2
    assert all((sha in page) is evidence for sha in hashes)
    assert ("Ayo dukung paslon nomor 1!" in page) is evidence
    assert "@siti_asn" in page  # the public handle is on every role's page
    assert _views(engine, made[role].username) == audited
    assert ("Konfirmasi pelanggaran" in page) is (role == "reviewer")


def test_evidence_route_serves_verified_bytes_and_is_audited(world: World) -> None:
    app, engine, made, flag_id = world
    client = signed_in_client(app, engine, made["analyst"])
    shot = client.get(f"/flags/{flag_id}/evidence/2")
    assert shot.status_code == 200
    assert shot.headers["content-type"] == "image/png"
    assert shot.content.startswith(b"\x89PNG")
    assert hashlib.sha256(shot.content).hexdigest() == shot.headers["x-evidence-sha256"]
    payload = client.get(f"/flags/{flag_id}/evidence/1")
    assert payload.headers["content-type"] == "text/plain; charset=utf-8"
    assert b"Ayo dukung paslon nomor 1!" in payload.content
    with session_scope(engine) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None
        assert (last.actor, last.subject_type, last.subject_id, last.detail["flag"]) == (
            "analyst",
            "capture",
            "1",
            flag_id,
        )
        stored = s.get(Capture, 2)
        assert stored is not None
        path = get_settings().evidence_path / stored.stored_path
    assert client.get(f"/flags/{flag_id}/evidence/99").status_code == 404
    assert client.get(f"/flags/{flag_id + 1}/evidence/2").status_code == 404
    Path(path).write_bytes(b"tampered")  # an altered file is never served
    assert client.get(f"/flags/{flag_id}/evidence/2").status_code == 404


def test_unknown_flag_is_404(world: World) -> None:
    app, engine, made, _flag_id = world
    client = signed_in_client(app, engine, made["reviewer"])
    assert client.get("/flags/4242").status_code == 404
    assert _post(client, "/flags/4242/decide", {"verdict": "confirm"}).status_code == 404  # type: ignore[attr-defined]


def test_queue_page_filters_marks_and_pages(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _app, engine, made, _flag_id = world
    with session_scope(engine) as s:
        agency = make_agency(s, name="Dinas Kominfo")
        for handle, spec in (
            ("telat_asn", FlagSpec(act_code="LIKE", deadline_in=-FlagSpec.deadline_in)),
            ("segera_asn", FlagSpec(act_code="FOLLOW", deadline_in=FlagSpec.deadline_in / 5)),
        ):
            person, account = make_asn(s, agency=agency, handle=handle)
            make_flag(s, person=person, account=account, spec=spec)
    monkeypatch.setenv("PANTAU_REVIEW__QUEUE_PAGE_SIZE", "2")
    reset_settings()
    client = signed_in_client(app_for(engine), engine, made["reviewer"])
    page = client.get("/queue").text
    assert page.index("@telat_asn") < page.index("@segera_asn")  # overdue first: shown, not hidden
    assert "TERLAMBAT" in page and "SEGERA" in page
    assert "@siti_asn" not in page  # third by deadline: on page 2
    next_link = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(next_link.replace("&amp;", "&")).text
    assert "@siti_asn" in second and "@telat_asn" not in second
    # Deadline and detection time in the configured zone, date and time on two lines.
    with session_scope(engine) as s:
        siti = s.get(Flag, _flag_id)
        assert siti is not None
        deadline = siti.deadline_at.astimezone(get_settings().tz)
    stamp = (
        f'<span class="nowrap">{deadline:%Y-%m-%d}</span> '
        f'<span class="nowrap">{deadline:%H:%M:%S} WIB</span>'
    )
    assert stamp in second
    assert "Halaman pertama" in second
    likes = client.get("/queue?act=LIKE").text
    assert "@telat_asn" in likes and "@segera_asn" not in likes
    assert 'href="/queue?status=dismissed&amp;act=LIKE"' in likes  # tiles keep the filters
    counts = client.get("/queue").text
    assert '<span class="value">3</span><span class="label">Baru</span>' in counts
    assert client.get("/queue?after=garbage").status_code == 400
    assert client.get("/queue?status=nope").status_code == 400
    assert client.get("/queue?dari=kemarin").status_code == 400


def test_like_flag_shows_the_liked_post(world: World) -> None:
    app, engine, made, _flag_id = world
    with session_scope(engine) as s:
        person, account = make_asn(s, agency=make_agency(s), handle="suka_asn")
        flag = make_flag(s, person=person, account=account, spec=FlagSpec(act_code="LIKE"))
        s.add(
            Post(
                platform="x",
                post_id="555",
                author_id="77",
                author_handle="timpaslon1",
                text="Kampanye akbar paslon 1 di GBK!",
            )
        )
        flag.item_type = "edge"
        flag.item_id = f"{account.native_id}:like:post:555"
        flag_id = flag.id
    page = signed_in_client(app, engine, made["reviewer"]).get(f"/flags/{flag_id}").text
    assert "Unggahan sasaran yang di-like oleh akun ASN" in page
    assert "Kampanye akbar paslon 1 di GBK!" in page
    assert "oleh @timpaslon1" in page
