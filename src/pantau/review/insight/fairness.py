"""The fairness panel (DOMAIN.md safeguard 7): per side, flags raised, confirmed and dismissed,
the reviewer-confirmed precision of the model's suggestions, the flag rate, and the deployed
model's counterfactual-swap result from its ``metrics.json``.

- precision: of the flags the model suggested as partisan (``support``/``oppose``) that
  reviewers settled, the share confirmed (confirmed or referred vs dismissed);
- flag rate: flags raised per classified post naming the side (``Prediction.targets``);
- a warning when a side's precision or flag rate differs from the mean of the other sides by
  more than ``review.fairness_threshold`` (sides with fewer than ``review.fairness_min_flags``
  settled flags, or classified posts, are not compared: too few to mean anything).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.config import Settings
from pantau.detect.models import Flag
from pantau.registry.models import Side
from pantau.review.insight.dashboard import CONFIRMED_STATUSES

PARTISAN = ("support", "oppose")
# ``pantau.classify.predict.METRICS_FILE``; not imported, as that module loads torch.
METRICS_FILE = "metrics.json"
METRIC_LABELS = {"precision": "presisi saran model", "flag_rate": "tingkat penandaan"}


@dataclass
class SideFigures:
    side: str
    name: str
    raised: int = 0
    confirmed: int = 0
    dismissed: int = 0
    suggested_confirmed: int = 0
    suggested_dismissed: int = 0
    classified_posts: int = 0

    @property
    def precision(self) -> float | None:
        settled = self.suggested_confirmed + self.suggested_dismissed
        return self.suggested_confirmed / settled if settled else None

    @property
    def flag_rate(self) -> float | None:
        return self.raised / self.classified_posts if self.classified_posts else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"precision": self.precision, "flag_rate": self.flag_rate}


@dataclass(frozen=True)
class Warning:
    side: str
    metric: str  # precision | flag_rate
    value: float
    others: float  # mean of the other compared sides

    @property
    def gap(self) -> float:
        return self.value - self.others

    def message(self) -> str:
        return (
            f"{METRIC_LABELS[self.metric]} pihak {self.side} {self.value:.2f} berbeda "
            f"{self.gap:+.2f} dari rata-rata pihak lain ({self.others:.2f})"
        )


@dataclass
class FairnessReport:
    sides: list[SideFigures]
    warnings: list[Warning]
    threshold: float
    min_flags: int
    counterfactual: dict[str, dict[str, Any]] = field(default_factory=dict)
    model: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "min_flags": self.min_flags,
            "model": self.model or None,
            "counterfactual": self.counterfactual or None,
            "sides": [s.as_dict() for s in self.sides],
            "warnings": [asdict(w) | {"message": w.message()} for w in self.warnings],
        }


def _flag_counts(
    session: Session, since: datetime | None, until: datetime | None
) -> dict[str, SideFigures]:
    stmt = select(Flag.target_side, Flag.status, Flag.suggestion_label, func.count(Flag.id))
    # A bounded range (and no filter or grouping led by target_side) lets SQLite's planner pick
    # the first-detected index rather than scan the side index: 0.2 s instead of 2.5 s for a
    # 28-day window of a 10^6-flag table (bench/bench_dashboard.py).
    if since is not None:
        stmt = stmt.where(Flag.first_detected_at >= since)
    if until is not None:
        stmt = stmt.where(Flag.first_detected_at < until)
    rows = session.execute(stmt.group_by(Flag.suggestion_label, Flag.status, Flag.target_side))
    out: dict[str, SideFigures] = {}
    for side, status, suggestion, n in rows:
        if not side:  # the rule could not name a side
            continue
        fig = out.setdefault(side, SideFigures(side, side))
        fig.raised += n
        confirmed, dismissed = status in CONFIRMED_STATUSES, status == "dismissed"
        fig.confirmed += n * confirmed
        fig.dismissed += n * dismissed
        if suggestion in PARTISAN:
            fig.suggested_confirmed += n * confirmed
            fig.suggested_dismissed += n * dismissed
    return out


def _classified_posts(
    session: Session, since: datetime | None, until: datetime | None
) -> Counter[str]:
    stmt = select(Prediction.targets)
    if since is not None:
        stmt = stmt.where(Prediction.created_at >= since)
    if until is not None:
        stmt = stmt.where(Prediction.created_at < until)
    counts: Counter[str] = Counter()
    for (targets,) in session.execute(stmt.execution_options(yield_per=5000)):
        counts.update(set(targets or ()))
    return counts


def compare(sides: list[SideFigures], *, threshold: float, min_flags: int) -> list[Warning]:
    """Warnings for sides whose precision or flag rate departs from the others' mean."""
    checks: dict[str, tuple[Callable[[SideFigures], float | None], Callable[[SideFigures], int]]]
    checks = {
        "precision": (
            lambda s: s.precision,
            lambda s: s.suggested_confirmed + s.suggested_dismissed,
        ),
        "flag_rate": (lambda s: s.flag_rate, lambda s: s.classified_posts),
    }
    warnings: list[Warning] = []
    for metric, (value_of, support_of) in checks.items():
        compared = {
            s.side: v
            for s in sides
            if support_of(s) >= min_flags and (v := value_of(s)) is not None
        }
        if len(compared) < 2:
            continue
        for side, value in compared.items():
            others = [v for k, v in compared.items() if k != side]
            mean = sum(others) / len(others)
            if abs(value - mean) > threshold:
                warnings.append(Warning(side, metric, value, mean))
    return warnings


