"""Promotion: a worse candidate (macro-F1 or fairness) is refused, a better one deployed;
both outcomes audited. Tiny random models; constructed metrics where the outcome must be known,
a real re-evaluation where only sameness matters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pantau.classify import corpus
from pantau.classify import promote as promotion
from pantau.classify.build import default_model_dir
from pantau.classify.card import write_card
from pantau.classify.promote import Tolerances, compare, promote, read_pointer
from pantau.classify.train import TrainConfig, fine_tune
from pantau.config import get_settings
from pantau.errors import ModelError
from pantau.review.models import AuditEntry
from pantau.store.db import session_scope
from tests.unit.classify.tiny import make_tiny_base, toy_examples


def _report(n: int, f1: float) -> dict[str, Any]:
    score = {"precision": f1, "recall": f1, "f1": f1}
    return {
        "n": n,
        "macro_f1": f1,
        "accuracy": f1,
        "partisan": score,
        "ece": 0.05,
        "precision_at": {"50": None},
        "per_class": {"support": score | {"support": n}},
    }


def metrics(
    f1: float, change: float | None = 0.02, gap: float | None = 0.1, n: int = 40
) -> dict[str, Any]:
    """A metrics dict shaped like ``build.evaluate_all``'s (test split only)."""
    return {
        "evaluation": {"heldout": {"n": 0}, "test": _report(n, f1)},
        "fairness": {
            "test": {"counterfactual": {"decision_change_rate": change}, "precision_gap": gap}
        },
    }


DEPLOYED = metrics(0.70)


@pytest.mark.parametrize(
    ("candidate", "tolerances", "accepted", "worse"),
    [
        (metrics(0.75, 0.01, 0.05), Tolerances(), True, []),
        (metrics(0.70), Tolerances(), True, []),  # equal is not worse
        (metrics(0.69), Tolerances(), False, ["macro_f1"]),
        (metrics(0.69), Tolerances(macro_f1=0.02), True, []),
        (metrics(0.80, change=0.05), Tolerances(), False, ["decision_change_rate"]),
        (metrics(0.80, gap=0.3), Tolerances(), False, ["precision_gap"]),
        (
            metrics(0.60, 0.05, 0.3),
            Tolerances(),
            False,
            ["macro_f1", "decision_change_rate", "precision_gap"],
        ),
        (metrics(0.80, gap=None), Tolerances(), True, []),  # gap not computable: not compared
    ],
)
def test_compare_table(
    candidate: dict[str, Any], tolerances: Tolerances, accepted: bool, worse: list[str]
) -> None:
    verdict = compare(candidate=candidate, deployed=DEPLOYED, tolerances=tolerances)
    assert verdict.accepted is accepted
    assert [c.metric for c in verdict.comparisons if c.worse] == worse
    assert len(verdict.reasons) == len(worse)


def test_compare_refuses_without_common_held_out_data() -> None:
    verdict = compare(candidate=metrics(0.9, n=0), deployed=DEPLOYED)
    assert (verdict.accepted, verdict.reasons) == (
        False,
        ["no held-out data on which both models could be evaluated"],
    )


