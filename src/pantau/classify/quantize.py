"""int8 inference that keeps the fp32 model's decisions: SmoothQuant scaling, int8 weights per
output channel, int8 activations per token, products summed in int32.

Plain int8 (one scale per weight tensor, one per activation tensor per batch) cost a fully
fine-tuned e5-small 2-5 points of macro-F1: a few input channels of the feed-forward layers
carry activations tens of times larger than the rest, so one activation scale per tensor leaves
the others a handful of int8 steps. SmoothQuant (Xiao et al. 2023) moves that range into the
weights, exactly in real arithmetic: ``x @ W.T == (x / s) @ (W * s).T`` with, per input channel
``j``, ``s_j = max|x_j| ** alpha / max|W[:, j]| ** (1 - alpha)``. The activation maxima come
from a calibration pass over training texts at build time and are saved in the model folder
(``quantization.safetensors`` + ``quantization.json``, with ``alpha``); ``alpha`` is chosen on
the dev split as the value whose int8 decisions agree most with fp32's. A model folder without
the files gets int8 without smoothing.

Each token's activations get their own int8 scale (:class:`Int8Linear`, ``torch._int_mm``).
torch's dynamic quantisation (``torch.ao``, used before) takes one scale per layer input per
batch, which the feed-forward output layers bore worst (GELU's output, a few large tokens): on
the default model of 2026-12-03 it agreed with fp32 on 94.5% of the dev decisions, 98.9% with
those twelve layers left in fp32; one scale per token agrees on 98.8% with every layer int8,
runs about as fast as torch's int8 everywhere and 35-50% faster than that mixed model
(``bench/README.md``). A token's result no longer depends on the other texts of its batch
either, except through fp32's own rounding, which int8 rounding can amplify (no label of 2,142
changed between two batchings, 42 before; 3 of 1,000 in another comparison). Where int8
everywhere still agrees with fp32 on less than :data:`MIN_AGREEMENT` of the dev decisions, the
build keeps the feed-forward output layers in fp32 (``fp32_layers`` in the record) if that
agrees more.

The int8 product is fast only on some CPUs: on a 2-core AMD EPYC with AVX2 and neither
AVX-512 nor AVX-VNNI (2026-12-03) ``torch._int_mm`` ran
about 40 times slower than an fp32 product of the same shape, which turned the default model's
build (int8 calibration and evaluation) from minutes into an hour. :func:`int8_kernel_fast`
measures it once per process; where it is slow, :class:`Int8Linear` computes the same integer
sums with fp32 products, exactly (:func:`exact_int_product`): the results are bit-identical,
only not faster than fp32, so ``predict`` then chooses fp32 when left to the card.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from safetensors.torch import load_file, save_file

from pantau.errors import ModelError

CALIBRATION_FILE = "quantization.safetensors"
CONFIG_FILE = "quantization.json"
ALPHAS: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9)
METHOD = "smoothquant + int8 weights per channel, activations per token"
# int8 everywhere is kept where it agrees with fp32 on at least this share of dev decisions.
MIN_AGREEMENT = 0.98
# BERT's feed-forward output layers ("bert.encoder.layer.3.output.dense"), not the attention
# output ("...layer.3.attention.output.dense").
FFN_OUTPUT = re.compile(r"(?:^|\.)layer\.\d+\.output\.dense$")
_INT8_MAX = 127.0
_TINY = 1e-8
# The most input features whose int8 products an fp32 product sums exactly: every partial sum
# is an integer of magnitude at most 1040 * 127**2 < 2**24, which fp32 holds exactly.
EXACT_FP32_FEATURES = 2**24 // 127**2

log = logging.getLogger(__name__)


def fastest_run(run: Callable[[], object], *, rounds: int = 3, calls: int = 1) -> float:
    """Seconds per call of ``run``: the best of ``rounds`` rounds of ``calls`` calls, after one
    call that is not timed (kernel selection, caches). The speed probes' measure."""
    run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            run()
        times.append(time.perf_counter() - start)
    return min(times) / calls


@functools.cache
def int8_kernel_fast() -> bool:
    """Whether ``torch._int_mm`` beats an fp32 product of a BERT-sized shape on this CPU
    (measured once per process, best of three). The machines seen differ widely, so noise does
    not decide the answer: on one the int8 model ran twice fp32's speed, on another the int8
    product ran about 40 times slower."""
    generator = torch.Generator().manual_seed(0)  # not the process's own random stream
    a = torch.randint(-127, 128, (64, 384), dtype=torch.int8, generator=generator)
    b = torch.randint(-127, 128, (384, 384), dtype=torch.int8, generator=generator)
    a_float, b_float = a.float(), b.float()
    int8 = fastest_run(lambda: torch._int_mm(a, b))
    fp32 = fastest_run(lambda: a_float @ b_float)
    fast = int8 < fp32
    log.info(
        "int8 product %.2f ms, fp32 %.2f ms on this CPU: %s",
        int8 * 1e3,
        fp32 * 1e3,
        "int8 kernel" if fast else "int8 sums computed with fp32 products",
        extra={"int8_ms": round(int8 * 1e3, 3), "fp32_ms": round(fp32 * 1e3, 3)},
    )
    return fast


