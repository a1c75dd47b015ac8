"""The fairness panel's figures and warning, on constructed balanced and skewed data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pantau.review.insight.fairness import (
    SideFigures,
    compare,
    deployed_counterfactual,
    fairness_report,
)
from tests.support.insight_world import seed_side_flags, seed_world


def _report(session: Session, model_dir: Path | None = None, threshold: float = 0.15):  # type: ignore[no-untyped-def]
    return fairness_report(session=session, threshold=threshold, min_flags=5, model_dir=model_dir)


def test_skewed_precision_warns_for_both_departing_sides(session: Session) -> None:
    seed_side_flags(session, seed_world(session), skewed=True)
    report = _report(session)
    by_side = {s.side: s for s in report.sides}
    one, two = by_side["paslon-1"], by_side["paslon-2"]
    assert (one.raised, one.confirmed, one.dismissed) == (10, 9, 1)
    assert (two.raised, two.confirmed, two.dismissed) == (10, 3, 7)
    assert one.precision == pytest.approx(0.9) and two.precision == pytest.approx(0.3)
    assert one.flag_rate == pytest.approx(10 / 40) and two.flag_rate == pytest.approx(10 / 40)
    assert {(w.side, w.metric) for w in report.warnings} == {
        ("paslon-1", "precision"),
        ("paslon-2", "precision"),
    }
    assert report.warnings[0].gap == pytest.approx(0.6)
    assert "berbeda +0.60" in report.warnings[0].message()


def test_balanced_sides_do_not_warn(session: Session) -> None:
    seed_side_flags(session, seed_world(session), skewed=False)
    report = _report(session)
    assert [s.precision for s in report.sides] == pytest.approx([0.8, 0.8])
    assert report.warnings == []
    # the same data, judged with a threshold the skew would not pass either
    assert _report(session, threshold=0.01).warnings == []


def test_flag_rate_warning_and_minimum_support() -> None:
    sides = [
        SideFigures("a", "A", raised=30, classified_posts=100),
        SideFigures("b", "B", raised=10, classified_posts=100),
        SideFigures("c", "C", raised=12, classified_posts=100),
        SideFigures("tiny", "T", raised=4, classified_posts=4),  # too few posts to compare
    ]
    warnings = compare(sides, threshold=0.15, min_flags=5)
    assert [(w.side, w.metric) for w in warnings] == [("a", "flag_rate")]
    assert warnings[0].others == pytest.approx(0.11)
    assert compare(sides[:1], threshold=0.15, min_flags=5) == []  # nobody to compare with


def test_counterfactual_from_the_deployed_model_card(tmp_path: Path, session: Session) -> None:
    assert deployed_counterfactual(tmp_path / "missing") == ("", {})
    model = tmp_path / "default"
    model.mkdir()
    info = {
        "model": {"name": "default"},
        "fairness": {
            "test": {
                "counterfactual": {
                    "pairs": 120,
                    "decision_change_rate": 0.025,
                    "label_change_rate": 0.05,
                },
                "precision_gap": 0.04,
            },
            "heldout:some_new_source": {"counterfactual": {"pairs": 3}},
        },
    }
    (model / "metrics.json").write_text(json.dumps(info), encoding="utf-8")
    name, cf = deployed_counterfactual(model)
    assert name == "default"
    assert cf["heldout:some_new_source"]["name"] == "heldout:some_new_source"  # unknown: as is
    assert cf["heldout:some_new_source"]["pairs"] == 3
    del cf["heldout:some_new_source"]
    assert cf == {
        "test": {
            "name": "pembagian uji acak",
            "pairs": 120,
            "decision_change_rate": 0.025,
            "label_change_rate": 0.05,
            "precision_gap": 0.04,
        }
    }
    seed_world(session)
    report = _report(session, model_dir=model)
    assert report.as_dict()["counterfactual"]["test"]["pairs"] == 120
    assert [s["side"] for s in report.as_dict()["sides"]] == ["paslon-1", "paslon-2"]
    (model / "metrics.json").write_text("{not json", encoding="utf-8")
    assert deployed_counterfactual(model) == ("default", {})
