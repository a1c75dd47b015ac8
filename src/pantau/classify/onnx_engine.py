"""int8 inference in ONNX Runtime: the same scheme as :mod:`.quantize`, a faster int8 product.

:class:`~.quantize.Int8Linear` needs ``torch._int_mm`` to be fast, and on CPUs without int8
dot-product instructions (a 2-core AMD EPYC with AVX2 only, 2026-12-03) it is about 40 times
slower than fp32, so ``predict`` ran fp32 there. ONNX Runtime's int8 product (MLAS,
``MatMulInteger``) has kernels for such CPUs; where it is faster than torch's fp32
(:func:`int8_fast`, measured once per process), int8 runs here. On a CPU with VNNI it ran as
fast as torch's int8; on one without, it was not measured (``bench/README.md``).

The exported graph computes exactly what :class:`~.quantize.Int8Linear` does, per Linear layer:
the input divided by SmoothQuant's ``s``, each row (token) scaled by its own largest magnitude
over 127 and rounded, the integer products summed in int32 (``MatMulInteger``; the row is
shifted by 128 into uint8, and the shift taken off again by the zero point 128, exactly), then
multiplied back by the row's and the output channel's steps, plus the bias. A row's result
depends on that row alone; the fp32 operations around the products (attention, layer norm) are
ONNX Runtime's, so the probabilities agree with torch's int8 to rounding, not bit for bit:
``pantau model evaluate`` measures the model as this engine runs it.

The graph is exported once per model folder, weights and quantisation record (``onnx/`` in the
folder, keyed by :func:`cache_key`), and where the folder cannot be written, in memory for the
process.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from pantau.classify.quantize import (
    CALIBRATION_FILE,
    CONFIG_FILE,
    METHOD,
    Int8Linear,
    fastest_run,
)
from pantau.errors import ModelError

log = logging.getLogger(__name__)

CACHE_DIR = "onnx"
# Bumped whenever the exported graph changes meaning: older exports are then made again.
EXPORT_VERSION = 1
OPSET = 17
_ZERO_POINT = 128
_INPUTS = ("input_ids", "attention_mask")


def available() -> bool:
    """Whether ONNX Runtime can be imported here (it is a dependency; a trimmed install may
    lack it, and then int8 runs in torch)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str:
    import onnxruntime

    return str(onnxruntime.__version__)


