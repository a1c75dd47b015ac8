"""The dashboard's and fairness panel's queries give the same figures on SQLite and PostgreSQL
(migrated schema, time-zone-aware comparisons, CASE buckets, GROUP BY)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pantau.review.insight import dashboard as data
from pantau.review.insight.fairness import fairness_report
from pantau.store.db import make_engine, session_scope
from tests.support.insight_world import NOW, seed_flags, seed_side_flags, seed_sweep, seed_world


def test_figures_on_both_databases(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    period = data.Period.ending(now=NOW, days=7, zone=ZoneInfo("Asia/Jakarta"))
    try:
        with session_scope(engine) as s:
            world = seed_world(s)
            seed_flags(s, world)
            seed_sweep(s, world)
            seed_side_flags(s, world, skewed=True)
        with session_scope(engine) as s:
            series = data.flags_over_time(session=s, period=period)
            assert (series["flags-act"].total(), series["confirmed-act"].total()) == (29, 16)
            ranking = data.agency_ranking(session=s, period=period)
            assert [(r.rank, r.confirmed, r.registered) for r in ranking] == [
                (1, 15, 4),
                (2, 1, 2),
            ]
            health = data.sweep_health(session=s, period=period)
            assert [health["x"].counts[k][-1] for k in data.SWEEP_OUTCOMES] == [1, 1, 1, 0]
            backlog = data.backlog(session=s, now=NOW, warning_days=2)
            assert [sum(v.values()) for v in backlog.buckets.values()] == [1, 1, 1, 1]
            assert len(backlog.at_risk) == 2
            # no warning window: "at risk" folds into "safe", nothing counted twice
            none = data.backlog(session=s, now=NOW, warning_days=0)
            assert [sum(v.values()) for v in none.buckets.values()] == [1, 1, 0, 2]
            one_day = data.Period.ending(now=NOW, days=1, zone=period.zone)
            today = data.flags_over_time(session=s, period=one_day)["flags-act"]
            assert today.counts["POST"] == [1] and today.total() == 1
            report = fairness_report(session=s, threshold=0.15, min_flags=5)
            assert [(x.side, x.raised, x.classified_posts) for x in report.sides] == [
                ("paslon-1", 16, 40),
                ("paslon-2", 13, 40),
            ]
            assert {w.metric for w in report.warnings} == {"precision"}
    finally:
        engine.dispose()
