"""Evaluation of a classifier on labelled examples: the numbers the model card reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from pantau.classify import metrics

TOP_K = (50, 100, 500)


def report(
    gold: Sequence[str], probs: npt.NDArray[np.floating], labels: Sequence[str]
) -> dict[str, Any]:
    """Every metric for one split from gold labels and predicted probabilities."""
    probs = np.asarray(probs)
    pred = [labels[i] for i in probs.argmax(axis=1)] if len(probs) else []
    index = {label: i for i, label in enumerate(labels)}
    partisan_cols = [index[x] for x in labels if x in metrics.PARTISAN_LABELS]
    flag_score = probs[:, partisan_cols].sum(axis=1) if len(probs) else np.zeros(0)
    relevant = [g in metrics.PARTISAN_LABELS for g in gold]
    return {
        "n": len(gold),
        "gold_counts": dict(Counter(gold)),
        "accuracy": metrics.accuracy(gold, pred),
        "macro_f1": metrics.macro_f1(gold, pred, labels),
        "per_class": {k: v.as_dict() for k, v in metrics.per_class(gold, pred, labels).items()},
        "partisan": metrics.partisan_f1(gold, pred).as_dict(),
        "ece": metrics.expected_calibration_error(probs, [index[g] for g in gold]),
        "precision_at": {
            str(k): metrics.precision_at_k(flag_score.tolist(), relevant, k) for k in TOP_K
        },
    }
