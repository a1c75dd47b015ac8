"""Referrals: only confirmed flags, only referral officers, the package (manifest, PDF fields,
JSON fields, evidence), late marking, no model score, audit and custody."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture, CustodyEvent
from pantau.detect.models import Flag, FlagEvidence
from pantau.errors import EvidenceError, InputRejected, PermissionDenied, ReviewError
from pantau.registry.models import Account, CivilServant
from pantau.review import audit
from pantau.review.decisions import decide
from pantau.review.models import AuditEntry, User
from pantau.review.referral import (
    create_referral,
    deadline_state,
    export_package,
    get_referral,
    open_package,
)
from pantau.review.referral_package import LETTER_NAME, MANIFEST_NAME, RECORD_NAME
from pantau.store.db import session_scope
from tests.support.referral_world import (
    CHRONOLOGY,
    CLAIM_CHECKS,
    CLAIM_REPLY,
    ReferralWorld,
    build_world,
    make_people,
    new_flag,
)
from tests.support.review_app import make_users
from tests.support.review_flags import FlagSpec


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


@pytest.fixture
def world(engine: Engine, store: EvidenceStore) -> ReferralWorld:
    return build_world(engine, store)


def refer(w: ReferralWorld, chronology: str = CHRONOLOGY, flag_id: int | None = None) -> int:
    with session_scope(w.engine) as s:
        referral = create_referral(
            session=s,
            flag_id=flag_id or w.flag_id,
            officer=s.merge(w.officer),
            chronology=chronology,
        )
        return referral.id


def export(w: ReferralWorld, referral_id: int, out: Path) -> Path:
    with session_scope(w.engine) as s:
        return export_package(
            session=s,
            referral_id=referral_id,
            out_dir=out,
            officer=s.merge(w.officer),
            store=w.store,
        )


def unpack(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Without whitespace: wrapped lines in the PDF may split a value anywhere."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def exported(world: ReferralWorld, tmp_path: Path) -> tuple[ReferralWorld, Path, dict[str, bytes]]:
    path = export(world, refer(world), tmp_path / "out")
    return world, path, unpack(path)


# --- the package ------------------------------------------------------------------------------


def test_every_file_in_the_zip_matches_its_manifest_hash(exported) -> None:
    w, path, files = exported
    manifest = files[MANIFEST_NAME].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in manifest)
    assert set(listed) == set(files) - {MANIFEST_NAME}
    for name, sha in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == sha, name
    evidence = sorted(n for n in files if n.startswith("bukti/"))
    assert len(evidence) == 2
    assert {LETTER_NAME, RECORD_NAME} <= set(files)
    with session_scope(w.engine) as s:
        referral = get_referral(session=s, referral_id=1)
        assert referral.package_name == path.name
        assert referral.package_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_evidence_files_are_the_stored_bytes_with_their_hashes(exported) -> None:
    w, _path, files = exported
    record = json.loads(files[RECORD_NAME])
    assert [e["file"] for e in record["evidence"]] == sorted(n for n in files if "bukti/" in n)
    for item in record["evidence"]:
        data = files[item["file"]]
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert w.store.get(item["sha256"]) == data
    kinds = {e["kind"]: e for e in record["evidence"]}
    assert kinds["screenshot"]["file"].endswith(".png")
    assert files[kinds["screenshot"]["file"]].startswith(b"\x89PNG")
    assert kinds["payload"]["file"].endswith(".json")


def test_json_carries_every_field_with_the_database_values(exported) -> None:
    w, _path, files = exported
    r = json.loads(files[RECORD_NAME])
    with session_scope(w.engine) as s:
        flag = s.get(Flag, w.flag_id)
        assert flag is not None
        person = s.get(CivilServant, flag.civil_servant_id)
        account = s.get(Account, flag.account_id)
        assert person is not None and account is not None
        expect_person = {
            "name": "Budi Santoso",
            "nip": person.nip,
            "status": "PNS",
            "position": "Analis Kebijakan",
            "unit": "Bidang Umum",
            "agency": "Dinas Pendidikan Provinsi Contoh",
            "region_code": "31",
            "ppk": "Gubernur",
        }
        assert {k: r["civil_servant"][k] for k in expect_person} == expect_person
        assert r["account"]["platform"] == "x"
        assert r["account"]["handle"] == "budi_santoso"
        assert r["account"]["stable_id"] == account.native_id
        assert r["account"]["url"] == "https://x.com/budi_santoso"
        assert r["account"]["ownership_basis"] == "self_registered"
        assert r["act"]["code"] == "POST"
        assert [i["number"] for i in r["act"]["skb_items"]] == ["2", "4"]
        assert r["act"]["post_id"] == flag.item_id
        assert r["act"]["url"] == flag.item_url
        assert r["act"]["captured_text"] == "Ayo dukung paslon nomor 1! #Menang1"
        assert r["target"]["side_key"] == "paslon-1"
        assert r["target"]["side_name"] == "Paslon Satu Bersatu"
        assert r["target"]["election"] == "Pilkada Contoh 2026"
        assert r["target"]["official_campaign_account"] is True
        assert r["times"]["first_detected"]["utc"] == _utc(flag.first_detected_at)
        assert r["times"]["deadline"]["utc"] == _utc(flag.deadline_at)
        assert flag.act_time is not None
        assert r["times"]["act_time"]["utc"] == _utc(flag.act_time)
        # WIB is UTC+7: the display time is the same instant
        wib = datetime.strptime(r["times"]["deadline"]["wib"], "%d-%m-%Y %H:%M:%S WIB")
        assert wib - flag.deadline_at.replace(tzinfo=None, microsecond=0) == timedelta(hours=7)
    assert r["times"]["capture_time"]["utc"] == min(e["captured_at"]["utc"] for e in r["evidence"])
    assert r["chronology"] == CHRONOLOGY
    assert [w_["username"] for w_ in r["witnesses"]] == ["peninjau1", "peninjau2"]
    assert all(w_["confirmed_at"] for w_ in r["witnesses"])
    for item in r["evidence"]:
        assert item["capture_tool_version"] == "pantau-collect 0.1"
        assert item["captured_by"] == "petugas.sweep"
        assert [c["action"] for c in item["custody"]] == ["captured", "exported"]
        assert item["custody"][1]["actor"] == "petugas"
    verdicts = [(d["reviewer"], d["verdict"], d["round"]) for d in r["review_record"]]
    assert verdicts == [
        ("peninjau1", "clarify", 0),
        ("peninjau1", "confirm", 1),
        ("peninjau2", "confirm", 1),
    ]
    (clar,) = r["clarifications"]
    assert clar["claim"] == "compromised"
    assert clar["reply_text"] == CLAIM_REPLY
    assert clar["checks_made"] == CLAIM_CHECKS
    assert clar["outcome"] == "claim_not_substantiated"
    assert r["referral"]["late"] is False
    assert r["referral"]["reference"].startswith("PNT/RJK/")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _letter_values(r: dict[str, Any]) -> dict[str, str]:
    """What a person must find in the letter, taken from the JSON record."""
    values = {f"civil_servant.{k}": str(v) for k, v in r["civil_servant"].items() if v}
    values |= {
        "account.platform": r["account"]["platform_label"],
        "account.handle": r["account"]["handle"],
        "account.stable_id": r["account"]["stable_id"],
        "account.url": r["account"]["url"],
        "account.ownership": r["account"]["ownership_label"],
        "act.code": r["act"]["code"],
        "act.label": r["act"]["label"],
        "act.post_id": r["act"]["post_id"],
        "act.url": r["act"]["url"],
        "act.text": r["act"]["captured_text"],
        "target.side": r["target"]["side_name"],
        "target.election": r["target"]["election"],
        "target.official": "Akun kampanye resmi (KPU) Ya",
        "chronology": r["chronology"],
        "reference": r["referral"]["reference"],
    }
    for item in r["act"]["skb_items"]:
        values[f"skb.{item['number']}"] = f"butir {item['number']}: {item['text']}"
    for key in ("act_time", "capture_time", "first_detected", "deadline"):
        values[f"times.{key}.utc"] = r["times"][key]["utc"]
        values[f"times.{key}.wib"] = r["times"][key]["wib"]
    for i, e in enumerate(r["evidence"]):
        values[f"evidence.{i}.sha256"] = e["sha256"]
        values[f"evidence.{i}.file"] = e["file"]
        values[f"evidence.{i}.tool"] = e["capture_tool_version"]
        values[f"evidence.{i}.by"] = e["captured_by"]
        for j, c in enumerate(e["custody"]):
            values[f"evidence.{i}.custody.{j}"] = f"({c['action']}) oleh {c['actor']}"
    for i, w in enumerate(r["witnesses"]):
        values[f"witness.{i}"] = f"{w['display_name']} ({w['username']})"
        values[f"witness.{i}.at"] = w["confirmed_at"]["wib"]
    for i, d in enumerate(r["review_record"]):
        values[f"review.{i}"] = f"{d['reviewer']}: {d['verdict_label']}"
        values[f"review.{i}.reason"] = d["reason"]
        values[f"review.{i}.at"] = d["at"]["wib"]
    for i, c in enumerate(r["clarifications"]):
        values[f"clarification.{i}.claim"] = c["claim_label"]
        values[f"clarification.{i}.reply"] = c["reply_text"]
        values[f"clarification.{i}.checks"] = c["checks_made"]
        values[f"clarification.{i}.outcome"] = c["outcome_label"]
    return values


def test_pdf_letter_has_every_field_of_the_json(exported, tmp_path: Path) -> None:
    _w, _path, files = exported
    text = squash(pdf_text(files[LETTER_NAME], tmp_path))
    record = json.loads(files[RECORD_NAME])
    values = _letter_values(record)
    assert len(values) > 50
    missing = {k: v for k, v in values.items() if squash(v) not in text}
    assert missing == {}
    assert squash("Akun diretas / diambil alih") in text  # the hacked-account claim, in words
    assert squash("SURAT PENERUSAN DUGAAN PELANGGARAN NETRALITAS ASN") in text


def test_model_score_and_suggestion_are_absent(exported, tmp_path: Path) -> None:
    w, _path, files = exported
    with session_scope(w.engine) as s:
        flag = s.get(Flag, w.flag_id)
        assert flag is not None and flag.suggestion_score == 0.91
    raw_json = files[RECORD_NAME].decode()
    pdf = pdf_text(files[LETTER_NAME], tmp_path)
    for needle in ("0.91", "0,91", "91%", "tiny-test-1", "label model"):
        assert needle not in raw_json, needle
        assert needle not in pdf, needle
    keys = set(re.findall(r'"([a-z_]+)":', raw_json))
    assert not {
        k for k in keys if "score" in k or "suggest" in k or "model" in k or k == "priority"
    }


# --- who may refer what -----------------------------------------------------------------------


def test_only_confirmed_flags_can_be_referred(engine: Engine, store: EvidenceStore) -> None:
    officer, (first, second) = make_people(engine)
    w = ReferralWorld(engine, store, officer, (first, second), 0)
    open_flag = new_flag(engine, store)
    one_vote = new_flag(engine, store)
    with session_scope(engine) as s:
        decide(session=s, flag_id=one_vote, reviewer=s.merge(first), verdict="confirm")
    dismissed = new_flag(engine, store)
    with session_scope(engine) as s:
        decide(session=s, flag_id=dismissed, reviewer=s.merge(first), verdict="confirm")
    with session_scope(engine) as s:
        decide(
            session=s,
            flag_id=dismissed,
            reviewer=s.merge(second),
            verdict="dismiss",
            reason="berita netral",
        )
    # a stored status that the decisions do not support does not count
    forged = new_flag(engine, store)
    with session_scope(engine) as s:
        s.execute(update(Flag).where(Flag.id == forged).values(status="confirmed"))
    for flag_id, status in (
        (open_flag, "open"),
        (one_vote, "in_review"),
        (dismissed, "dismissed"),
        (forged, "confirmed"),
    ):
        with pytest.raises(ReviewError, match="only confirmed flags can be referred"):
            refer(w, flag_id=flag_id)
        with session_scope(engine) as s:
            flag = s.get(Flag, flag_id)
            assert flag is not None and flag.status == status


def test_referral_sets_witnesses_and_referred_status(world: ReferralWorld) -> None:
    referral_id = refer(world)
    with session_scope(world.engine) as s:
        referral = get_referral(session=s, referral_id=referral_id)
        assert (referral.witness_1, referral.witness_2) == ("peninjau1", "peninjau2")
        assert referral.officer == "petugas"
        assert referral.exported_at is None and referral.late is False
        flag = s.get(Flag, world.flag_id)
        assert flag is not None and flag.status == "referred"
    with pytest.raises(ReviewError, match="already referred"):
        refer(world)


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "auditor"])
def test_only_referral_officers_create_and_export(
    world: ReferralWorld, role: str, tmp_path: Path
) -> None:
    other = make_users(world.engine, (role,))[role]
    with session_scope(world.engine) as s, pytest.raises(PermissionDenied):
        create_referral(
            session=s, flag_id=world.flag_id, officer=s.merge(other), chronology=CHRONOLOGY
        )
    referral_id = refer(world)
    with session_scope(world.engine) as s, pytest.raises(PermissionDenied):
        export_package(
            session=s,
            referral_id=referral_id,
            out_dir=tmp_path,
            officer=s.merge(other),
            store=world.store,
        )
    assert not list(tmp_path.glob("*.zip"))


@pytest.mark.parametrize("chronology", ["", "   ", "terlalu pendek", "x" * 20_001])
def test_chronology_is_required_and_bounded(world: ReferralWorld, chronology: str) -> None:
    with pytest.raises(InputRejected) as caught:
        refer(world, chronology=chronology)
    assert [e.column for e in caught.value.errors] == ["chronology"]
    with session_scope(world.engine) as s:
        flag = s.get(Flag, world.flag_id)
        assert flag is not None and flag.status == "confirmed"


# --- deadlines --------------------------------------------------------------------------------


def test_late_referral_is_marked_late_not_hidden(
    engine: Engine, store: EvidenceStore, tmp_path: Path
) -> None:
    spec = FlagSpec(with_evidence=True, deadline_in=timedelta(days=-1), detected_ago=timedelta(8))
    w = build_world(engine, store, spec=spec, clarify=False)
    path = export(w, refer(w), tmp_path / "out")
    files = unpack(path)
    record = json.loads(files[RECORD_NAME])
    assert record["referral"]["late"] is True
    text = pdf_text(files[LETTER_NAME], tmp_path)
    assert "TERLAMBAT" in text
    assert "ASN tidak dimintai klarifikasi" in text
    with session_scope(engine) as s:
        referral = get_referral(session=s, referral_id=1)
        assert referral.late is True
        first_export = referral.exported_at
    export(w, 1, tmp_path / "out")  # a re-export keeps the first export date and the mark
    with session_scope(engine) as s:
        referral = get_referral(session=s, referral_id=1)
        assert referral.late is True
        assert referral.exported_at == first_export
        assert referral.export_count == 2


def test_on_time_referral_is_not_marked_late(exported, tmp_path: Path) -> None:
    _w, _path, files = exported
    assert "TERLAMBAT" not in pdf_text(files[LETTER_NAME], tmp_path)


NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("deadline", "code", "text"),
    [
        (NOW + timedelta(days=5), "on_time", "sisa 5 hari 0 jam"),
        (NOW + timedelta(days=2), "on_time", "sisa 2 hari 0 jam"),
        (NOW + timedelta(days=1, hours=23), "due_soon", "sisa 1 hari 23 jam"),
        (NOW + timedelta(hours=3), "due_soon", "sisa 3 jam"),
        (NOW - timedelta(hours=1), "late", "lewat 1 jam"),
        (NOW - timedelta(days=3, hours=2), "late", "lewat 3 hari 2 jam"),
    ],
)
def test_deadline_state(deadline: datetime, code: str, text: str) -> None:
    state = deadline_state(deadline, now=NOW, warning_days=2)
    assert (state.code, state.remaining_text) == (code, text)


# --- audit, custody, integrity ----------------------------------------------------------------


def test_creation_export_and_download_are_audited(exported) -> None:
    w, path, _files = exported
    with session_scope(w.engine) as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("referral.%"))))
        assert [(e.action, e.actor) for e in entries] == [
            ("referral.create", "petugas"),
            ("referral.export", "petugas"),
        ]
        assert entries[1].detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entries[0].detail["witnesses"] == ["peninjau1", "peninjau2"]
        viewer = s.scalar(select(User).where(User.username == "petugas"))
        assert viewer is not None
        _ref, opened = open_package(session=s, referral_id=1, out_dir=path.parent, viewer=viewer)
        assert opened == path
    with session_scope(w.engine) as s:
        last = s.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()))
        assert last is not None and last.action == "referral.download"
        assert audit.verify(session=s).ok
        exported_events = s.scalars(
            select(CustodyEvent).where(CustodyEvent.action == "exported")
        ).all()
        linked = s.scalars(select(FlagEvidence.capture_id)).all()
        assert sorted(e.capture_id for e in exported_events) == sorted(linked)


def test_altered_evidence_stops_the_export(world: ReferralWorld, tmp_path: Path) -> None:
    referral_id = refer(world)
    with session_scope(world.engine) as s:
        stmt = select(Capture).join(FlagEvidence, FlagEvidence.capture_id == Capture.id)
        capture = s.scalars(stmt).first()
        assert capture is not None
        target = world.store.path_for(capture.sha256)
    target.write_bytes(b"not zstd any more")
    out = tmp_path / "out"
    with pytest.raises(EvidenceError):
        export(world, referral_id, out)
    assert not out.exists() or not list(out.iterdir())
    with session_scope(world.engine) as s:
        referral = get_referral(session=s, referral_id=referral_id)
        assert (referral.exported_at, referral.export_count) == (None, 0)


def test_download_refuses_an_altered_package(exported) -> None:
    w, path, _files = exported
    path.write_bytes(path.read_bytes() + b"x")
    with session_scope(w.engine) as s:
        viewer = s.scalar(select(User).where(User.username == "petugas"))
        assert viewer is not None
        with pytest.raises(EvidenceError, match="does not match"):
            open_package(session=s, referral_id=1, out_dir=path.parent, viewer=viewer)


def test_hostile_post_text_is_kept_literally(
    engine: Engine, store: EvidenceStore, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script> {{7*7}} \x00\x07 salam 2 jari ✌ 😀"
    spec = FlagSpec(with_evidence=True, text=hostile)
    w = build_world(engine, store, spec=spec, clarify=False)
    files = unpack(export(w, refer(w), tmp_path / "out"))
    assert json.loads(files[RECORD_NAME])["act"]["captured_text"] == hostile
    text = pdf_text(files[LETTER_NAME], tmp_path)
    assert "<script>alert(1)</script> {{7*7}}" in text
    assert "salam 2 jari" in text


def test_letter_shows_the_screenshot_and_survives_a_broken_one(exported, tmp_path: Path) -> None:
    from pantau.review.referral_pdf import render_letter

    _w, _path, files = exported
    record = json.loads(files[RECORD_NAME])
    (shot,) = [e["file"] for e in record["evidence"] if e["kind"] == "screenshot"]
    assert b"/Subtype /Image" in files[LETTER_NAME]
    broken = render_letter(record, created=datetime.now(UTC), images={shot: b"not a png"})
    assert b"/Subtype /Image" not in broken
    assert "tidak dapat ditampilkan" in pdf_text(broken, tmp_path)


def test_referral_on_sqlite_and_postgresql(any_db_url: str, tmp_path: Path) -> None:
    from pantau.store.db import make_engine

    engine = make_engine(any_db_url)
    try:
        w = build_world(engine, EvidenceStore(tmp_path / "evidence"))
        referral_id = refer(w)
        files = unpack(export(w, referral_id, tmp_path / "out"))
        record = json.loads(files[RECORD_NAME])
        assert record["referral"]["reference"] == f"PNT/RJK/{datetime.now(UTC).year}/000001"
        assert [x["username"] for x in record["witnesses"]] == ["peninjau1", "peninjau2"]
        with pytest.raises(ReviewError, match="already referred"):
            refer(w)
        with session_scope(engine) as s:
            assert audit.verify(session=s).ok
    finally:
        engine.dispose()


def test_like_edge_without_act_time(engine: Engine, store: EvidenceStore, tmp_path: Path) -> None:
    spec = FlagSpec(with_evidence=True, act_code="LIKE")
    w = build_world(engine, store, spec=spec, clarify=False)
    with session_scope(engine) as s:
        flag = s.get(Flag, w.flag_id)
        assert flag is not None
        post_id = flag.item_id
        s.execute(
            update(Flag)
            .where(Flag.id == w.flag_id)
            .values(item_type="edge", item_id=f"900001:like:post:{post_id}", act_time=None)
        )
    files = unpack(export(w, refer(w), tmp_path / "out"))
    record = json.loads(files[RECORD_NAME])
    assert record["act"]["item_type"] == "edge"
    assert record["act"]["post_id"] == post_id  # the liked post
    assert record["times"]["act_time"] is None
    assert [i["number"] for i in record["act"]["skb_items"]] == ["4"]
    text = pdf_text(files[LETTER_NAME], tmp_path)
    assert "tidak ditampilkan oleh platform" in text
    assert "Menyukai unggahan calon atau tim kampanye" in text


#: JSON codes the letter shows in words (the code -> the Indonesian shown instead).
CODED = {
    "ownership_basis": {"self_registered": "Didaftarkan sendiri oleh ASN"},
    "side_kind": {"pair": "pasangan calon"},
    "verdict": {"clarify": "Minta klarifikasi", "confirm": "Konfirmasi"},
    "claim": {"compromised": "Akun diretas / diambil alih"},
    "outcome": {"claim_not_substantiated": "Klaim tidak terbukti"},
}


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def test_every_json_value_is_in_the_letter(exported, tmp_path: Path) -> None:
    """Parity the other way round: no value of referral.json is missing from the letter
    (codes appear as their Indonesian words, booleans as Ya/Tidak)."""
    _w, _path, files = exported
    record = json.loads(files[RECORD_NAME])
    text = squash(pdf_text(files[LETTER_NAME], tmp_path))
    missing = []
    for path, value in _leaves(record):
        key = path.rsplit(".", 1)[-1]
        if value is None or value == "" or path == ".schema" or isinstance(value, bool):
            continue
        shown = CODED[key][value] if key in CODED else str(value)
        if squash(shown) not in text:
            missing.append((path, value))
    assert missing == []
    assert squash("Akun kampanye resmi (KPU) Ya") in text
    assert squash("Terlambat Tidak") in text
