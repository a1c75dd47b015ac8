"""int8 in ONNX Runtime (:mod:`pantau.classify.onnx_engine`): the same arithmetic as torch's
int8 layers, a row's result from that row alone, the exported graph cached per weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from pantau.classify import onnx_engine, quantize
from pantau.classify.build import calibrate_int8
from pantau.classify.predict import Classifier, choose_int8_engine
from pantau.classify.train import TrainConfig
from pantau.errors import ModelError

from .tiny import toy_examples, train_tiny

pytest.importorskip("onnxruntime", reason="onnxruntime is a dependency; this install lacks it")


def _tiny_graph(node: Any, inputs: list[Any], initializers: list[Any]) -> bytes:
    from onnx import TensorProto, helper

    output = helper.make_tensor_value_info("y", TensorProto.INT32, None)
    graph = helper.make_graph([node], "probe", inputs, [output], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", onnx_engine.OPSET)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def _weights_of_kind(weight: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights as the graph of ``kind`` stores them (``_ExportedInt8Linear``), with their
    zero point."""
    if kind == "u8u8":
        return (weight.astype(np.int16) + 128).astype(np.uint8), np.array(128, dtype=np.uint8)
    return weight, np.array(0, dtype=np.int8)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model_dir = train_tiny(
        tmp_path_factory,
        TrainConfig(max_steps=60, batch_size=8, learning_rate=2e-3, threads=1, seed=5),
    )
    texts = [e.text for e in toy_examples()]
    calibrate_int8(model_dir, calibration=texts, dev=texts[::2])
    return model_dir


@pytest.fixture
def model_dir(calibrated: Path, tmp_path: Path) -> Path:
    """A copy of the calibrated model of this test's own, without an exported graph."""
    copy = tmp_path / "m"
    shutil.copytree(calibrated, copy, ignore=shutil.ignore_patterns(onnx_engine.CACHE_DIR))
    return copy


def _session(graph: bytes) -> object:
    import onnxruntime as ort

    return ort.InferenceSession(graph, providers=["CPUExecutionProvider"])


def _needs_exact(kind: str) -> None:
    if kind == "u8s8" and not onnx_engine.has_int8_dot_product():
        pytest.skip("u8s8 sums exactly only on CPUs with int8 dot products (VNNI); not this one")


@pytest.mark.parametrize("kind", ["u8s8", "u8u8"])
def test_the_graphs_int8_product_sums_exactly(kind: str) -> None:
    """The graph's product: rows in [-127, 127] shifted into uint8 by 128 (weights too, for
    ``u8u8``), the shifts taken off by the zero points; on the largest values too, where
    16-bit sums of product pairs would saturate (255 * 127 * 2 > 32767)."""
    from onnx import TensorProto, helper, numpy_helper

    _needs_exact(kind)
    rng = np.random.default_rng(7)
    k, n = 1536, 64
    a = rng.integers(-127, 128, (48, k))
    w = rng.integers(-127, 128, (k, n)).astype(np.int8)
    a[0], w[:, 0] = 127, 127  # the largest sum
    a[1], w[:, 1] = -127, 127
    a[2, ::2], a[2, 1::2] = 127, -127
    b, b_zero = _weights_of_kind(w, kind)
    node = helper.make_node("MatMulInteger", ["a", "b", "za", "zb"], ["y"])
    graph = _tiny_graph(
        node,
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [None, k])],
        [
            numpy_helper.from_array(b, "b"),
            numpy_helper.from_array(np.array(128, dtype=np.uint8), "za"),
            numpy_helper.from_array(b_zero, "zb"),
        ],
    )
    got = _session(graph).run(None, {"a": (a + 128).astype(np.uint8)})[0]  # type: ignore[attr-defined]
    exact = a.astype(np.int64) @ w.astype(np.int64)
    assert int(exact[0, 0]) == k * 127**2 and int(exact[1, 1]) == -k * 127**2
    assert np.array_equal(got.astype(np.int64), exact)


def test_the_product_kind_follows_the_cpus_int8_dot_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for vnni, kind in ((True, "u8s8"), (False, "u8u8")):
        onnx_engine.product_kind.cache_clear()
        monkeypatch.setattr(onnx_engine, "has_int8_dot_product", lambda vnni=vnni: vnni)
        assert onnx_engine.product_kind() == kind
    onnx_engine.product_kind.cache_clear()


class _Layer(torch.nn.Module):
    """An int8 layer behind the interface the exporter expects (ids and mask in, logits out)."""

    def __init__(self, layer: quantize.Int8Linear) -> None:
        super().__init__()
        self.classifier = layer

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = (input_ids.float() - 40.0) * attention_mask.float() * 0.37
        return self.classifier(x)