def exact_int_product(q: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """``q @ weight`` for integer-valued float tensors with entries in [-127, 127], as fp32:
    the exact integer sums rounded once to fp32, bit-identical to
    ``torch._int_mm(q.to(int8), weight.to(int8)).to(float32)``. Up to
    :data:`EXACT_FP32_FEATURES` input features one fp32 product is exact; beyond, exact
    products of slices are added in float64 and rounded once."""
    features = q.shape[1]
    if features <= EXACT_FP32_FEATURES:
        return q @ weight
    total: torch.Tensor | None = None
    for start in range(0, features, EXACT_FP32_FEATURES):
        stop = start + EXACT_FP32_FEATURES
        part = (q[:, start:stop] @ weight[start:stop]).double()
        total = part if total is None else total.add_(part)
    assert total is not None
    return total.float()


def smoothing_scale(
    layer: torch.nn.Linear, act_max: torch.Tensor, alpha: float, *, name: str = "layer"
) -> torch.Tensor:
    """SmoothQuant's per-input-channel ``s`` for ``layer`` (``x @ W.T == (x / s) @ (W * s).T``)."""
    a = act_max.to(layer.weight.dtype).clamp(min=1e-5)
    if a.shape[0] != layer.in_features:
        raise ModelError(
            f"calibration of {name} has {a.shape[0]} channels, the layer "
            f"{layer.in_features}: the record belongs to another model"
        )
    w = layer.weight.detach().abs().amax(dim=0).clamp(min=1e-5)
    return (a.pow(alpha) / w.pow(1.0 - alpha)).clamp(min=1e-5)


def _row_step(rows: torch.Tensor) -> torch.Tensor:
    """Each row's int8 step: its largest magnitude over 127 (``[rows, 1]``)."""
    # max(max, -min): two reductions that write nothing, faster than abs() then amax().
    largest = torch.maximum(rows.amax(dim=1, keepdim=True), rows.amin(dim=1, keepdim=True).neg_())
    return largest.clamp_(min=_TINY).div_(_INT8_MAX)


class Int8Linear(torch.nn.Module):
    """A Linear layer in int8: weights quantised once per output channel, each token's input
    quantised with its own scale at run time, the products summed exactly in int32
    (``torch._int_mm``), or exactly with fp32 products where that is slow
    (:func:`int8_kernel_fast`, :func:`exact_int_product`).

    With ``scale`` (SmoothQuant's ``s``), the weight columns are multiplied by it before
    quantising and the input divided by it. A row's output depends on that row alone. The int32
    sums cannot overflow below 2**31 / 127**2 = 133,144 input features."""

    def __init__(self, layer: torch.nn.Linear, scale: torch.Tensor | None = None) -> None:
        super().__init__()
        weight = layer.weight.detach().float()
        if scale is not None:
            weight = weight * scale
        step = weight.abs().amax(dim=1).clamp(min=_TINY) / _INT8_MAX
        self.in_features, self.out_features = layer.in_features, layer.out_features
        # [in, out], ready for x_int8 @ weight.
        self.weight_int8: torch.Tensor
        self.register_buffer(
            "weight_int8", torch.round(weight / step[:, None]).to(torch.int8).t().contiguous()
        )
        self.weight_step: torch.Tensor
        self.register_buffer("weight_step", step)
        self.bias: torch.Tensor | None
        bias = None if layer.bias is None else layer.bias.detach().float().clone()
        self.register_buffer("bias", bias)
        self.inverse_scale: torch.Tensor | None
        self.register_buffer("inverse_scale", None if scale is None else 1.0 / scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Written for few passes over memory (in place where the tensor is this call's own):
        # the elementwise work costs nearly as much as the int8 product itself.
        lead = x.shape[:-1]
        rows = x.reshape(-1, self.in_features)
        if self.inverse_scale is None:
            step = _row_step(rows)
            scaled = rows / step
        else:
            scaled = rows * self.inverse_scale
            step = _row_step(scaled)
            scaled.div_(step)
        scaled.round_()
        if int8_kernel_fast():
            out = torch._int_mm(scaled.to(torch.int8), self.weight_int8).to(torch.float32)
        else:
            out = exact_int_product(scaled, self._weight_float())
        out.mul_(step)
        out.mul_(self.weight_step)
        if self.bias is not None:
            out.add_(self.bias)
        return out.reshape(*lead, self.out_features)

    def _weight_float(self) -> torch.Tensor:
        """The int8 weights as fp32, made on first use (CPUs without a fast int8 product)."""
        cached: torch.Tensor | None = getattr(self, "_weight_fp32", None)
        if cached is None:
            cached = self.weight_int8.float()
            self._weight_fp32 = cached
        return cached

    def extra_repr(self) -> str:
        smoothed = self.inverse_scale is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, {smoothed=}"


@dataclass(frozen=True)
class Calibration:
    """Per Linear layer (by module name): the largest |activation| of each input channel."""

    act_max: dict[str, torch.Tensor]
    alpha: float
    n_texts: int
    fp32_layers: tuple[str, ...] = ()  # Linear layers left in fp32 (module names)

    def save(self, model_dir: Path) -> None:
        save_file(
            {k: v.contiguous() for k, v in self.act_max.items()}, model_dir / CALIBRATION_FILE
        )
        record: dict[str, object] = {"method": METHOD, "alpha": self.alpha}
        record |= {"n_texts": self.n_texts, "fp32_layers": list(self.fp32_layers)}
        (model_dir / CONFIG_FILE).write_text(json.dumps(record) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, model_dir: Path) -> Calibration | None:
        weights, config = model_dir / CALIBRATION_FILE, model_dir / CONFIG_FILE
        if not weights.is_file() or not config.is_file():
            return None
        try:
            meta = json.loads(config.read_text(encoding="utf-8"))
            alpha = float(meta["alpha"])
            n_texts = int(meta["n_texts"])
            fp32_layers = meta.get("fp32_layers", [])  # records before it: every layer int8
            if not isinstance(fp32_layers, list) or not all(
                isinstance(n, str) for n in fp32_layers
            ):
                raise TypeError(f"fp32_layers must be a list of layer names, got {fp32_layers!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{config}: not a quantisation record ({exc})") from exc
        if not 0.0 < alpha < 1.0:
            raise ModelError(f"{config}: alpha must be between 0 and 1, got {alpha}")
        return cls(
            act_max=load_file(str(weights)),
            alpha=alpha,
            n_texts=n_texts,
            fp32_layers=tuple(fp32_layers),
        )


def linear_layers(model: torch.nn.Module) -> dict[str, torch.nn.Linear]:
    return {n: m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}


def activation_maxima(model: torch.nn.Module, run: Callable[[], object]) -> dict[str, torch.Tensor]:
    """Largest |input| per channel of every Linear layer while ``run()`` feeds the model."""
    found: dict[str, torch.Tensor] = {}
    hooks = []
    for name, layer in linear_layers(model).items():

        def hook(
            _module: torch.nn.Module,
            inputs: tuple[torch.Tensor, ...],
            _output: torch.Tensor,
            name: str = name,
        ) -> None:
            x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(dim=0)
            found[name] = torch.maximum(found[name], x) if name in found else x

        hooks.append(layer.register_forward_hook(hook))
    try:
        run()
    finally:
        for handle in hooks:
            handle.remove()
    return found


def quantize(
    model: torch.nn.Module, calibration: Calibration | None, *, inplace: bool = False
) -> torch.nn.Module:
    """``model`` with its Linear layers in int8 (:class:`Int8Linear`), SmoothQuant-scaled where
    calibrated, except the record's ``fp32_layers``. ``model`` is left as it is unless
    ``inplace`` (a loader that no longer needs the fp32 weights saves a copy of them)."""
    keep = set(calibration.fp32_layers) if calibration else set()
    unknown = keep - set(linear_layers(model))
    if unknown:
        raise ModelError(
            f"the quantisation record keeps layers the model does not have in fp32 "
            f"({', '.join(sorted(unknown))}): the record belongs to another model"
        )
    act_max = calibration.act_max if calibration else {}
    alpha = calibration.alpha if calibration else 0.0
    out = model if inplace else copy.deepcopy(model)
    for parent_name, parent in list(out.named_modules()):
        for child_name, child in list(parent.named_children()):
            full = f"{parent_name}.{child_name}" if parent_name else child_name
            if not isinstance(child, torch.nn.Linear) or full in keep:
                continue
            scale = (
                smoothing_scale(child, act_max[full], alpha, name=full) if full in act_max else None
            )
            setattr(parent, child_name, Int8Linear(child, scale))
    return out


def measured_with_current_scheme(info: dict[str, Any]) -> bool:
    """Whether a model card's int8 record (``info["quantization"]``) was made and measured with
    :data:`METHOD`; a record of an earlier scheme says nothing about this one."""
    record = info.get("quantization") or {}
    return bool(record.get("method") == METHOD)


def ffn_output_layers(model: torch.nn.Module) -> tuple[str, ...]:
    """The feed-forward output layers of a BERT model (see the module notes)."""
    return tuple(name for name in linear_layers(model) if FFN_OUTPUT.search(name))


def choose_alpha(
    decide: Callable[[torch.nn.Module], npt.NDArray[np.int64]],
    model: torch.nn.Module,
    act_max: dict[str, torch.Tensor],
    *,
    alphas: Sequence[float] = ALPHAS,
    reference: npt.NDArray[np.int64] | None = None,
) -> tuple[float, dict[float, float]]:
    """The ``alpha`` whose int8 model agrees most with fp32's decisions (``decide`` gives the
    argmax labels of some texts, e.g. the dev split; ``reference``, fp32's, if the caller
    already has them); ties go to the smaller alpha."""
    reference = decide(model) if reference is None else reference
    agreement: dict[float, float] = {}
    for alpha in alphas:
        candidate = quantize(model, Calibration(act_max, alpha, 0))
        agreement[alpha] = float(np.mean(decide(candidate) == reference))
    best = max(alphas, key=lambda a: (agreement[a], -a))
    return best, agreement
