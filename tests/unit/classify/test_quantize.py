"""int8 inference: SmoothQuant scaling is exact in fp32, the record round-trips and belongs to
its model, alpha is chosen by agreement, and the quantised classifier stays close to fp32."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pantau.classify import quantize
from pantau.classify.build import calibrate_int8
from pantau.classify.predict import Classifier
from pantau.classify.train import TrainConfig
from pantau.errors import ModelError
from tests.unit.classify.tiny import toy_examples, train_tiny


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny(
        tmp_path_factory,
        TrainConfig(max_steps=60, batch_size=8, learning_rate=2e-3, threads=1, seed=5),
    )


def _outlier_mlp() -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.GELU(), torch.nn.Linear(32, 4))


def _outlier_inputs() -> torch.Tensor:
    torch.manual_seed(1)
    x = torch.randn(256, 16)
    x[:, 3] *= 60.0  # one channel far larger than the rest, as in BERT's feed-forward inputs
    return x


def test_smoothing_is_exact_in_real_arithmetic() -> None:
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    assert set(act) == {"0", "2"}
    assert act["0"][3] == pytest.approx(float(x[:, 3].abs().max()))
    smoothed = quantize.smoothed_copy(model, act, 0.7)
    assert isinstance(smoothed[0], quantize.Smoothed)
    torch.testing.assert_close(smoothed(x), model(x), rtol=1e-4, atol=1e-4)
    assert not isinstance(model[0], quantize.Smoothed)  # the original is left alone


def test_smoothing_shrinks_the_int8_error_with_an_outlier_channel() -> None:
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    with torch.inference_mode():
        ref = model(x)
        plain = quantize.quantize(model, None)(x)
        smooth = quantize.quantize(model, quantize.Calibration(act, 0.7, 256))(x)
    assert float((smooth - ref).abs().mean()) < float((plain - ref).abs().mean())


def test_quantize_leaves_the_model_alone_unless_in_place() -> None:
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    record = quantize.Calibration(act, 0.7, 256)
    quantize.quantize(model, record)
    assert isinstance(model[0], torch.nn.Linear)  # a copy was quantised
    with torch.inference_mode():
        before = model(x)
    same = quantize.quantize(model, record, inplace=True)
    assert same is model and isinstance(model[0], quantize.Smoothed)
    with torch.inference_mode():
        assert float((model(x) - before).abs().mean()) < 0.5  # int8 now, close to fp32


def test_calibration_from_another_model_is_refused() -> None:
    model = _outlier_mlp()
    wrong = {"0": torch.ones(8), "2": torch.ones(32)}
    with pytest.raises(ModelError, match="another model"):
        quantize.smoothed_copy(model, wrong, 0.5)


def test_record_round_trip_and_bad_record(tmp_path: Path) -> None:
    assert quantize.Calibration.load(tmp_path) is None
    record = quantize.Calibration({"a.b": torch.arange(4.0)}, 0.6, 12)
    record.save(tmp_path)
    back = quantize.Calibration.load(tmp_path)
    assert back is not None and (back.alpha, back.n_texts) == (0.6, 12)
    torch.testing.assert_close(back.act_max["a.b"], torch.arange(4.0))
    (tmp_path / quantize.CONFIG_FILE).write_text(json.dumps({"alpha": 1.5, "n_texts": 1}))
    with pytest.raises(ModelError, match="alpha must be between"):
        quantize.Calibration.load(tmp_path)


def test_choose_alpha_takes_the_best_agreement_smallest_on_ties() -> None:
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    calls: list[int] = []

    def decide(m: torch.nn.Module) -> np.ndarray:
        calls.append(1)
        with torch.inference_mode():
            return m(x).argmax(dim=1).numpy()

    alpha, agreement = quantize.choose_alpha(decide, model, act, alphas=(0.9, 0.5, 0.7))
    assert set(agreement) == {0.9, 0.5, 0.7} and len(calls) == 4  # fp32 once, then each alpha
    best = max(agreement.values())
    assert agreement[alpha] == best
    assert alpha == min(a for a, v in agreement.items() if v == best)
    calls.clear()  # fp32's decisions passed in are not computed again
    with torch.inference_mode():
        reference = model(x).argmax(dim=1).numpy()
    again = quantize.choose_alpha(decide, model, act, alphas=(0.9, 0.5, 0.7), reference=reference)
    assert again == (alpha, agreement) and len(calls) == 3


def test_calibrated_classifier_uses_smoothquant_and_tracks_fp32(
    tiny_model: Path, tmp_path: Path
) -> None:
    import shutil

    model_dir = tmp_path / "m"
    shutil.copytree(tiny_model, model_dir)
    texts = [e.text for e in toy_examples()]
    result = calibrate_int8(model_dir, calibration=texts, dev=texts[::2])
    assert result["alpha"] in quantize.ALPHAS
    assert set(result["agreement_by_alpha"]) == {str(a) for a in quantize.ALPHAS}
    assert (model_dir / quantize.CALIBRATION_FILE).is_file()
    int8 = Classifier(model_dir, quantize=True, threads=1)
    assert any(isinstance(m, quantize.Smoothed) for m in int8.model.modules())
    fp32 = Classifier(model_dir, quantize=False, threads=1)
    agree = np.mean(int8.probabilities(texts).argmax(1) == fp32.probabilities(texts).argmax(1))
    assert agree >= 0.9


def test_named_layers_stay_fp32_and_the_rest_is_int8(tiny_model: Path) -> None:
    fp32 = Classifier(tiny_model, quantize=False, threads=1).model
    kept = quantize.ffn_output_layers(fp32)
    n_layers = fp32.config.num_hidden_layers
    assert kept == tuple(f"bert.encoder.layer.{i}.output.dense" for i in range(n_layers))
    act = {
        name: torch.ones(layer.in_features) for name, layer in quantize.linear_layers(fp32).items()
    }
    mixed = dict(quantize.quantize(fp32, quantize.Calibration(act, 0.7, 1, kept)).named_modules())
    for name in kept:
        assert type(mixed[name]) is torch.nn.Linear  # neither smoothed nor quantised
    attention_out = "bert.encoder.layer.0.attention.output.dense"
    assert isinstance(mixed[attention_out], quantize.Smoothed)
    assert type(mixed[attention_out + ".linear"]) is not torch.nn.Linear  # int8
    wrong = quantize.Calibration(act, 0.7, 1, ("bert.encoder.layer.99.output.dense",))
    with pytest.raises(ModelError, match="another model"):
        quantize.quantize(fp32, wrong)


def test_record_keeps_the_fp32_layers_and_refuses_a_bad_list(tmp_path: Path) -> None:
    quantize.Calibration({"a.b": torch.ones(2)}, 0.8, 3, ("x.output.dense",)).save(tmp_path)
    back = quantize.Calibration.load(tmp_path)
    assert back is not None and back.fp32_layers == ("x.output.dense",)
    record = json.loads((tmp_path / quantize.CONFIG_FILE).read_text())
    record["fp32_layers"] = "x.output.dense"
    (tmp_path / quantize.CONFIG_FILE).write_text(json.dumps(record))
    with pytest.raises(ModelError, match="fp32_layers must be a list"):
        quantize.Calibration.load(tmp_path)


@pytest.mark.parametrize("min_agreement", [0.0, 1.01])
def test_calibration_tries_fp32_ffn_outputs_only_below_the_agreement_floor(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, min_agreement: float
) -> None:
    import shutil

    model_dir = tmp_path / "m"
    shutil.copytree(tiny_model, model_dir)
    monkeypatch.setattr(quantize, "MIN_AGREEMENT", min_agreement)
    texts = [e.text for e in toy_examples()]
    result = calibrate_int8(model_dir, calibration=texts, dev=texts[::2])
    record = quantize.Calibration.load(model_dir)
    assert record is not None and list(record.fp32_layers) == result["fp32_layers"]
    if min_agreement == 0.0:
        assert result["agreement_ffn_output_fp32"] is None and result["fp32_layers"] == []
        return
    mixed, everywhere = result["agreement_ffn_output_fp32"], result["agreement_by_alpha"]
    assert mixed is not None
    kept = mixed > everywhere[str(result["alpha"])]
    ffn_outputs = quantize.ffn_output_layers(Classifier(model_dir, quantize=False).model)
    assert result["fp32_layers"] == (list(ffn_outputs) if kept else [])
