"""Decisions and the queue on migrated SQLite and PostgreSQL: keyset pagination with
timestamptz row comparisons, and two reviewers confirming at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine

from pantau.detect.models import Flag
from pantau.review import users
from pantau.review.decisions import decide
from pantau.review.models import User
from pantau.review.queue import list_queue
from pantau.store.db import make_engine, session_scope, utcnow
from tests.support.review_app import OPERATOR, PASSWORD
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag


def _setup(engine: Engine, flags: int) -> tuple[list[User], list[int]]:
    now = utcnow()
    with session_scope(engine) as s:
        reviewers = [
            users.add_user(
                session=s, actor=OPERATOR, username=f"rev{i}", role="reviewer", password=PASSWORD
            )
            for i in (1, 2)
        ]
        agency = make_agency(s)
        ids = []
        for i in range(flags):
            person, account = make_asn(s, agency=agency)
            # pairs of equal deadlines: the tie is broken by priority, then id
            spec = FlagSpec(deadline_in=timedelta(hours=i // 2), priority=float(i % 3))
            ids.append(make_flag(s, person=person, account=account, spec=spec, now=now).id)
    return reviewers, ids


def test_keyset_pages_on_both_databases(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        reviewers, ids = _setup(engine, 9)
        with session_scope(engine) as s:
            everything = [r.flag.id for r in list_queue(session=s, principal=reviewers[0]).rows]
            seen: list[int] = []
            cursor = None
            while True:
                page = list_queue(session=s, principal=reviewers[0], limit=2, after=cursor)
                seen += [r.flag.id for r in page.rows]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        assert sorted(everything) == sorted(ids)
        assert seen == everything
        with session_scope(engine) as s:
            flags = [s.get(Flag, i) for i in everything]
            keys = [(f.deadline_at, f.queue_rank, f.id) for f in flags if f is not None]
        assert keys == sorted(keys)
    finally:
        engine.dispose()


def test_simultaneous_confirmations_still_confirm(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        reviewers, ids = _setup(engine, 1)
        flag_id = ids[0]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def confirm(reviewer: User) -> None:
            try:
                with session_scope(engine) as s:
                    barrier.wait(timeout=30)
                    decide(
                        session=s, flag_id=flag_id, reviewer=s.merge(reviewer), verdict="confirm"
                    )
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=confirm, args=(r,)) for r in reviewers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        with session_scope(engine) as s:
            flag = s.get(Flag, flag_id)
            assert flag is not None
            assert flag.status == "confirmed"
    finally:
        engine.dispose()
