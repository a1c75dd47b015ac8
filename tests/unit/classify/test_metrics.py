"""Metric functions against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pantau.classify import metrics

LABELS = ["support", "oppose", "neutral", "unrelated"]
GOLD = ["support", "support", "oppose", "neutral", "unrelated", "unrelated"]
PRED = ["support", "oppose", "oppose", "neutral", "neutral", "unrelated"]


def test_per_class_counts() -> None:
    scores = metrics.per_class(GOLD, PRED, LABELS)
    # support: tp 1, fp 0, fn 1 -> P 1, R 0.5, F1 2/3
    assert scores["support"].precision == 1.0
    assert scores["support"].recall == 0.5
    assert scores["support"].f1 == pytest.approx(2 / 3)
    # oppose: tp 1, fp 1, fn 0 -> P 0.5, R 1, F1 2/3
    assert (scores["oppose"].precision, scores["oppose"].recall) == (0.5, 1.0)
    # neutral: tp 1, fp 1, fn 0 ; unrelated: tp 1, fp 0, fn 1
    assert scores["neutral"].f1 == pytest.approx(2 / 3)
    assert scores["unrelated"].f1 == pytest.approx(2 / 3)
    assert scores["unrelated"].support == 2


def test_macro_f1_includes_absent_classes() -> None:
    assert metrics.macro_f1(GOLD, PRED, LABELS) == pytest.approx(2 / 3)
    # a label never predicted nor present counts as F1 0 in the mean
    assert metrics.macro_f1(["support"], ["support"], ["support", "oppose"]) == 0.5


def test_partisan_f1_merges_support_and_oppose() -> None:
    score = metrics.partisan_f1(GOLD, PRED)
    # partisan gold: rows 0,1,2; predicted partisan: rows 0,1,2 -> perfect
    assert (score.precision, score.recall, score.f1, score.support) == (1.0, 1.0, 1.0, 3)
    score = metrics.partisan_f1(["support", "neutral", "oppose"], ["neutral", "oppose", "oppose"])
    # tp 1 (row 2), fp 1 (row 1), fn 1 (row 0)
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)


def test_expected_calibration_error_by_hand() -> None:
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.45, 0.55]])
    gold = [0, 1, 1, 0]
    # bins (0.5,0.6]: conf .55 wrong -> |0-.55|*1/4 ; (0.6,0.7]: .7 right -> .3/4
    # (0.7,0.8]: .8 wrong -> .8/4 ; (0.8,0.9]: .9 right -> .1/4
    expected = (0.55 + 0.3 + 0.8 + 0.1) / 4
    assert metrics.expected_calibration_error(probs, gold) == pytest.approx(expected)
    assert metrics.expected_calibration_error(np.zeros((0, 2)), []) == 0.0


def test_precision_at_k() -> None:
    scores = [0.9, 0.1, 0.8, 0.7, 0.2]
    relevant = [True, True, False, True, False]
    assert metrics.precision_at_k(scores, relevant, 1) == 1.0
    assert metrics.precision_at_k(scores, relevant, 3) == pytest.approx(2 / 3)
    assert metrics.precision_at_k(scores, relevant, 6) is None


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        metrics.per_class(["a", "b"], ["a"], ["a"])