@pytest.mark.parametrize("kind", ["u8s8", "u8u8"])
def test_an_exported_int8_layer_gives_torchs_bits_and_each_row_its_own(kind: str) -> None:
    _needs_exact(kind)
    torch.manual_seed(3)
    linear = torch.nn.Linear(8, 5)
    act = torch.tensor([1.0, 1.0, 30.0, 1.0, 1.0, 1.0, 1.0, 1.0])  # an outlier channel
    layer = quantize.Int8Linear(linear, quantize.smoothing_scale(linear, act, 0.7))
    model = _Layer(layer).eval()
    ids = torch.randint(0, 80, (6, 8))
    ids[0, 2] = 1000  # a row with a large value: its own scale, not the others'
    mask = torch.ones_like(ids)
    session = _session(onnx_engine.export_bytes(model, kind))
    batch = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]  # type: ignore[attr-defined]
    with torch.inference_mode():
        expected = model(ids, mask).numpy()
    assert np.array_equal(batch, expected)  # same operations, same order: same bits
    for i in range(len(ids)):
        alone = session.run(
            None, {"input_ids": ids[i : i + 1].numpy(), "attention_mask": mask[i : i + 1].numpy()}
        )[0]  # type: ignore[attr-defined]
        assert np.array_equal(alone[0], batch[i])


def test_onnx_int8_classifier_agrees_with_torch_int8(calibrated: Path) -> None:
    texts = [e.text for e in toy_examples()]
    ort_int8 = Classifier(calibrated, quantize=True, threads=1, int8_engine="onnxruntime")
    torch_int8 = Classifier(calibrated, quantize=True, threads=1, int8_engine="torch")
    fp32 = Classifier(calibrated, quantize=False, threads=1)
    assert ort_int8.onnx is not None and torch_int8.onnx is None
    # The sessions hold the weights; no torch copy is kept beside them.
    assert ort_int8._model is None and isinstance(torch_int8.model, torch.nn.Module)
    with pytest.raises(ModelError, match="runs in ONNX Runtime and keeps no torch model"):
        ort_int8.model  # noqa: B018
    got, expected = ort_int8.probabilities(texts), torch_int8.probabilities(texts)
    assert got.shape == (len(texts), len(ort_int8.labels))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (got.argmax(1) == expected.argmax(1)).all()
    # Not fp32 in disguise: far closer to torch's int8 than to fp32.
    to_int8 = float(np.abs(got - expected).max())
    assert float(np.abs(got - fp32.probabilities(texts)).max()) > 100 * max(to_int8, 1e-7)
    # Two workers over several batches: the same probabilities as one batch at a time.
    parallel = Classifier(
        calibrated, quantize=True, threads=2, batch_size=3, int8_engine="onnxruntime"
    )
    assert parallel.engine == "onnxruntime"
    np.testing.assert_allclose(parallel.probabilities(texts), got, atol=1e-6)


