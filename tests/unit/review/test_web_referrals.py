"""The referral pages through the app: deadline warnings on the list, the form and its preview,
CSRF, creation, export and the audited download, refusals, hostile text rendered escaped."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from markupsafe import escape
from sqlalchemy import Engine, select

from pantau.collect.evidence import EvidenceStore
from pantau.config import get_settings
from pantau.review.models import AuditEntry, User
from pantau.review.referral import referral_dir
from pantau.review.referral_models import Referral
from pantau.store.db import session_scope
from tests.support.referral_world import CHRONOLOGY, confirm, make_people, new_flag
from tests.support.review_app import app_for, csrf_of, make_users, signed_in_client
from tests.support.review_flags import FlagSpec

PAYLOADS_FILE = Path(__file__).resolve().parents[2] / "data" / "xss_payloads.txt"


class World:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.app: FastAPI = app_for(engine)
        self.made: dict[str, User] = make_users(engine, ("referral_officer", "auditor", "reviewer"))
        self.store = EvidenceStore(get_settings().evidence_path)
        _officer, self.reviewers = make_people(engine)

    def flag(
        self,
        *,
        deadline_in: timedelta = timedelta(days=5),
        text: str = "",
        name: str = "",
        confirmed: bool = True,
        clarify: bool = True,
    ) -> int:
        spec = FlagSpec(with_evidence=True, deadline_in=deadline_in, text=text or FlagSpec.text)
        flag_id = new_flag(self.engine, self.store, spec=spec, name=name or "Budi Santoso")
        if confirmed:
            confirm(self.engine, flag_id, self.reviewers, clarify=clarify)
        return flag_id

    def client(self, role: str = "referral_officer"):  # type: ignore[no-untyped-def]
        return signed_in_client(self.app, self.engine, self.made[role])


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def _audit_actions(engine: Engine, actor: str) -> list[str]:
    with session_scope(engine) as s:
        stmt = select(AuditEntry).where(AuditEntry.actor == actor).order_by(AuditEntry.seq)
        return [f"{e.action}:{e.subject_type}" for e in s.scalars(stmt)]


def test_list_orders_by_deadline_and_warns(world: World) -> None:
    late = world.flag(deadline_in=timedelta(days=-2), name="Ani Terlambat")
    soon = world.flag(deadline_in=timedelta(hours=20), name="Bayu Segera")
    calm = world.flag(deadline_in=timedelta(days=6), name="Citra Tenang")
    world.flag(confirmed=False, name="Dedi Belum")
    html = world.client().get("/rujukan").text
    positions = [html.index(n) for n in ("Ani Terlambat", "Bayu Segera", "Citra Tenang")]
    assert positions == sorted(positions)
    assert "Dedi Belum" not in html  # not confirmed: not awaiting referral
    rows = html.split("<tr")
    row_of = {n: next(r for r in rows if n in r) for n in ("Ani", "Bayu", "Citra")}
    assert 'class="late"' in row_of["Ani"] and "TERLAMBAT" in row_of["Ani"]
    assert "lewat 2 hari" in row_of["Ani"]
    assert 'class="soon"' in row_of["Bayu"] and "SEGERA" in row_of["Bayu"]
    assert "TERLAMBAT" not in row_of["Citra"] and "SEGERA" not in row_of["Citra"]
    for flag_id in (late, soon, calm):
        assert f'href="/rujukan/baru/{flag_id}"' in html
    assert "referral_list" in " ".join(_audit_actions(world.engine, "referral"))


def test_auditor_reads_but_cannot_refer(world: World) -> None:
    flag_id = world.flag()
    auditor = world.client("auditor")
    html = auditor.get("/rujukan").text
    assert "Budi Santoso" in html
    assert "/rujukan/baru/" not in html
    assert auditor.get(f"/rujukan/baru/{flag_id}").status_code == 403
    refused = auditor.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(auditor)}
    )
    assert refused.status_code == 403
    with session_scope(world.engine) as s:
        assert s.scalars(select(Referral)).all() == []


def test_form_previews_the_letter_and_creates_the_referral(world: World) -> None:
    flag_id = world.flag()
    officer = world.client()
    form = officer.get(f"/rujukan/baru/{flag_id}")
    assert form.status_code == 200
    for needle in (
        "Budi Santoso",
        "NIP",
        "Akun diretas / diambil alih",
        "peninjau1",
        "SHA-256",
        "butir 4",
        "Batas penerusan (7 hari)",
    ):
        assert needle in form.text, needle
    assert "0.91" not in form.text  # the model's score is not on the letter
    short = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": "pendek", "csrf_token": csrf_of(officer)}
    )
    assert short.status_code == 400 and "Kronologi" in short.text
    no_token = officer.post(f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY})
    assert no_token.status_code == 403
    made = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(officer)}
    )
    assert made.status_code == 303
    page = officer.get(made.headers["location"])
    assert "Rujukan tersimpan" in page.text and "belum diekspor" in page.text
    assert CHRONOLOGY in page.text
    # the form of a referred flag leads to its referral
    again = officer.get(f"/rujukan/baru/{flag_id}")
    assert (again.status_code, again.headers["location"]) == (
        303,
        made.headers["location"].split("?")[0],
    )


def test_unconfirmed_flag_cannot_be_referred_through_the_form(world: World) -> None:
    flag_id = world.flag(confirmed=False)
    officer = world.client()
    page = officer.get(f"/rujukan/baru/{flag_id}")
    assert page.status_code == 400
    assert "dua peninjau yang berbeda" in page.text
    posted = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(officer)}
    )
    assert posted.status_code == 400
    with session_scope(world.engine) as s:
        assert s.scalars(select(Referral)).all() == []


def test_export_and_audited_download(world: World) -> None:
    flag_id = world.flag(deadline_in=timedelta(days=-1))
    officer = world.client()
    made = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(officer)}
    )
    referral_path = made.headers["location"].split("?")[0]
    assert officer.get(f"{referral_path}/unduh").status_code == 404  # not exported yet
    done = officer.post(f"{referral_path}/ekspor", data={"csrf_token": csrf_of(officer)})
    assert (done.status_code, done.headers["location"]) == (303, f"{referral_path}?hasil=ekspor")
    page = officer.get(done.headers["location"]).text
    assert "Paket rujukan diekspor." in page
    assert "TERLAMBAT: diekspor setelah tenggat 7 hari" in page
    auditor = world.client("auditor")
    read_only = auditor.get(referral_path)
    assert read_only.status_code == 200 and "unduh" in read_only.text
    assert "Ekspor ulang paket" not in read_only.text  # the auditor changes nothing
    download = auditor.get(f"{referral_path}/unduh")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    digest = hashlib.sha256(download.content).hexdigest()
    assert download.headers["x-package-sha256"] == digest
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        record = json.loads(archive.read("referral.json"))
    assert record["referral"]["late"] is True
    assert record["chronology"] == CHRONOLOGY
    with session_scope(world.engine) as s:
        referral = s.scalars(select(Referral)).one()
        assert referral.package_sha256 == digest
        assert (referral_dir(get_settings()) / referral.package_name).is_file()
    assert "referral.export:referral" in _audit_actions(world.engine, "referral")
    assert "referral.download:referral" in _audit_actions(world.engine, "auditor")
    assert "view:referral" in _audit_actions(world.engine, "auditor")


def test_export_with_altered_evidence_is_refused_on_the_page(world: World) -> None:
    flag_id = world.flag()
    officer = world.client()
    made = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(officer)}
    )
    referral_path = made.headers["location"].split("?")[0]
    for path in world.store.root.rglob("*.zst"):
        path.write_bytes(b"altered")
    refused = officer.post(f"{referral_path}/ekspor", data={"csrf_token": csrf_of(officer)})
    assert refused.status_code == 400
    assert "Ekspor dibatalkan" in refused.text
    with session_scope(world.engine) as s:
        assert s.scalars(select(Referral)).one().exported_at is None


def test_hostile_text_is_rendered_escaped(world: World) -> None:
    payloads = [p for p in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines() if p.strip()]
    officer = world.client()
    for i, payload in enumerate(payloads[:12]):
        flag_id = world.flag(text=payload, name=f"{payload} {i}")
        chronology = f"Kronologi berisi teks yang dikutip: {payload}"
        made = officer.post(
            f"/rujukan/baru/{flag_id}",
            data={"chronology": chronology, "csrf_token": csrf_of(officer)},
        )
        assert made.status_code == 303, payload
        html = officer.get(made.headers["location"]).text
        assert str(escape(payload)) in html
        assert str(escape(chronology)) in html
        if "<" in payload:
            assert payload not in html
    listing = officer.get("/rujukan").text
    assert "<script>alert" not in listing


def test_referred_flag_page_shows_the_status(world: World) -> None:
    flag_id = world.flag()
    officer = world.client()
    made = officer.post(
        f"/rujukan/baru/{flag_id}", data={"chronology": CHRONOLOGY, "csrf_token": csrf_of(officer)}
    )
    assert made.status_code == 303
    page = world.client("reviewer").get(f"/flags/{flag_id}")
    assert page.status_code == 200
    assert "Diteruskan" in page.text  # the flag's status label once referred
    assert 'name="verdict"' not in page.text  # no further decisions on a referred flag
