"""The build pipeline on the seed sets with a tiny base: folder, card, metrics, caching,
masking recorded with the model (and swap augmentation when masking is off)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.classify import preprocess
from pantau.classify.build import build_model, default_model_dir, ensure_default_model
from pantau.classify.train import TrainConfig
from pantau.config import get_settings
from tests.unit.classify.tiny import make_tiny_base

CONFIG = TrainConfig(max_steps=5, batch_size=8, threads=1)


def test_build_then_ensure_reuses(tmp_path: Path) -> None:
    from pantau.registry.cues import default_matcher

    settings = get_settings()
    assert settings.classify.mask_cues  # the default: the model never sees who a text is about
    out = default_model_dir(settings)
    info = build_model(
        out_dir=out,
        datasets_dir=None,
        settings=settings,
        base=str(make_tiny_base(tmp_path / "base")),
        config=CONFIG,
        matcher=default_matcher(),
    )
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temp folder left
    # Not mkdtemp's 0700 nor safetensors' 0600: accounts that classify read the folder too.
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "model.safetensors").stat().st_mode & 0o777 == 0o644
    data = info["training_data"]
    assert set(data["per_source"]) == {"seed", "written"}  # no public sets without datasets
    assert sum(data["per_source"].values()) == data["n_train"]
    assert data["n_train"] == data["n_train_original"]  # masked: swapped copies add nothing
    assert info["model"]["preprocessing"]["mask_cues"] is True
    assert preprocess.load(out).mask_cues is True
    assert info["evaluation"]["heldout"] == {"n": 0}  # no public sets: no held-out source
    assert info["evaluation"]["test"]["n"] == data["n_test"] > 0
    # The test texts that name a watched candidate, scored again with the names as written.
    assert 0 < info["evaluation"]["unknown:test"]["n"] < data["n_test"]
    assert info["fairness"]["test"]["counterfactual"]["pairs"] > 0  # seed texts name sides
    # int8 measured in both engines; the one that runs it here is named.
    measured = info["int8_engines_measured"]
    assert sorted(m.split()[0] for m in measured) == ["onnxruntime", "torch"]
    assert measured[0] == info["int8_engine"]
    other = measured[1].split()[0]
    assert info["evaluation"][f"test_int8_{other}"]["n"] == data["n_test"]
    # The folder predicts as it was trained: prediction masks the names too.
    from pantau.classify.predict import Classifier

    served = Classifier(out, quantize=False, threads=1)
    assert served.prepare(["Coblos 02, Prabowo-Gibran!"]) == ["Coblos [NOMOR], [CALON]!"]
    assert info["model"]["preprocessing"]["compound_hashtags"] is True
    assert served.prepare(["#AhokPenistaAgama"]) == ["#[CALON]PenistaAgama"]
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["model"]["weights_sha256"] == info["model"]["weights_sha256"]
    card = (out / "MODEL_CARD.md").read_text()
    assert "## Fairness" in card and "masked" in card
    assert info["model"]["stand_in_rate"] == settings.classify.stand_in_rate > 0
    assert "had [CALON] and [TAGAR] replaced by ordinary names" in card
    assert "- fine-tuned: every layer and the embeddings trained\n" in card  # CONFIG freezes none
    stamp = (out / "metrics.json").stat().st_mtime_ns
    assert ensure_default_model(progress=False) == out
    assert (out / "metrics.json").stat().st_mtime_ns == stamp  # cached, not rebuilt


def test_without_masking_training_is_augmented_with_swaps(tmp_path: Path) -> None:
    from pantau.registry.cues import default_matcher

    out = tmp_path / "unmasked"
    info = build_model(
        out_dir=out,
        datasets_dir=None,
        base=str(make_tiny_base(tmp_path / "base")),
        config=CONFIG,
        matcher=default_matcher(),
        mask_cues=False,
    )
    data = info["training_data"]
    assert data["n_train"] > data["n_train_original"]  # one copy per other side
    assert info["model"]["preprocessing"]["mask_cues"] is False
    assert preprocess.load(out).mask_cues is False
    assert info["model"]["stand_in_rate"] == 0.0  # nothing to stand in for


def test_heldout_contest_is_also_scored_with_its_candidates_unmasked(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from pantau.classify.build import _unknown_candidates, _unknown_watched
    from pantau.classify.corpus import Example
    from pantau.classify.predict import Classifier
    from tests.unit.classify.tiny import train_tiny

    model = train_tiny(tmp_path_factory, TrainConfig(max_steps=3, batch_size=8, threads=1))
    texts = ["ayo coblos Ahok menang", "makan siang", "pilih Gibran ya"]
    examples = [
        Example(str(i), t, label, (), "pilkada_dki2017", "test")
        for i, (t, label) in enumerate(zip(texts, ("support", "unrelated", "support"), strict=True))
    ]
    examples.append(Example("x", "rapat kantor", "unrelated", (), "indolem_sentiment", "test"))
    plain = Classifier(model, quantize=False, threads=1)
    assert _unknown_candidates(plain, examples) == {}  # a model that masks nothing
    preprocess.save(model, preprocess.Preprocessing(mask_cues=True))
    masked = Classifier(model, quantize=False, threads=1)
    seen: list[list[str]] = []
    real = masked.probabilities

    def spy(batch, *, prepare=None):  # type: ignore[no-untyped-def]
        seen.append(prepare(batch) if prepare else masked.prepare(batch))
        return real(batch, prepare=prepare)

    masked.probabilities = spy  # type: ignore[method-assign]
    out = _unknown_candidates(masked, examples)
    assert list(out) == ["unknown:pilkada_dki2017"]
    assert out["unknown:pilkada_dki2017"]["n"] == 3  # only that source's rows
    # The 2017 names reach the model as written; the watch lists' stay masked.
    assert seen == [["ayo coblos Ahok menang", "makan siang", "pilih [CALON] ya"]]
    seen.clear()
    out = _unknown_watched(masked, examples)
    assert list(out) == ["unknown:test"] and out["unknown:test"]["n"] == 1
    # Only the text naming a watched candidate, as written (Ahok is a past contest's).
    assert seen == [["pilih Gibran ya"]]


def test_card_says_which_layers_were_trained() -> None:
    from pantau.classify.card import render_card

    frozen = render_card({"model": {"config": {"freeze_layers": 6, "layers": 0}}})
    assert (
        "- fine-tuned: the embeddings and the lowest 6 layers frozen (their output computed once "
        "per text), the layers above them and the head trained\n"
    ) in frozen
    shallow = render_card({"model": {"config": {"freeze_layers": 0, "layers": 8}}})
    assert "- fine-tuned: the base's lowest 8 layers kept, every layer and the" in shallow


def test_card_says_how_many_swaps_reached_the_model_unchanged() -> None:
    from pantau.classify.card import render_card

    def line(identical: int) -> str:
        cf = {"pairs": 722, "identical_inputs": identical, "decision_change_rate": 0.0}
        card = render_card({"fairness": {"test": {"counterfactual": cf}}})
        return next(x for x in card.splitlines() if x.startswith("- counterfactual swaps"))

    assert line(722).endswith("as their original once masked, so they cannot change it)")
    assert line(721).startswith("- counterfactual swaps: 722 pairs; flag decision changed 0.000")
    assert line(721).endswith("so they cannot change it; the others were classified)")


def test_card_says_which_layers_run_in_int8() -> None:
    from pantau.classify.card import render_card

    def line(**quantization: object) -> str:
        record = {"method": "m", "alpha": 0.7, "chosen_on": "dev", "n_calibration": 256}
        card = render_card({"quantize_int8": True, "quantization": record | quantization})
        return next(x for x in card.splitlines() if x.startswith("- int8"))

    assert line(agreement_ffn_output_fp32=None).endswith("256 calibration texts; every layer int8")
    kept = line(agreement_ffn_output_fp32=0.99, fp32_layers=["a", "b"])
    assert kept.endswith(
        "the 2 feed-forward output layers stay in fp32 (agreement with them in fp32: 0.99)"
    )
    tried = line(agreement_ffn_output_fp32=0.95, fp32_layers=[])
    assert tried.endswith(
        "; every layer int8 (agreement with the feed-forward output layers in fp32: 0.95)"
    )
    assert "int8 without SmoothQuant" in render_card({"quantize_int8": True, "quantization": {}})
