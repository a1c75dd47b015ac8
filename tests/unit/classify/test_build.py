"""The build pipeline on the seed set with a tiny base: folder, card, metrics, caching."""

from __future__ import annotations

import json
from pathlib import Path

from pantau.classify.build import build_model, default_model_dir, ensure_default_model
from pantau.classify.train import TrainConfig
from pantau.config import get_settings
from tests.unit.classify.tiny import make_tiny_base


def test_build_then_ensure_reuses(tmp_path: Path) -> None:
    from pantau.registry.cues import default_matcher

    settings = get_settings()
    out = default_model_dir(settings)
    info = build_model(
        out_dir=out,
        datasets_dir=None,
        settings=settings,
        base=str(make_tiny_base(tmp_path / "base")),
        config=TrainConfig(max_steps=5, batch_size=8, threads=1),
        matcher=default_matcher(),
    )
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temp folder left
    data = info["training_data"]
    assert data["per_source"] == {"seed": data["n_train"]}
    assert data["n_train"] > data["n_train_original"]  # swap augmentation added copies
    assert info["evaluation"]["heldout"] == {"n": 0}  # no public sets: no held-out source
    assert info["evaluation"]["test"]["n"] == data["n_test"] > 0
    assert info["fairness"]["test"]["counterfactual"]["pairs"] > 0  # seed texts name sides
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["model"]["weights_sha256"] == info["model"]["weights_sha256"]
    assert "## Fairness" in (out / "MODEL_CARD.md").read_text()
    stamp = (out / "metrics.json").stat().st_mtime_ns
    assert ensure_default_model(progress=False) == out
    assert (out / "metrics.json").stat().st_mtime_ns == stamp  # cached, not rebuilt
