"""Evidence store: content addressing, idempotent put, tamper detection, append-only custody."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import zstandard
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture, CrawlRun, EvidenceLink
from pantau.errors import EvidenceError

BODY = b'{"data": {"user": {"result": {"rest_id": "42"}}}}'
SHA = hashlib.sha256(BODY).hexdigest()


def _put(store: EvidenceStore, session: Session, data: bytes = BODY, **extra: object) -> Capture:
    values: dict[str, object] = {
        "kind": "payload",
        "content_type": "application/json",
        "platform": "x",
        "url": "https://x.com/i/api/graphql/abc/UserByScreenName",
        "op_name": "UserByScreenName",
        "monitoring_session": "mon-1",
        "collector_version": "test-1",
        "captured_by": "tester",
    }
    values.update(extra)
    return store.put(session=session, data=data, **values)  # type: ignore[arg-type]


def test_put_stores_compressed_file_named_by_hash(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    path = tmp_path / "ev" / SHA[:2] / SHA[2:4] / f"{SHA}.zst"
    assert capture.sha256 == SHA
    assert capture.stored_path == f"{SHA[:2]}/{SHA[2:4]}/{SHA}.zst"
    assert capture.size_bytes == len(BODY)
    assert path.exists()
    assert zstandard.ZstdDecompressor().decompress(path.read_bytes()) == BODY
    assert store.get(SHA) == BODY


def test_put_is_idempotent_on_the_same_bytes(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    run = CrawlRun(trigger="test")
    session.add(run)
    session.flush()
    first = _put(store, session, run_id=run.id)
    second = _put(store, session, url="https://elsewhere.example/")
    assert second.id == first.id
    assert session.scalar(select(func.count()).select_from(Capture)) == 1
    events = store.custody(session=session, capture=first)
    assert [(e.action, e.actor) for e in events] == [("captured", "tester")]
    assert first.run_id == run.id


def test_different_bytes_are_different_captures(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    a = _put(store, session)
    b = _put(store, session, data=BODY + b"\n", kind="page", content_type="text/html")
    assert a.id != b.id and a.sha256 != b.sha256
    assert b.kind == "page"


def test_unknown_kind_is_refused(tmp_path: Path, session: Session) -> None:
    with pytest.raises(EvidenceError, match="unknown capture kind"):
        _put(EvidenceStore(tmp_path / "ev"), session, kind="video")


def test_verify_detects_tampering_and_missing_files(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    good = _put(store, session, data=b"good")
    tampered = _put(store, session, data=b"original")
    gone = _put(store, session, data=b"soon gone")
    clean = store.verify(session=session)
    assert clean.ok and clean.checked == 3 and clean.intact == 3
    # Replace a file with a validly compressed but different body, and delete another.
    store.path_for(tampered.sha256).write_bytes(zstandard.ZstdCompressor().compress(b"forged"))
    store.path_for(gone.sha256).unlink()
    report = store.verify(session=session, actor="auditor")
    assert not report.ok
    assert report.mismatched == [tampered.sha256]
    assert report.missing == [gone.sha256]
    assert report.intact == 1
    with pytest.raises(EvidenceError, match="does not match"):
        store.get(tampered.sha256)
    with pytest.raises(EvidenceError, match="missing"):
        store.get(gone.sha256)
    assert store.get(good.sha256) == b"good"
    details = [e.detail for e in store.custody(session=session, capture=tampered)]
    assert details[-2:] == ["ok", "mismatch"]


def test_verify_flags_a_corrupt_file(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    store.path_for(capture.sha256).write_bytes(b"not zstd at all")
    assert store.verify(session=session).mismatched == [capture.sha256]


def test_put_restores_a_missing_file_for_a_known_capture(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    store.path_for(SHA).unlink()
    again = _put(store, session)
    assert again.id == capture.id
    assert store.get(SHA) == BODY


def test_custody_is_append_only(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    store.record_custody(session=session, capture=capture, action="exported", actor="officer")
    events = store.custody(session=session, capture=capture)
    assert [e.action for e in events] == ["captured", "exported"]
    event = events[0]
    event.detail = "rewritten history"
    with pytest.raises(EvidenceError, match="append-only"):
        session.flush()


def test_delete_of_a_custody_event_is_refused(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    (event,) = store.custody(session=session, capture=capture)
    session.delete(event)
    with pytest.raises(EvidenceError, match="append-only"):
        session.flush()


def test_link_is_idempotent(tmp_path: Path, session: Session) -> None:
    store = EvidenceStore(tmp_path / "ev")
    capture = _put(store, session)
    a = store.link(session=session, capture=capture, platform="x", item_type="post", item_id="1")
    b = store.link(session=session, capture=capture, platform="x", item_type="post", item_id="1")
    assert a.id == b.id
    assert session.scalar(select(func.count()).select_from(EvidenceLink)) == 1
    with pytest.raises(EvidenceError, match="unknown item type"):
        store.link(session=session, capture=capture, platform="x", item_type="page", item_id="1")


def test_bad_hash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="not a SHA-256"):
        EvidenceStore(tmp_path).get("../../etc/passwd")


def test_cli_verify_reports_and_exits_nonzero_on_tampering(isolated_settings: Path) -> None:
    from pantau.config import get_settings
    from pantau.store import migrate
    from pantau.store.db import make_engine, session_scope

    settings = get_settings()
    migrate.upgrade(settings.db_url)
    store = EvidenceStore(settings.evidence_path)
    engine = make_engine(settings.db_url)
    with session_scope(engine) as session:
        capture = _put(store, session)
        sha = capture.sha256
    runner = CliRunner()
    ok = runner.invoke(app, ["evidence", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "1 captures checked: 1 intact, 0 missing, 0 altered" in ok.output
    custody = runner.invoke(app, ["evidence", "custody", sha])
    assert custody.exit_code == 0, custody.output
    assert "captured" in custody.output and "verified" in custody.output
    store.path_for(sha).write_bytes(zstandard.ZstdCompressor().compress(b"forged"))
    bad = runner.invoke(app, ["evidence", "verify"])
    assert bad.exit_code == 1
    assert "hash mismatch" in bad.output and sha in bad.output
    engine.dispose()
