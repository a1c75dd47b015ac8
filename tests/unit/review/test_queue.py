"""The review queue: ordering, filters, counts and keyset pagination (table-driven)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from pantau.detect.models import Flag
from pantau.errors import InputRejected, PermissionDenied
from pantau.review import users
from pantau.review.models import User
from pantau.review.permissions import Operator
from pantau.review.queue import (
    QueueFilters,
    decode_cursor,
    encode_cursor,
    list_queue,
    queue_counts,
)
from pantau.store.db import utcnow
from tests.support.review_app import OPERATOR, PASSWORD
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag

NOW = utcnow()
D = timedelta(days=1)
H = timedelta(hours=1)

# name: (agency, platform, act, side, status, deadline in, priority, detected ago)
ROWS: dict[str, tuple[str, str, str, str, str, timedelta, float, timedelta]] = {
    "late": ("A", "x", "POST", "paslon-1", "open", -D, 0.5, 8 * D),
    "soon-high": ("A", "x", "LIKE", "paslon-2", "in_review", 1 * D, 2.7, 6 * D),
    "soon-low": ("B", "instagram", "LIKE", "paslon-1", "open", 1 * D, 0.3, 6 * D),
    "mid": ("B", "tiktok", "COMMENT", "paslon-2", "awaiting_clarification", 3 * D, 1.0, 4 * D),
    "far": ("A", "x", "SHARE", "paslon-1", "open", 6 * D, 2.0, 1 * D),
    "done": ("A", "x", "POST", "paslon-1", "confirmed", 2 * D, 3.0, 5 * D),
    "gone": ("B", "x", "POST", "paslon-2", "dismissed", 4 * D, 3.0, 3 * D),
}


@pytest.fixture
def world(session: Session) -> tuple[Session, User, dict[str, int], dict[str, int]]:
    agencies = {"A": make_agency(session, region="31"), "B": make_agency(session, region="32")}
    names: dict[str, int] = {}
    for name, (ag, platform, act, side, status, due, prio, ago) in ROWS.items():
        person, account = make_asn(
            session, agency=agencies[ag], platform=platform, handle=f"h_{name}"
        )
        spec = FlagSpec(
            act_code=act,
            status=status,
            deadline_in=due,
            priority=prio,
            side=side,
            detected_ago=ago,
        )
        names[name] = make_flag(session, person=person, account=account, spec=spec, now=NOW).id
    viewer = users.add_user(
        session=session, actor=OPERATOR, username="an", role="analyst", password=PASSWORD
    )
    return session, viewer, names, {k: v.id for k, v in agencies.items()}


def _names(page_ids: list[int], names: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in names.items()}
    return [by_id[i] for i in page_ids]


@pytest.mark.parametrize(
    ("filters", "want"),
    [
        ({}, ["late", "soon-high", "soon-low", "mid", "far"]),
        ({"statuses": ("open",)}, ["late", "soon-low", "far"]),
        ({"statuses": ("confirmed", "dismissed")}, ["done", "gone"]),
        ({"agency": "B"}, ["soon-low", "mid"]),
        ({"region_code": "31"}, ["late", "soon-high", "far"]),
        ({"platform": "x"}, ["late", "soon-high", "far"]),
        ({"act_code": "LIKE"}, ["soon-high", "soon-low"]),
        ({"side": "paslon-2"}, ["soon-high", "mid"]),
        ({"platform": "x", "side": "paslon-1"}, ["late", "far"]),
        ({"detected_from": 5 * D}, ["mid", "far"]),  # detected within the last 5 days
        ({"detected_to": 5 * D}, ["late", "soon-high", "soon-low"]),
        ({"platform": "facebook"}, []),
    ],
    ids=lambda v: str(v) if not isinstance(v, list) else "",
)
def test_order_and_filters(world, filters: dict[str, object], want: list[str]) -> None:
    session, viewer, names, agencies = world
    args: dict[str, object] = dict(filters)
    if "agency" in args:
        args["agency_id"] = agencies[str(args.pop("agency"))]
    for key in ("detected_from", "detected_to"):
        if key in args:
            args[key] = NOW - args[key]  # type: ignore[operator]
    page = list_queue(session=session, principal=viewer, filters=QueueFilters(**args), now=NOW)  # type: ignore[arg-type]
    assert _names([r.flag.id for r in page.rows], names) == want
    assert page.next_cursor is None


def test_rows_carry_handle_agency_and_deadline_marks(world) -> None:
    session, viewer, names, _agencies = world
    rows = {r.flag.id: r for r in list_queue(session=session, principal=viewer, now=NOW).rows}
    late, soon, far = rows[names["late"]], rows[names["soon-high"]], rows[names["far"]]
    assert (late.handle, late.overdue, late.due_soon) == ("h_late", True, False)
    assert (soon.overdue, soon.due_soon) == (False, True)
    assert (far.overdue, far.due_soon) == (False, False)
    assert late.agency_name.startswith("Dinas Contoh")


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
def test_keyset_pages_cover_the_queue_once_in_order(world, size: int) -> None:
    session, viewer, names, _agencies = world
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = list_queue(session=session, principal=viewer, after=cursor, limit=size, now=NOW)
        seen += [r.flag.id for r in page.rows]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert _names(seen, names) == ["late", "soon-high", "soon-low", "mid", "far"]
    assert pages == -(-5 // size)


def test_pagination_is_stable_when_flags_change_status(world) -> None:
    session, viewer, names, _agencies = world
    first = list_queue(session=session, principal=viewer, limit=2, now=NOW)
    assert _names([r.flag.id for r in first.rows], names) == ["late", "soon-high"]
    # "soon-low" is decided while the reviewer reads page 1: page 2 neither repeats nor skips.
    flag = session.get(Flag, names["soon-low"])
    assert flag is not None
    flag.status = "dismissed"
    session.flush()
    second = list_queue(session=session, principal=viewer, limit=2, after=first.next_cursor)
    assert _names([r.flag.id for r in second.rows], names) == ["mid", "far"]


def test_equal_deadlines_order_by_priority_then_id(session: Session) -> None:
    agency = make_agency(session)
    viewer = users.add_user(
        session=session, actor=OPERATOR, username="rv", role="reviewer", password=PASSWORD
    )
    ids = []
    for prio in (1.0, 3.0, 3.0, 2.0):
        person, account = make_asn(session, agency=agency)
        flag = make_flag(session, person=person, account=account, spec=FlagSpec(priority=prio))
        flag.deadline_at = NOW + 2 * D
        ids.append(flag.id)
    session.flush()
    got = [r.flag.id for r in list_queue(session=session, principal=viewer, now=NOW).rows]
    assert got == [ids[1], ids[2], ids[3], ids[0]]
    pages = [list_queue(session=session, principal=viewer, limit=1, now=NOW)]
    while pages[-1].next_cursor:
        pages.append(
            list_queue(session=session, principal=viewer, limit=1, after=pages[-1].next_cursor)
        )
    assert [p.rows[0].flag.id for p in pages] == got


def test_counts(world) -> None:
    session, viewer, _names, agencies = world
    counts = queue_counts(session=session, principal=viewer, now=NOW)
    assert counts.by_status == {
        "open": 3,
        "in_review": 1,
        "awaiting_clarification": 1,
        "confirmed": 1,
        "dismissed": 1,
        "referred": 0,
    }
    assert (counts.overdue, counts.due_soon) == (1, 2)
    only_b = queue_counts(
        session=session, principal=viewer, filters=QueueFilters(agency_id=agencies["B"]), now=NOW
    )
    assert only_b.by_status["open"] == 1 and only_b.by_status["dismissed"] == 1
    capped = queue_counts(session=session, principal=viewer, now=NOW, cap=2)
    assert capped.by_status["open"] == 2
    assert capped.shown(capped.by_status["open"]) == "≥2"
    assert capped.shown(1) == "1"


def test_cursor_round_trip_and_garbage(world) -> None:
    key = (NOW, -2.5, 42)
    assert decode_cursor(encode_cursor(key)) == key
    for bad in ("", "bm90LWEtY3Vyc29y", "!!!", encode_cursor(key)[:-3]):
        with pytest.raises(InputRejected):
            decode_cursor(bad)
    session, viewer, _names, _agencies = world
    with pytest.raises(InputRejected, match="queue filter rejected"):
        list_queue(session=session, principal=viewer, filters=QueueFilters(statuses=("nope",)))


def test_queue_needs_queue_view(world) -> None:
    session, _viewer, _names, _agencies = world
    with pytest.raises(PermissionDenied):
        list_queue(session=session, principal=Operator("root"))
    with pytest.raises(PermissionDenied):
        queue_counts(session=session, principal=Operator("root"))
