"""Promotion: a candidate model replaces the deployed one only if it is not worse.

``pantau model promote MODEL_DIR`` re-evaluates BOTH models now, on the same held-out data (the
corpus split with the deployed model's seed: the held-out sources and the test split), and
refuses the candidate when, on any split both were evaluated on:

- its 4-class macro-F1 is lower than the deployed model's (by more than ``macro_f1``);
- its counterfactual decision-change rate (swapping candidates' names flips the flag) is higher
  (by more than ``counterfactual``);
- its per-candidate flag precision gap is larger (by more than ``precision_gap``).

Stored metrics are not trusted: the data or the code may have changed since either model was
trained. The deployed model is the configured model folder (``classify.model_name`` under the
models directory), what the sweep and ``predict`` load; promotion copies the candidate there
(the previous one is kept beside it as ``<name>.previous-<UTC time>``) and writes
``DEPLOYED.json`` in the models directory: what is deployed, from where, when, by whom and the
comparison that allowed it. Promotions and refusals are both audited.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pantau.classify import corpus
from pantau.classify.predict import METRICS_FILE
from pantau.classify.staging import share_folder
from pantau.errors import ModelError
from pantau.store.db import utcnow

POINTER_FILE = "DEPLOYED.json"
# The held-out sources together, the election source alone (its own contest's fairness), test.
SPLITS = ("heldout", "heldout:pilkada_dki2017", "test")

#: (model folder, evaluation splits) -> a metrics dict shaped like ``build.evaluate_all``'s.
Evaluator = Callable[[Path, corpus.Splits], dict[str, Any]]


@dataclass(frozen=True)
class Tolerances:
    """How much worse a candidate may be and still count as "not worse" (default: not at all)."""

    macro_f1: float = 0.0
    counterfactual: float = 0.0
    precision_gap: float = 0.0


@dataclass(frozen=True)
class Comparison:
    split: str
    metric: str
    candidate: float | None
    deployed: float | None
    higher_is_better: bool
    worse: bool


@dataclass
class Verdict:
    accepted: bool
    reasons: list[str] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


def _value(metrics: dict[str, Any], split: str, metric: str) -> float | None:
    if metric == "macro_f1":
        value = metrics.get("evaluation", {}).get(split, {}).get("macro_f1")
    elif metric == "decision_change_rate":
        block = metrics.get("fairness", {}).get(split, {}).get("counterfactual", {})
        value = block.get("decision_change_rate")
    else:
        value = metrics.get("fairness", {}).get(split, {}).get("precision_gap")
    return None if value is None else float(value)


def compare(
    *, candidate: dict[str, Any], deployed: dict[str, Any], tolerances: Tolerances = Tolerances()
) -> Verdict:
    """Refuse ``candidate`` if it is worse than ``deployed`` on macro-F1 or fairness (pure)."""
    rules = (
        ("macro_f1", True, tolerances.macro_f1),
        ("decision_change_rate", False, tolerances.counterfactual),
        ("precision_gap", False, tolerances.precision_gap),
    )
    verdict = Verdict(accepted=True)
    compared = 0
    for split in SPLITS:
        n_cand = candidate.get("evaluation", {}).get(split, {}).get("n", 0)
        n_dep = deployed.get("evaluation", {}).get(split, {}).get("n", 0)
        if not n_cand or not n_dep:
            continue
        if n_cand != n_dep:
            raise ModelError(f"split {split}: {n_cand} vs {n_dep} examples: not the same data")
        for metric, higher_better, tol in rules:
            c, d = _value(candidate, split, metric), _value(deployed, split, metric)
            worse = False
            if c is not None and d is not None:
                compared += 1
                worse = c < d - tol if higher_better else c > d + tol
            elif metric == "macro_f1":
                raise ModelError(f"split {split}: macro-F1 missing from an evaluation")
            verdict.comparisons.append(Comparison(split, metric, c, d, higher_better, worse))
            if worse:
                verdict.accepted = False
                verdict.reasons.append(
                    f"{split}: {metric} {c:.4f} is worse than the deployed model's {d:.4f}"
                    f" (tolerance {tol})"
                )
    if compared == 0:
        verdict.accepted = False
        verdict.reasons.append("no held-out data on which both models could be evaluated")
    return verdict


def _default_evaluator(model_dir: Path, splits: corpus.Splits) -> dict[str, Any]:
    from pantau.classify.build import evaluate_all
    from pantau.classify.predict import default_side_matcher

    matcher: Any = default_side_matcher()
    return evaluate_all(model_dir=model_dir, splits=splits, matcher=matcher)


def _info(model_dir: Path) -> dict[str, Any]:
    path = model_dir / METRICS_FILE
    if not (model_dir / "config.json").is_file() or not path.is_file():
        raise ModelError(f"{model_dir} is not a model folder (config.json and {METRICS_FILE})")
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def _seed(info: dict[str, Any], default: int) -> int:
    return int(info.get("model", {}).get("config", {}).get("seed", default))


@dataclass
class Promotion:
    """What :func:`promote` did: the verdict, the fresh metrics and where the model went."""

    verdict: Verdict
    candidate_metrics: dict[str, Any]
    deployed_metrics: dict[str, Any] | None
    deployed_dir: Path
    previous_dir: Path | None = None


def promote(
    *,
    session: Session,
    candidate_dir: Path,
    deployed_dir: Path,
    datasets_dir: Path | None,
    actor: str,
    default_seed: int = 13,
    tolerances: Tolerances = Tolerances(),
    evaluate: Evaluator | None = None,
) -> Promotion:
    """Re-evaluate candidate and deployed model on the same data; install the candidate at
    ``deployed_dir`` unless it is worse. The outcome is audited either way (in ``session``)."""
    evaluate = evaluate or _default_evaluator
    candidate_dir, deployed_dir = candidate_dir.resolve(), deployed_dir.resolve()
    if candidate_dir == deployed_dir:
        raise ModelError(f"{candidate_dir} is the deployed model already")
    cand_info = _info(candidate_dir)
    dep_info = _info(deployed_dir) if (deployed_dir / METRICS_FILE).is_file() else None
    seed = _seed(dep_info, default_seed) if dep_info else _seed(cand_info, default_seed)
    if _seed(cand_info, seed) != seed:
        raise ModelError(
            f"{candidate_dir} was trained on the split of seed {_seed(cand_info, seed)}, the "
            f"deployed model on seed {seed}: their held-out data differ, retrain with seed {seed}"
        )
    splits = corpus.split(corpus.load_corpus(datasets_dir=datasets_dir), seed=seed)
    cand_metrics = evaluate(candidate_dir, splits)
    dep_metrics = evaluate(deployed_dir, splits) if dep_info else None
    if dep_metrics is None:
        verdict = Verdict(True, ["no deployed model: the first one is promoted"])
    else:
        verdict = compare(candidate=cand_metrics, deployed=dep_metrics, tolerances=tolerances)
    result = Promotion(verdict, cand_metrics, dep_metrics, deployed_dir)
    if verdict.accepted:
        result.previous_dir = _install(candidate_dir, deployed_dir, cand_info, cand_metrics)
        _write_pointer(result, candidate_dir, cand_info, actor)
    _audit(session, result, candidate_dir, cand_info, actor, tolerances)
    return result


def _install(
    candidate: Path, deployed: Path, info: dict[str, Any], metrics: dict[str, Any]
) -> Path | None:
    """Copy the candidate into place (a sibling temporary folder renamed), keeping the old."""
    from pantau.classify.card import write_card

    deployed.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{deployed.name}-promote-", dir=deployed.parent))
    previous: Path | None = None
    try:
        shutil.copytree(candidate, tmp, dirs_exist_ok=True)
        write_card(tmp, info | metrics | {"promoted_from": str(candidate)})
        share_folder(tmp)  # copytree kept the candidate's modes
        if deployed.exists():
            stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
            previous = deployed.with_name(f"{deployed.name}.previous-{stamp}")
            deployed.rename(previous)
        tmp.rename(deployed)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None and not deployed.exists():
            previous.rename(deployed)
        raise
    return previous


def _summary(result: Promotion) -> list[dict[str, Any]]:
    return [asdict(c) for c in result.verdict.comparisons]


def _write_pointer(result: Promotion, source: Path, info: dict[str, Any], actor: str) -> None:
    pointer = {
        "deployed_dir": str(result.deployed_dir),
        "promoted_from": str(source),
        "weights_sha256": info.get("model", {}).get("weights_sha256", ""),
        "promoted_at": utcnow().isoformat(),
        "promoted_by": actor,
        "previous_dir": str(result.previous_dir) if result.previous_dir else None,
        "reasons": result.verdict.reasons,
        "comparisons": _summary(result),
    }
    path = result.deployed_dir.parent / POINTER_FILE
    path.write_text(json.dumps(pointer, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _audit(
    session: Session,
    result: Promotion,
    candidate: Path,
    info: dict[str, Any],
    actor: str,
    tolerances: Tolerances,
) -> None:
    from pantau.review import audit

    audit.record(
        session=session,
        actor=actor,
        action="model.promote" if result.verdict.accepted else "model.promote_refused",
        subject_type="model",
        subject_id=str(info.get("model", {}).get("weights_sha256", ""))[:64] or candidate.name,
        detail={
            "candidate": str(candidate),
            "deployed_dir": str(result.deployed_dir),
            "reasons": result.verdict.reasons,
            "comparisons": _summary(result),
            "tolerances": asdict(tolerances),
        },
    )


def read_pointer(models_path: Path) -> dict[str, Any] | None:
    """The last promotion's record (``DEPLOYED.json``), if any."""
    path = models_path / POINTER_FILE
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
