"""Metric functions (pure): per-class P/R/F1, macro-F1, partisan F1, ECE, precision at k.

Kept free of scikit-learn so that each formula is visible and tested against hand-computed
values; a class with no predictions has precision 0 (and no support, recall 0), like
scikit-learn's ``zero_division=0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

PARTISAN_LABELS = frozenset({"support", "oppose"})


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 from counts (0 where a denominator is 0)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, tp + fn)


def per_class(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, PRF]:
    """One-vs-rest precision/recall/F1 for each of ``labels``."""
    _same_length(gold, pred)
    out: dict[str, PRF] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        out[label] = prf(tp, fp, fn)
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 over ``labels`` (all of them, present or not)."""
    scores = per_class(gold, pred, labels)
    return float(np.mean([scores[label].f1 for label in labels]))


def partisan_f1(gold: Sequence[str], pred: Sequence[str]) -> PRF:
    """support+oppose against the rest: the decision that puts a post in the review queue."""
    g = ["partisan" if x in PARTISAN_LABELS else "other" for x in gold]
    p = ["partisan" if x in PARTISAN_LABELS else "other" for x in pred]
    return per_class(g, p, ["partisan"])["partisan"]


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    _same_length(gold, pred)
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def expected_calibration_error(
    probs: npt.NDArray[np.floating], gold_index: Sequence[int], *, bins: int = 10
) -> float:
    """ECE of the top-class confidence: sum over equal-width bins of |acc - conf| * share."""
    probs = np.asarray(probs, dtype=np.float64)
    if len(probs) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == np.asarray(gold_index)).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds confidences in (edges[i], edges[i+1]]; a confidence of 0 falls in bin 0.
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            ece += abs(correct[members].mean() - confidence[members].mean()) * members.mean()
    return float(ece)


def precision_at_k(scores: Sequence[float], relevant: Sequence[bool], k: int) -> float | None:
    """Share of relevant items among the ``k`` highest scores (None if fewer than k items)."""
    if len(scores) != len(relevant):
        raise ValueError("scores and relevance differ in length")
    if len(scores) < k:
        return None
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:k]
    return float(np.mean([relevant[i] for i in order]))


def _same_length(gold: Sequence[str], pred: Sequence[str]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
