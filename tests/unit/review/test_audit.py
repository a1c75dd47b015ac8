"""The audit trail: hash chain, the first broken link, concurrent appends, audited views."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.orm import Session

from pantau.errors import PermissionDenied
from pantau.review import audit
from pantau.review.models import GENESIS_HASH, AuditEntry, AuditHead, User
from pantau.review.permissions import Permission
from pantau.store.db import make_engine, session_scope


def _append(session: Session, n: int) -> list[AuditEntry]:
    return [
        audit.record(
            session=session,
            actor=f"user{i}",
            action="test.event",
            subject_type="flag",
            subject_id=i,
            detail={"i": i, "teks": "ujaran <b>"},
        )
        for i in range(n)
    ]


def test_entries_chain_each_to_the_previous(session: Session) -> None:
    entries = _append(session, 3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].prev_hash == entries[1].entry_hash
    assert entries[2].subject_id == "2"
    head = session.get(AuditHead, 1)
    assert head is not None and (head.seq, head.last_hash) == (3, entries[2].entry_hash)
    recomputed = audit.entry_hash(
        seq=2,
        at=entries[1].at,
        actor="user1",
        action="test.event",
        subject_type="flag",
        subject_id="1",
        detail={"i": 1, "teks": "ujaran <b>"},
        prev_hash=entries[0].entry_hash,
    )
    assert recomputed == entries[1].entry_hash
    session.commit()
    assert audit.verify(session=session) == audit.VerifyResult(True, 3, 3)


def test_empty_trail_verifies(session: Session) -> None:
    assert audit.verify(session=session) == audit.VerifyResult(True, 0, 0)


def test_verify_catches_an_edited_row(session: Session) -> None:
    _append(session, 5)
    session.commit()
    session.execute(
        update(AuditEntry).where(AuditEntry.seq == 3).values(detail={"i": 99, "teks": "x"})
    )
    session.commit()
    result = audit.verify(session=session)
    assert (result.ok, result.broken_seq, result.checked) == (False, 3, 2)
    assert "entry 3 was altered" in result.reason


def test_verify_catches_an_edited_row_with_recomputed_hash(session: Session) -> None:
    # A forger who recomputes the edited row's own hash still breaks the next link.
    entries = _append(session, 4)
    session.commit()
    forged = audit.entry_hash(
        seq=2,
        at=entries[1].at,
        actor="mallory",
        action="test.event",
        subject_type="flag",
        subject_id="1",
        detail={"i": 1, "teks": "ujaran <b>"},
        prev_hash=entries[0].entry_hash,
    )
    session.execute(
        update(AuditEntry).where(AuditEntry.seq == 2).values(actor="mallory", entry_hash=forged)
    )
    session.commit()
    result = audit.verify(session=session)
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "does not link to entry 2" in result.reason


def test_verify_catches_a_deleted_row(session: Session) -> None:
    _append(session, 5)
    session.commit()
    session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    session.commit()
    result = audit.verify(session=session)
    assert (result.ok, result.broken_seq, result.checked) == (False, 2, 1)
    assert "entry 2 is missing" in result.reason


def test_verify_catches_a_deleted_last_row(session: Session) -> None:
    _append(session, 4)
    session.commit()
    session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    session.commit()
    result = audit.verify(session=session)
    assert (result.ok, result.broken_seq, result.checked, result.head_seq) == (False, 4, 3, 4)
    assert "removed from the end" in result.reason


def test_verify_catches_reordered_rows(session: Session) -> None:
    _append(session, 5)
    session.commit()
    # Swap entries 2 and 4 (through a free seq, the primary key).
    session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(seq=100))
    session.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(seq=2))
    session.execute(update(AuditEntry).where(AuditEntry.seq == 100).values(seq=4))
    session.commit()
    result = audit.verify(session=session)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "does not link to entry 1" in result.reason


def test_detail_is_stored_as_hashed_json(session: Session) -> None:
    entry = audit.record(
        session=session,
        actor="system:test",
        action="x",
        detail={"when": threading, "n": 1},  # a non-JSON value is stored as its str
    )
    session.commit()
    assert entry.detail["n"] == 1 and entry.detail["when"].startswith("<module 'threading'")
    assert audit.verify(session=session).ok


def test_audit_view_checks_permission_then_records(engine: Engine, session: Session) -> None:
    from tests.support.review_app import make_users

    made = make_users(engine, ("admin", "reviewer"))
    admin = session.get(User, made["admin"].id)
    reviewer = session.get(User, made["reviewer"].id)
    assert admin is not None and reviewer is not None
    before = audit.count_entries(session=session)
    with pytest.raises(PermissionDenied):
        audit.audit_view(
            session=session,
            principal=admin,
            permission=Permission.ASN_RECORD_VIEW,
            subject_type="civil_servant",
            subject_id=7,
        )
    assert audit.count_entries(session=session) == before
    entry = audit.audit_view(
        session=session,
        principal=reviewer,
        permission=Permission.ASN_RECORD_VIEW,
        subject_type="civil_servant",
        subject_id=7,
        detail={"page": "flag"},
    )
    assert (entry.actor, entry.action, entry.subject_type, entry.subject_id) == (
        "reviewer",
        "view",
        "civil_servant",
        "7",
    )
    assert entry.detail == {"permission": "asn_record.view", "page": "flag"}


def test_rolled_back_action_leaves_no_entry_and_no_gap(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        audit.record(session=s, actor="a", action="doomed")
        raise RuntimeError("the action failed")
    with session_scope(engine) as s:
        entry = audit.record(session=s, actor="a", action="kept")
    assert entry.seq == 1
    with session_scope(engine) as s:
        assert audit.verify(session=s).ok


@pytest.mark.slow
def test_concurrent_appends_keep_the_chain_valid(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    threads_n, per_thread = 4, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def worker(k: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with session_scope(engine) as s:
                    audit.record(session=s, actor=f"w{k}", action="race", subject_id=i)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        result = audit.verify(session=s)
        seqs = s.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars().all()
        per_actor = s.execute(
            text("SELECT actor, count(*) FROM audit_entry GROUP BY actor ORDER BY actor")
        ).all()
    engine.dispose()
    total = threads_n * per_thread
    assert result == audit.VerifyResult(True, total, total)
    assert seqs == list(range(1, total + 1))
    assert [tuple(r) for r in per_actor] == [(f"w{k}", per_thread) for k in range(threads_n)]


def test_long_fields_are_cut_to_the_columns_and_still_verify(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    with session_scope(engine) as s:
        entry = audit.record(
            session=s,
            actor="a" * 300,
            action="b" * 300,
            subject_type="c" * 300,
            subject_id="d" * 300,
        )
        assert (len(entry.actor), len(entry.action), len(entry.subject_id)) == (100, 64, 128)
    with session_scope(engine) as s:
        assert audit.verify(session=s) == audit.VerifyResult(True, 1, 1)
    engine.dispose()


def test_verify_while_appends_continue_reports_no_false_break(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    with session_scope(engine) as s:
        for i in range(30):
            audit.record(session=s, actor="seed", action="x", subject_id=i)
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 200:
            with session_scope(engine) as s:
                audit.record(session=s, actor="busy", action="x", subject_id=i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = []
        for _ in range(5):
            with session_scope(engine) as s:
                results.append(audit.verify(session=s))
    finally:
        stop.set()
        thread.join()
    engine.dispose()
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    assert all(r.checked == r.head_seq >= 30 for r in results)
