"""int8 inference: SmoothQuant scaling is exact in fp32, an int8 layer computes exactly the
integer products of its quantised inputs, row by row, the record round-trips and belongs to its
model, alpha is chosen by agreement, and the quantised classifier stays close to fp32."""

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
    layer = model[0]
    s = quantize.smoothing_scale(layer, act["0"], 0.7)
    assert s.shape == (16,) and float(s[3]) > 5 * float(s[:3].max())  # the outlier channel
    with torch.no_grad():
        smoothed = torch.nn.functional.linear(x / s, layer.weight * s, layer.bias)
    torch.testing.assert_close(smoothed, layer(x).detach(), rtol=1e-4, atol=1e-4)


def test_int8_layer_is_the_integer_product_of_its_quantised_inputs() -> None:
    torch.manual_seed(3)
    layer, x = torch.nn.Linear(24, 10), torch.randn(2, 5, 24)
    int8 = quantize.Int8Linear(layer)
    w_step = layer.weight.detach().abs().amax(dim=1) / 127
    w_int = torch.round(layer.weight.detach() / w_step[:, None])
    assert torch.equal(int8.weight_int8.t().float(), w_int)
    rows = x.reshape(-1, 24)
    x_step = rows.abs().amax(dim=1, keepdim=True) / 127
    x_int = torch.round(rows / x_step)
    expected = (x_int @ w_int.t()) * x_step * w_step + layer.bias.detach()
    with torch.inference_mode():
        out = int8(x)
    assert out.shape == (2, 5, 10)
    torch.testing.assert_close(out.reshape(-1, 10), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(out, layer(x).detach(), rtol=0.0, atol=0.1)  # close to fp32


def test_int8_rows_do_not_depend_on_the_other_rows() -> None:
    """One scale per token: a text's int8 result is the same whatever shares its batch."""
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    int8 = quantize.quantize(model, quantize.Calibration(act, 0.7, 256))
    big = x.clone()
    big[0] *= 1000.0  # a per-batch scale would starve every other row of int8 steps
    with torch.inference_mode():
        alone = torch.cat([int8(x[i : i + 1]) for i in range(1, 40)])
        together = int8(big)[1:40]
    assert torch.equal(alone, together)


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
    assert same is model and isinstance(model[0], quantize.Int8Linear)
    assert model[0].inverse_scale is not None  # smoothed
    with torch.inference_mode():
        assert float((model(x) - before).abs().mean()) < 0.5  # int8 now, close to fp32


def test_calibration_from_another_model_is_refused() -> None:
    model = _outlier_mlp()
    wrong = {"0": torch.ones(8), "2": torch.ones(32)}
    with pytest.raises(ModelError, match="another model"):
        quantize.quantize(model, quantize.Calibration(wrong, 0.5, 1))


def test_record_round_trip_and_bad_record(tmp_path: Path) -> None:
    assert quantize.Calibration.load(tmp_path) is None
    record = quantize.Calibration({"a.b": torch.arange(4.0)}, 0.6, 12)
    record.save(tmp_path)
    back = quantize.Calibration.load(tmp_path)
    assert back is not None and (back.alpha, back.n_texts) == (0.6, 12)
    torch.testing.assert_close(back.act_max["a.b"], torch.arange(4.0))
    assert json.loads((tmp_path / quantize.CONFIG_FILE).read_text())["method"] == quantize.METHOD
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
    int8 = Classifier(model_dir, quantize=True, threads=1, int8_engine="torch")
    layers = [m for m in int8.model.modules() if isinstance(m, quantize.Int8Linear)]
    assert layers and all(m.inverse_scale is not None for m in layers)  # every one smoothed
    assert not any(type(m) is torch.nn.Linear for m in int8.model.modules())
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
    assert isinstance(mixed[attention_out], quantize.Int8Linear)
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


def test_predict_follows_the_card_only_for_the_current_int8_scheme(
    tiny_model: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    from pantau.classify.build import current_quantization
    from pantau.classify.corpus import Splits
    from pantau.classify.predict import card_allows_int8

    model_dir = tmp_path / "m"
    shutil.copytree(tiny_model, model_dir)
    current = {"quantize_int8": True, "quantization": {"method": quantize.METHOD}}
    assert card_allows_int8(current, model_dir)
    assert not card_allows_int8({**current, "quantize_int8": False}, model_dir)
    earlier = {"quantize_int8": True, "quantization": {"method": "per-channel dynamic int8"}}
    assert not card_allows_int8(earlier, model_dir)
    assert "pantau model evaluate" in caplog.text and str(model_dir) in caplog.text
    # `pantau model evaluate` keeps a current record and re-makes an earlier one.
    examples = toy_examples()
    splits = Splits(train=examples[::2], dev=examples[1::2], test=[], heldout=[])
    assert current_quantization(model_dir, current, splits) is current["quantization"]
    assert not (model_dir / quantize.CONFIG_FILE).exists()
    remade = current_quantization(model_dir, earlier, splits)
    assert remade["method"] == quantize.METHOD and remade["chosen_on"] == "dev"
    record = quantize.Calibration.load(model_dir)
    assert record is not None and record.alpha == remade["alpha"]
    assert record.n_texts == len(splits.train)
    assert not quantize.measured_with_current_scheme({"quantization": None})


@pytest.mark.parametrize("features", [384, 1040, 1536, 3072])
def test_fp32_products_give_the_int8_kernels_sums_bit_for_bit(features: int) -> None:
    """CPUs without a fast int8 product get the same integer sums from fp32 products, on random
    int8 values and the largest ones (the sums that round are tested below)."""
    torch.manual_seed(features)
    q = torch.randint(-127, 128, (9, features), dtype=torch.int8)
    w = torch.randint(-127, 128, (features, 24), dtype=torch.int8)
    q[0], w[:, 0] = 127, 127  # the largest sum: features * 127**2
    q[1], w[:, 1] = -127, 127
    expected = torch._int_mm(torch.cat([q, q[:8]]), w)[:9].to(torch.float32)  # M > 16
    got = quantize.exact_int_product(q.float(), w.float())
    assert float(expected[0, 0]) == features * 127**2 and float(expected[1, 1]) < 0
    assert torch.equal(got, expected)


def test_slices_past_fp32s_exact_range_are_summed_then_rounded_once() -> None:
    """Three slices whose sums, added in fp32 one after another, round twice to the wrong
    value (33,548,192); the exact sum 33,548,194 is an fp32 number, and the int8 kernel's."""
    n = quantize.EXACT_FP32_FEATURES
    q = torch.zeros((17, 3 * n), dtype=torch.int8)
    w = torch.zeros((3 * n, 8), dtype=torch.int8)
    q[0, : 2 * n], w[: 2 * n, 0] = 127, 127
    w[0, 0] = 126  # first slice 16,774,033 (odd), second 16,774,160: their sum rounds in fp32
    q[0, 2 * n], w[2 * n, 0] = 1, 1  # third slice 1
    exact = 16_774_033 + 16_774_160 + 1
    assert torch.equal(torch._int_mm(q, w)[0, 0], torch.tensor(exact, dtype=torch.int32))
    got = quantize.exact_int_product(q.float(), w.float())
    assert float(got[0, 0]) == exact
    assert torch.equal(got, torch._int_mm(q, w).to(torch.float32))


def test_int8_layer_gives_the_same_bits_with_either_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model, x = _outlier_mlp(), _outlier_inputs()
    act = quantize.activation_maxima(model, lambda: model(x))
    int8 = quantize.quantize(model, quantize.Calibration(act, 0.7, 256))
    outputs = []
    for fast in (True, False):
        monkeypatch.setattr(quantize, "int8_kernel_fast", lambda fast=fast: fast)
        with torch.inference_mode():
            outputs.append(int8(x))
    assert torch.equal(outputs[0], outputs[1])


@pytest.mark.parametrize("engine", ["torch", "onnxruntime"])
def test_a_model_left_to_its_card_runs_int8_only_where_int8_is_faster(
    tiny_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    engine: str,
) -> None:
    import logging
    import shutil

    from pantau.classify import onnx_engine

    model_dir = tmp_path / "m"
    shutil.copytree(tiny_model, model_dir)
    card = {"quantize_int8": True, "quantization": {"method": quantize.METHOD}}
    (model_dir / "metrics.json").write_text(json.dumps(card), encoding="utf-8")
    measure = (
        (onnx_engine, "int8_fast") if engine == "onnxruntime" else (quantize, "int8_kernel_fast")
    )
    other = (
        (quantize, "int8_kernel_fast") if engine == "onnxruntime" else (onnx_engine, "int8_fast")
    )
    monkeypatch.setattr(*other, lambda: True)  # only the chosen engine's product counts
    monkeypatch.setattr(*measure, lambda: True)
    fast = Classifier(model_dir, int8_engine=engine)
    assert fast.quantized and fast.engine == engine
    assert (fast.onnx is not None) == (engine == "onnxruntime")
    monkeypatch.setattr(*measure, lambda: False)
    with caplog.at_level(logging.INFO, logger="pantau.classify.predict"):
        slow = Classifier(model_dir, int8_engine=engine)
    assert not slow.quantized and slow.engine == "torch" and slow.onnx is None
    assert f"{engine} has no fast int8 product" in caplog.text and str(model_dir) in caplog.text
    forced = Classifier(model_dir, quantize=True, int8_engine=engine)  # asked for: int8 anyway
    assert forced.quantized and forced.engine == engine
    if engine == "onnxruntime":  # the int8 graph runs; no torch copy is kept beside it
        assert forced.onnx is not None and forced._model is None
    else:
        assert isinstance(forced.model.classifier, quantize.Int8Linear)


def test_the_probes_time_the_best_round_per_call_after_an_untimed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([0.0, 9.0, 10.0, 14.0, 20.0, 30.0])  # rounds of 9, 4 and 10 s
    monkeypatch.setattr(quantize.time, "perf_counter", lambda: next(clock))
    calls: list[int] = []
    assert quantize.fastest_run(lambda: calls.append(1), rounds=3, calls=2) == 2.0
    assert len(calls) == 1 + 3 * 2  # the untimed first call, then three rounds of two