def deployed_model_dir(settings: Settings) -> Path:
    """The folder of the model the classify stage uses (``classify.build.default_model_dir``,
    restated so that the web app does not import torch)."""
    return settings.models_path / settings.classify.model_name


# What each evaluation split of a model card is, for readers of the panel and the report.
SPLIT_NAMES: dict[str, str] = {
    "heldout": "data uji tersisih (sumber yang tidak pernah dipakai melatih)",
    "heldout:pilkada_dki2017": "Pilkada DKI 2017 (tukar antar-pasangan 2017)",
    "test": "pembagian uji acak",
}


def deployed_counterfactual(model_dir: Path | None) -> tuple[str, dict[str, dict[str, Any]]]:
    """(model name, split -> counterfactual figures) from the model's ``metrics.json``;
    empty when there is no deployed model or it records no fairness evaluation."""
    if model_dir is None or not (model_dir / METRICS_FILE).is_file():
        return "", {}
    try:
        info: dict[str, Any] = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return model_dir.name, {}
    if not isinstance(info, dict):
        return model_dir.name, {}
    out: dict[str, dict[str, Any]] = {}
    for split, block in (info.get("fairness") or {}).items():
        if not isinstance(block, dict):
            continue
        cf = block.get("counterfactual") or {}
        out[str(split)] = {
            "name": SPLIT_NAMES.get(str(split), str(split)),
            "pairs": cf.get("pairs"),
            "decision_change_rate": cf.get("decision_change_rate"),
            "label_change_rate": cf.get("label_change_rate"),
            "precision_gap": block.get("precision_gap"),
        }
    return str(info.get("model", {}).get("name", model_dir.name)), out


def fairness_report(
    *,
    session: Session,
    threshold: float,
    min_flags: int,
    model_dir: Path | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FairnessReport:
    """Per-side figures for every side that has flags or is registered, with warnings."""
    figures = _flag_counts(session, since, until)
    names: Mapping[str, str] = {k: n for k, n in session.execute(select(Side.key, Side.name))}
    for key in names:
        figures.setdefault(key, SideFigures(key, key))
    for key, n in _classified_posts(session, since, until).items():
        if key in figures:
            figures[key].classified_posts = n
    for key, fig in figures.items():
        fig.name = names.get(key, key)
    sides = sorted(figures.values(), key=lambda s: s.side)
    model, cf = deployed_counterfactual(model_dir)
    warnings = compare(sides, threshold=threshold, min_flags=min_flags)
    return FairnessReport(sides, warnings, threshold, min_flags, cf, model)