def tiny_model(directory: Path, base: Path, *, seed: int, steps: int = 1) -> Path:
    examples = toy_examples()
    result = fine_tune(
        base=str(base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=directory,
        config=TrainConfig(max_steps=steps, batch_size=8, threads=1, seed=seed),
    )
    info = {"model": {"name": directory.name, "config": {"seed": seed}}}
    info["model"]["weights_sha256"] = result.weights_sha256  # type: ignore[index]
    write_card(directory, info)
    return directory


@pytest.fixture
def models(tmp_path: Path) -> tuple[Path, Path]:
    """(deployed folder at the configured place, candidate folder) with different weights."""
    seed = get_settings().classify.seed
    base = make_tiny_base(tmp_path / "base")
    deployed = tiny_model(default_model_dir(), base, seed=seed, steps=1)
    candidate = tiny_model(tmp_path / "candidate", base, seed=seed, steps=2)
    return deployed, candidate


def _weights(model_dir: Path) -> str:
    return str(json.loads((model_dir / "metrics.json").read_text())["model"]["weights_sha256"])


def _fixed(values: dict[str, dict[str, Any]]) -> promotion.Evaluator:
    def evaluate(model_dir: Path, splits: corpus.Splits) -> dict[str, Any]:
        assert splits.test  # both models see the same split object's texts
        return values[model_dir.name]

    return evaluate


def _audit_actions(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        stmt = select(AuditEntry.action).where(AuditEntry.subject_type == "model")
        return list(s.scalars(stmt.order_by(AuditEntry.seq)))


def test_worse_candidate_is_refused_and_better_one_deployed(
    engine: Engine, models: tuple[Path, Path]
) -> None:
    deployed, candidate = models
    before = _weights(deployed)
    worse = _fixed({deployed.name: metrics(0.7), candidate.name: metrics(0.6)})
    with session_scope(engine) as s:
        result = promote(
            session=s,
            candidate_dir=candidate,
            deployed_dir=deployed,
            datasets_dir=None,
            actor="cli:test",
            evaluate=worse,
        )
    assert not result.verdict.accepted
    assert result.verdict.reasons[0].startswith("test: macro_f1 0.6000 is worse")
    assert _weights(deployed) == before and read_pointer(deployed.parent) is None
    better = _fixed({deployed.name: metrics(0.7), candidate.name: metrics(0.8, 0.0, 0.05)})
    candidate.chmod(0o700)  # a folder built before model folders were made readable by all
    (candidate / "model.safetensors").chmod(0o600)
    with session_scope(engine) as s:
        result = promote(
            session=s,
            candidate_dir=candidate,
            deployed_dir=deployed,
            datasets_dir=None,
            actor="cli:test",
            evaluate=better,
        )
    assert result.verdict.accepted
    assert _weights(deployed) == _weights(candidate) != before
    assert deployed.stat().st_mode & 0o777 == 0o755  # readable by the accounts that classify
    assert (deployed / "model.safetensors").stat().st_mode & 0o777 == 0o644
    assert result.previous_dir is not None and _weights(result.previous_dir) == before
    pointer = read_pointer(deployed.parent)
    assert pointer is not None
    assert (pointer["promoted_from"], pointer["promoted_by"]) == (str(candidate), "cli:test")
    assert pointer["weights_sha256"] == _weights(candidate)
    saved = json.loads((deployed / "metrics.json").read_text())
    assert saved["evaluation"]["test"]["macro_f1"] == 0.8  # the fresh evaluation is recorded
    assert _audit_actions(engine) == ["model.promote_refused", "model.promote"]


def test_real_reevaluation_of_an_identical_copy_is_not_worse(
    engine: Engine, models: tuple[Path, Path], tmp_path: Path
) -> None:
    deployed, _ = models
    twin = tmp_path / "twin"
    shutil.copytree(deployed, twin)
    with session_scope(engine) as s:
        result = promote(
            session=s, candidate_dir=twin, deployed_dir=deployed, datasets_dir=None, actor="t"
        )
    assert result.verdict.accepted, result.verdict.reasons
    compared = [c for c in result.verdict.comparisons if c.candidate is not None]
    assert compared and all(c.candidate == c.deployed for c in compared)


def test_promote_refuses_the_deployed_folder_and_a_different_split(
    engine: Engine, models: tuple[Path, Path], tmp_path: Path
) -> None:
    deployed, _ = models
    with session_scope(engine) as s, pytest.raises(ModelError, match="deployed model already"):
        promote(
            session=s, candidate_dir=deployed, deployed_dir=deployed, datasets_dir=None, actor="t"
        )
    other = tiny_model(tmp_path / "other-seed", tmp_path / "base", seed=99)
    with session_scope(engine) as s, pytest.raises(ModelError, match="retrain with seed"):
        promote(session=s, candidate_dir=other, deployed_dir=deployed, datasets_dir=None, actor="t")


def test_cli_exits_non_zero_with_the_reason(
    models: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pantau.cli.main import app
    from pantau.store import migrate

    migrate.upgrade(get_settings().db_url)
    deployed, candidate = models
    values = {deployed.name: metrics(0.7), candidate.name: metrics(0.7, change=0.2)}
    monkeypatch.setattr(promotion, "_default_evaluator", _fixed(values))
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["model", "promote", str(candidate)])
    assert result.exit_code == 1
    assert "promotion refused: test: decision_change_rate 0.2000 is worse" in result.output
    values[candidate.name] = metrics(0.71)
    result = CliRunner().invoke(app, ["model", "promote", str(candidate)])
    assert result.exit_code == 0, result.output
    assert f"promoted {candidate} to {deployed}" in result.output
