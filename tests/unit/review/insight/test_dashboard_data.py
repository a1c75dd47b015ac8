"""Dashboard figures from a seeded database: series, rankings, sweep health, backlog."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pantau.review.insight import dashboard as data
from tests.support.insight_world import HOSTILE_AGENCY, NOW, seed_flags, seed_sweep, seed_world

WIB = ZoneInfo("Asia/Jakarta")


def _period(days: int = 7) -> data.Period:
    return data.Period.ending(now=NOW, days=days, zone=WIB)


def test_period_is_whole_wib_days() -> None:
    period = _period(7)
    assert (period.first, period.last) == (date(2026, 11, 12), date(2026, 11, 18))
    assert period.start.astimezone(WIB).hour == 0
    assert len(period.days()) == 7


def test_flags_over_time_by_act_and_platform(session: Session) -> None:
    world = seed_world(session)
    seed_flags(session, world)
    series = data.flags_over_time(session=session, period=_period(7))
    assert series["flags-act"].total() == 9
    assert series["confirmed-act"].total() == 4  # confirmed + referred
    confirmed = series["confirmed-act"].counts
    assert sum(confirmed["POST"]) == 2 and sum(confirmed["LIKE"]) == 1
    assert sum(confirmed["SHARE"]) == 1 and sum(confirmed["COMMENT"]) == 0
    by_platform = series["confirmed-platform"].counts
    assert sum(by_platform["x"]) == 3 and sum(by_platform["instagram"]) == 1
    # the flag detected 0.1 day before NOW (12:00 WIB) falls on the last day
    assert series["flags-act"].counts["POST"][-1] == 1
    # a period that ends before the flags sees none
    early = data.Period(date(2026, 10, 1), date(2026, 10, 7), WIB)
    assert data.flags_over_time(session=session, period=early)["flags-act"].total() == 0


def test_agency_ranking_per_thousand_excludes_agency_without_asn(session: Session) -> None:
    world = seed_world(session)
    seed_flags(session, world)
    rows = data.agency_ranking(session=session, period=_period(7))
    # A: 3 confirmed / 4 ASN = 750 per 1,000; B: 1 / 2 = 500; C has no ASN: not ranked
    assert [(r.label, r.rank, r.confirmed, r.registered) for r in rows] == [
        (HOSTILE_AGENCY, 1, 3, 4),
        ("Dinas Pendidikan B", 2, 1, 2),
    ]
    assert [r.rate for r in rows] == [750.0, 500.0]
    regions = data.region_ranking(session=session, period=_period(7))
    assert [(r.key, r.rate) for r in regions] == [("31", 750.0), ("32", 500.0)]


def test_sweep_health_counts_each_account_once_per_night(session: Session) -> None:
    world = seed_world(session)
    seed_sweep(session, world)
    health = data.sweep_health(session=session, period=_period(7))
    last = -1  # the run started 01:00 WIB on the period's last day
    x = {k: v[last] for k, v in health["x"].counts.items()}
    assert x == {"collected": 1, "failed": 1, "blocked": 1, "unobservable": 0}
    ig = {k: v[last] for k, v in health["instagram"].counts.items()}
    assert ig == {"collected": 1, "failed": 0, "blocked": 0, "unobservable": 1}
    assert health["tiktok"].total() == 0
    only_x = data.sweep_health(session=session, period=_period(7), platform="x")
    assert only_x["x"].counts == health["x"].counts
    assert only_x["instagram"].total() == 0  # not read


def test_backlog_buckets_and_deadlines_at_risk(session: Session) -> None:
    world = seed_world(session)
    seed_flags(session, world)
    backlog = data.backlog(session=session, now=NOW, warning_days=2)
    assert backlog.by_status == {"open": 2, "in_review": 1, "awaiting_clarification": 1}
    assert {b: sum(s.values()) for b, s in backlog.buckets.items()} == {
        "lewat tenggat": 1,
        "≤ 1 hari": 1,
        "berisiko": 1,
        "aman": 1,
    }
    # due within the warning window and not yet overdue, soonest first
    assert [r.status for r in backlog.at_risk] == ["in_review", "awaiting_clarification"]
    assert backlog.at_risk[0].agency == HOSTILE_AGENCY