def has_int8_dot_product() -> bool:
    """Whether this CPU has AVX-512 VNNI or AVX-VNNI (Linux's ``/proc/cpuinfo`` flags); where
    it cannot tell, no."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[-1].split())
            return bool(flags & {"avx512_vnni", "avx_vnni"})
    return False


@functools.cache
def product_kind() -> str:
    """How the graph multiplies int8, chosen so that MLAS sums every product exactly:
    ``u8s8`` (rows in uint8, weights in int8) where the CPU has int8 dot-product instructions,
    which add each product into 32 bits; ``u8u8`` (weights shifted into uint8 too) elsewhere,
    because MLAS's ``u8s8`` kernels for AVX2 and AVX-512 without VNNI add pairs of products in
    16 bits with saturation (``vpmaddubsw``: 255 * 127 * 2 > 32767), while its ``u8u8`` ones
    widen to 16 bits first and add in 32."""
    return "u8s8" if has_int8_dot_product() else "u8u8"


class _MatMulInteger(torch.autograd.Function):
    """``MatMulInteger(a, b, a_zero_point, b_zero_point)`` in the exported graph; only its
    shape and dtype matter while tracing (the exported graph never runs torch's forward)."""

    @staticmethod
    def forward(
        ctx: Any, a: torch.Tensor, b: torch.Tensor, a_zero: torch.Tensor, b_zero: torch.Tensor
    ) -> Any:
        return torch.zeros((a.shape[0], b.shape[1]), dtype=torch.int32)

    @staticmethod
    def symbolic(g: Any, a: Any, b: Any, a_zero: Any, b_zero: Any) -> Any:
        return g.op("MatMulInteger", a, b, a_zero, b_zero)


class _ExportedInt8Linear(torch.nn.Module):
    """:class:`~.quantize.Int8Linear`'s arithmetic in operations ONNX has; ``kind`` is
    :func:`product_kind`'s (with ``u8u8``, the weights are stored shifted by 128 and the
    shift taken off by their zero point, exactly)."""

    def __init__(self, layer: Int8Linear, kind: str) -> None:
        super().__init__()
        self.layer = layer
        zero = torch.tensor(_ZERO_POINT, dtype=torch.uint8)
        self.a_zero: torch.Tensor
        self.register_buffer("a_zero", zero)
        weight = layer.weight_int8
        self.weight: torch.Tensor
        self.b_zero: torch.Tensor
        if kind == "u8u8":
            self.register_buffer("weight", (weight.to(torch.int16) + _ZERO_POINT).to(torch.uint8))
            self.register_buffer("b_zero", zero.clone())
        else:
            self.register_buffer("weight", weight)
            self.register_buffer("b_zero", torch.tensor(0, dtype=torch.int8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        layer = self.layer
        lead = x.shape[:-1]
        rows = x.reshape(-1, layer.in_features)
        if layer.inverse_scale is not None:
            rows = rows * layer.inverse_scale
        largest = torch.maximum(
            rows.amax(dim=1, keepdim=True), rows.amin(dim=1, keepdim=True).neg()
        )
        step = largest.clamp(min=1e-8) / 127.0
        shifted = (torch.round(rows / step) + float(_ZERO_POINT)).to(torch.uint8)
        sums: torch.Tensor = _MatMulInteger.apply(  # type: ignore[no-untyped-call]
            shifted, self.weight, self.a_zero, self.b_zero
        )
        out = sums.to(torch.float32) * step * layer.weight_step
        if layer.bias is not None:
            out = out + layer.bias
        return out.reshape(*lead, layer.out_features)


def _exportable(model: torch.nn.Module, kind: str) -> torch.nn.Module:
    """A copy of the int8 ``model`` with every :class:`Int8Linear` written in ONNX's terms and
    attention in plain operations (a smaller graph than torch's fused attention exports to)."""
    out = copy.deepcopy(model)
    layers = 0
    for _name, parent in list(out.named_modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, Int8Linear):
                setattr(parent, child_name, _ExportedInt8Linear(child, kind))
                layers += 1
    if not layers:
        raise ModelError("the model has no int8 layers to export: quantise it first")
    set_attention = getattr(out, "set_attn_implementation", None)
    if callable(set_attention):
        set_attention("eager")
    return out


def export_bytes(model: torch.nn.Module, kind: str | None = None) -> bytes:
    """The int8 ``model`` (:func:`.quantize.quantize`) as an ONNX graph taking ``input_ids`` and
    ``attention_mask`` of any batch size and length, giving ``logits``; its products are
    ``kind``'s (default: :func:`product_kind`)."""
    exportable = _exportable(model, kind or product_kind()).eval()
    example = (torch.full((2, 8), 5, dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
    axes = {"batch": 0, "length": 1}
    dynamic = {name: {i: n for n, i in axes.items()} for name in _INPUTS}
    return _export(exportable, example, list(_INPUTS), {**dynamic, "logits": {0: "batch"}})


def _export(
    module: torch.nn.Module,
    example: tuple[torch.Tensor, ...],
    inputs: list[str],
    dynamic_axes: dict[str, dict[int, str]],
) -> bytes:
    """``module`` traced on ``example`` into ONNX bytes (output ``logits``)."""
    with (
        tempfile.TemporaryDirectory(prefix="pantau-onnx-") as tmp,
        warnings.catch_warnings(record=True) as caught,
        torch.inference_mode(False),
        torch.no_grad(),
    ):
        # The TorchScript exporter warns that it is deprecated in favour of the dynamo one,
        # which cannot trace the custom MatMulInteger; it is still torch's supported path.
        # Tracer warnings (a value read while tracing) are logged: the tests run the graph at
        # other batch sizes and lengths than the example's.
        warnings.simplefilter("always")
        path = Path(tmp) / "int8.onnx"
        torch.onnx.export(
            module,
            example,
            path,
            input_names=inputs,
            output_names=["logits"],
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            dynamo=False,
        )
        graph = path.read_bytes()
    for warning in caught:
        if not issubclass(warning.category, DeprecationWarning):
            log.debug("ONNX export: %s: %s", warning.category.__name__, warning.message)
    return graph


def cache_key(model_dir: Path) -> str:
    """What the exported graph depends on: the weights (every weights file), the model's
    configuration, the quantisation record and scheme, the export code's version, torch's (the
    exporter), transformers' (the model code traced) and the kind of int8 product."""
    import transformers

    from pantau.classify.train import file_sha256

    head = (
        f"v{EXPORT_VERSION} torch {torch.__version__} transformers {transformers.__version__} "
        f"{product_kind()} {METHOD}\n"
    )
    digest = hashlib.sha256(head.encode())
    weights = sorted([*model_dir.glob("*.safetensors"), *model_dir.glob("*.bin")])
    weights = [w for w in weights if w.name != CALIBRATION_FILE]
    record = [model_dir / name for name in ("config.json", CALIBRATION_FILE, CONFIG_FILE)]
    for path in [*weights, *record]:
        sha = file_sha256(path) if path.is_file() else "-"
        digest.update(f"{path.name} {sha}\n".encode())
    return digest.hexdigest()[:20]


def exported_graph(model_dir: Path, model: torch.nn.Module) -> bytes | Path:
    """The int8 graph of ``model`` (loaded from ``model_dir``): a cached file in the folder's
    ``onnx/``, exported there first if missing; in memory where the folder is read-only."""
    cache = model_dir / CACHE_DIR
    kind = product_kind()
    target = cache / f"int8-{kind}-{cache_key(model_dir)}.onnx"
    if target.is_file():
        return target
    start = time.perf_counter()
    graph = export_bytes(model)
    log.info(
        "%s: exported the int8 graph for ONNX Runtime in %.1f s",
        model_dir,
        time.perf_counter() - start,
        extra={"model": str(model_dir), "onnx_graph": target.name},
    )
    temporary: str | None = None
    try:
        cache.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, suffix=".tmp", delete=False) as fh:
            temporary = fh.name
            fh.write(graph)
        # Readable by the other accounts that load the folder (a temporary file is 0600).
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)  # whole or not at all; concurrent loaders write the same
        # Other weights' graphs of this kind (a folder shared by CPUs of both kinds keeps one
        # of each).
        for stale in cache.glob(f"int8-{kind}-*.onnx"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        log.warning(
            "%s: cannot keep the exported int8 graph (%s): exporting again in every process",
            model_dir,
            exc,
            extra={"model": str(model_dir)},
        )
        return graph
    return target


def _session(graph: bytes | str, threads: int) -> Any:
    """An ONNX Runtime CPU session of ``graph`` (bytes or a file's path) on ``threads`` cores."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: its warnings go to stderr, not our logs
    return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


class OnnxInt8:
    """ONNX Runtime sessions of one int8 graph: :meth:`logits` for a padded batch on
    ``threads`` cores (sessions fix their thread count, so one is made per count asked for)."""

    def __init__(self, graph: bytes | Path, *, source: Path) -> None:
        self.graph = graph
        self.source = source
        self._sessions: dict[int, Any] = {}

    def session(self, threads: int) -> Any:
        found = self._sessions.get(threads)
        if found is not None:
            return found
        graph = str(self.graph) if isinstance(self.graph, Path) else self.graph
        try:
            made = _session(graph, threads)
        except Exception as exc:  # onnxruntime raises its own unexported exception types
            raise ModelError(
                f"{self.source}: ONNX Runtime cannot load the int8 graph ({exc}); delete "
                f"{self.source / CACHE_DIR} to export it again"
            ) from exc
        self._sessions[threads] = made
        return made

    def logits(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, *, threads: int
    ) -> npt.NDArray[np.float32]:
        feeds = {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy()}
        out: npt.NDArray[np.float32] = self.session(threads).run(["logits"], feeds)[0]
        return out


def load(model_dir: Path, model: torch.nn.Module, *, threads: int = 1) -> OnnxInt8:
    """The int8 ``model`` of ``model_dir`` ready to run in ONNX Runtime, its sessions for one
    thread and for ``threads`` made now: a graph that does not load fails here, the first batch
    is not slower, and the cached file is not read again later (another process may replace
    it)."""
    loaded = OnnxInt8(exported_graph(model_dir, model), source=model_dir)
    for count in sorted({1, max(1, threads)}):
        loaded.session(count)
    return loaded


@functools.cache
def int8_fast() -> bool:
    """Whether one int8 layer in ONNX Runtime (row quantisation, ``MatMulInteger`` of
    :func:`product_kind`, dequantisation: what the graph runs per Linear layer) beats torch's
    fp32 layer of the same shape, BERT's feed-forward input (384 -> 1536) on 256 tokens, one
    thread each as the classifier's workers run (measured once per process, best of three)."""
    generator = torch.Generator().manual_seed(0)
    linear = torch.nn.Linear(384, 1536)
    with torch.no_grad():
        linear.weight.copy_(torch.randn(linear.weight.shape, generator=generator) * 0.05)
    x = torch.randn((256, 384), generator=generator)
    probe = _ExportedInt8Linear(Int8Linear(linear), product_kind()).eval()
    graph = _export(probe, (x,), ["x"], {"x": {0: "rows"}})
    session = _session(graph, 1)
    feed = {"x": x.numpy()}
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            fp32 = fastest_run(lambda: linear(x), calls=4)
    finally:
        torch.set_num_threads(previous)
    int8 = fastest_run(lambda: session.run(None, feed), calls=4)
    fast = int8 < fp32
    log.info(
        "one int8 layer in ONNX Runtime (%s) %.3f ms, torch fp32 %.3f ms on this CPU",
        product_kind(),
        int8 * 1e3,
        fp32 * 1e3,
        extra={"ort_int8_ms": round(int8 * 1e3, 4), "torch_fp32_ms": round(fp32 * 1e3, 4)},
    )
    return fast