def test_the_graph_is_exported_once_per_weights_and_record(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports: list[int] = []
    real_export = onnx_engine.export_bytes

    def counting(model: torch.nn.Module, kind: str | None = None) -> bytes:
        exports.append(1)
        return real_export(model, kind)

    monkeypatch.setattr(onnx_engine, "export_bytes", counting)
    first = Classifier(model_dir, quantize=True, int8_engine="onnxruntime")
    cached = list((model_dir / onnx_engine.CACHE_DIR).glob("int8-*.onnx"))
    assert len(exports) == 1 and len(cached) == 1 and first.onnx is not None
    assert first.onnx.graph == cached[0]
    kind = onnx_engine.product_kind()
    assert cached[0].name.startswith(f"int8-{kind}-")
    assert cached[0].stat().st_mode & 0o777 == 0o644  # other accounts load the folder too
    assert not list((model_dir / onnx_engine.CACHE_DIR).glob("*.tmp"))
    # A graph of the other kind (a folder shared with another CPU) is not this CPU's to remove.
    other_kind = (model_dir / onnx_engine.CACHE_DIR) / (
        cached[0].name.replace(kind, "u8u8" if kind == "u8s8" else "u8s8")
    )
    other_kind.write_bytes(cached[0].read_bytes())
    Classifier(model_dir, quantize=True, int8_engine="onnxruntime")
    assert len(exports) == 1  # loaded from the cache
    record = json.loads((model_dir / quantize.CONFIG_FILE).read_text())
    record["alpha"] = 0.9 if record["alpha"] != 0.9 else 0.5
    (model_dir / quantize.CONFIG_FILE).write_text(json.dumps(record))
    Classifier(model_dir, quantize=True, int8_engine="onnxruntime")
    again = list((model_dir / onnx_engine.CACHE_DIR).glob(f"int8-{kind}-*.onnx"))
    assert len(exports) == 2 and len(again) == 1 and again != cached  # the stale one is gone
    assert other_kind.is_file()


def test_a_folder_that_cannot_be_written_gets_the_graph_in_memory(
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    clf = Classifier(model_dir, quantize=True, threads=1, int8_engine="onnxruntime")
    assert clf.onnx is not None and isinstance(clf.onnx.graph, bytes)
    assert "cannot keep the exported int8 graph" in caplog.text and str(model_dir) in caplog.text
    texts = [e.text for e in toy_examples()[:4]]
    assert clf.probabilities(texts).shape == (4, len(clf.labels))


def test_a_damaged_cached_graph_is_a_clear_error(model_dir: Path) -> None:
    Classifier(model_dir, quantize=True, int8_engine="onnxruntime")  # export and cache
    (cached,) = (model_dir / onnx_engine.CACHE_DIR).glob("int8-*.onnx")
    cached.write_bytes(b"not a graph")
    with pytest.raises(ModelError, match="cannot load the int8 graph") as info:
        Classifier(model_dir, quantize=True, threads=1, int8_engine="onnxruntime")
    assert str(model_dir / onnx_engine.CACHE_DIR) in str(info.value)


def test_the_int8_engine_is_chosen_or_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quantize, "int8_kernel_fast", lambda: True)
    assert choose_int8_engine(None) == "torch" == choose_int8_engine("auto")
    assert choose_int8_engine("onnxruntime") == "onnxruntime"
    monkeypatch.setattr(quantize, "int8_kernel_fast", lambda: False)
    assert choose_int8_engine(None) == "onnxruntime" == choose_int8_engine("auto")
    assert choose_int8_engine("torch") == "torch"
    with pytest.raises(ModelError, match="unknown int8 engine 'tensorrt'"):
        choose_int8_engine("tensorrt")


def test_the_speed_probe_answers_once_per_process() -> None:
    onnx_engine.int8_fast.cache_clear()
    first = onnx_engine.int8_fast()
    assert isinstance(first, bool) and onnx_engine.int8_fast.cache_info().hits == 0
    assert onnx_engine.int8_fast() is first and onnx_engine.int8_fast.cache_info().hits == 1


def test_the_cache_key_follows_what_the_graph_is_made_of(model_dir: Path) -> None:
    key = onnx_engine.cache_key(model_dir)
    assert onnx_engine.cache_key(model_dir) == key
    config = json.loads((model_dir / "config.json").read_text())
    config["layer_norm_eps"] = 1e-6
    (model_dir / "config.json").write_text(json.dumps(config))
    changed = onnx_engine.cache_key(model_dir)
    assert changed != key
    (model_dir / "model.safetensors").write_bytes(b"other weights")
    assert onnx_engine.cache_key(model_dir) not in {key, changed}


def _allow_int8(model_dir: Path) -> None:
    card = {"quantize_int8": True, "quantization": {"method": quantize.METHOD}}
    (model_dir / "metrics.json").write_text(json.dumps(card), encoding="utf-8")


def test_a_model_left_to_its_card_runs_fp32_where_the_graph_will_not_load(
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _allow_int8(model_dir)
    monkeypatch.setattr(onnx_engine, "int8_fast", lambda: True)
    assert Classifier(model_dir, threads=1, int8_engine="onnxruntime").engine == "onnxruntime"
    (cached,) = (model_dir / onnx_engine.CACHE_DIR).glob("int8-*.onnx")
    cached.write_bytes(b"not a graph")
    clf = Classifier(model_dir, threads=1, int8_engine="onnxruntime")
    assert not clf.quantized and clf.engine == "torch" and clf.onnx is None
    assert "cannot run int8 in ONNX Runtime" in caplog.text and str(model_dir) in caplog.text
    texts = [e.text for e in toy_examples()]
    fp32 = Classifier(model_dir, quantize=False, threads=1)
    np.testing.assert_array_equal(clf.probabilities(texts), fp32.probabilities(texts))


def test_no_engine_is_chosen_for_a_model_whose_card_refuses_int8(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def measured() -> bool:
        raise AssertionError("the int8 product was measured for a model that runs fp32")

    monkeypatch.setattr(quantize, "int8_kernel_fast", measured)
    monkeypatch.setattr(onnx_engine, "int8_fast", measured)
    clf = Classifier(model_dir, threads=1, int8_engine="no-such-engine")  # no card: fp32
    assert not clf.quantized and clf.engine == "torch"
    _allow_int8(model_dir)
    with pytest.raises(ModelError, match="unknown int8 engine 'no-such-engine'"):
        Classifier(model_dir, threads=1, int8_engine="no-such-engine")
