"""Rankings by confirmed acts per 1,000 registered civil servants (table-driven)."""

from __future__ import annotations

import pytest

from pantau.review.insight.ranking import rank_per_thousand

CASES = [
    pytest.param(
        {"a": 2, "b": 1},
        {"a": 1000, "b": 100},
        [("b", 1, 10.0), ("a", 2, 2.0)],
        id="rate-not-count",
    ),
    pytest.param(
        {"a": 1, "b": 2, "c": 5},
        {"a": 500, "b": 1000, "c": 1000},
        [("c", 1, 5.0), ("a", 2, 2.0), ("b", 2, 2.0)],
        id="equal-rates-share-a-rank-listed-by-name",
    ),
    pytest.param(
        {"a": 1, "b": 1, "c": 0, "d": 0},
        {"a": 3, "b": 3, "c": 7, "d": 9},
        [("a", 1, 1000 / 3), ("b", 1, 1000 / 3), ("c", 3, 0.0), ("d", 3, 0.0)],
        id="competition-ranking-after-ties",
    ),
    pytest.param(
        {"a": 3, "ghost": 4, "empty": 2},
        {"a": 600, "empty": 0},
        [("a", 1, 5.0)],
        id="zero-asn-and-unregistered-units-excluded",
    ),
    pytest.param({}, {}, [], id="nothing"),
    pytest.param({}, {"a": 10}, [("a", 1, 0.0)], id="no-confirmed-acts"),
]


@pytest.mark.parametrize(("confirmed", "registered", "expected"), CASES)
def test_rank_per_thousand(
    confirmed: dict[str, int],
    registered: dict[str, int],
    expected: list[tuple[str, int, float]],
) -> None:
    rows = rank_per_thousand(confirmed=confirmed, registered=registered)
    assert [(r.key, r.rank) for r in rows] == [(k, rank) for k, rank, _ in expected]
    assert [r.rate for r in rows] == pytest.approx([rate for *_, rate in expected])
    for row in rows:
        assert row.confirmed == confirmed.get(row.key, 0)
        assert row.registered == registered[row.key]


def test_labels_name_the_units() -> None:
    rows = rank_per_thousand(
        confirmed={"1": 1}, registered={"1": 10, "2": 10}, labels={"1": "Dinas X", "2": "Badan Y"}
    )
    assert [(r.label, r.rate) for r in rows] == [("Dinas X", 100.0), ("Badan Y", 0.0)]
