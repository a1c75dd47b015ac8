"""Fast batched inference: a trained model folder -> a label, per-label probabilities, targets.

Speed comes from sorting texts by length so that each batch pads only to its own longest text
(dynamic padding), ``torch.inference_mode``, a fixed thread count and, where the model card says
it kept macro-F1 within 0.5 points, int8 Linear layers (:mod:`.quantize`: SmoothQuant-scaled,
weights per channel, activations per token, calibrated at build time), run by torch where its
int8 product is fast on this CPU, else by ONNX Runtime (:mod:`.onnx_engine`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from pantau.classify.onnx_engine import OnnxInt8
from pantau.classify.partial import pad_batch
from pantau.errors import ModelError

log = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"
ONNXRUNTIME, TORCH = "onnxruntime", "torch"


class SideMatcher(Protocol):
    """What prediction needs of ``pantau.registry.cues``: the sides a text names."""

    def match(self, text: str) -> Any: ...


@dataclass(frozen=True)
class Suggestion:
    """The model's suggestion for one text (never a decision: humans decide)."""

    label: str
    score: float
    probs: dict[str, float]
    targets: tuple[str, ...] = field(default=())

    @property
    def partisan(self) -> bool:
        return self.label in {"support", "oppose"}


def set_threads(threads: int | None) -> int:
    """Use ``threads`` intra-op threads (default: every core this process may use)."""
    n = threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(max(1, n))
    return n


def read_model_info(model_dir: Path) -> dict[str, Any]:
    """The model folder's ``metrics.json`` (training data, base, metrics), or ``{}``."""
    path = model_dir / METRICS_FILE
    if not path.is_file():
        return {}
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def card_allows_int8(info: dict[str, Any], model_dir: Path) -> bool:
    """Whether the card measured int8 with the current scheme and kept macro-F1 within bounds.
    A card measured with an earlier scheme says nothing about this one: fp32 until
    ``pantau model evaluate`` re-calibrates and re-measures."""
    from pantau.classify.quantize import METHOD, measured_with_current_scheme

    if not info.get("quantize_int8", False):
        return False
    if not measured_with_current_scheme(info):
        method = (info.get("quantization") or {}).get("method")
        log.warning(
            "%s: the card measured int8 as %r, not the current %r: classifying in fp32 until "
            "`pantau model evaluate` re-calibrates and re-measures it",
            model_dir,
            method,
            METHOD,
            extra={"model": str(model_dir), "card_int8_method": method},
        )
        return False
    return True


def int8_pays(model_dir: Path, engine: str) -> bool:
    """Whether ``engine`` multiplies int8 faster than fp32 on this CPU
    (:func:`.onnx_engine.int8_fast`, :func:`.quantize.int8_kernel_fast`). Where it does not,
    the int8 model gives the same labels at no gain in speed, so a model left to its card runs
    in fp32 there."""
    if engine == ONNXRUNTIME:
        from pantau.classify.onnx_engine import int8_fast
    else:
        from pantau.classify.quantize import int8_kernel_fast as int8_fast

    if int8_fast():
        return True
    log.info(
        "%s: the card allows int8, but %s has no fast int8 product on this CPU: "
        "classifying in fp32",
        model_dir,
        engine,
        extra={"model": str(model_dir), "int8_engine": engine},
    )
    return False


def choose_int8_engine(asked: str | None) -> str:
    """The engine that runs int8 models: ``asked`` (``onnxruntime`` or ``torch``), or, with
    ``None``/``auto``, torch where its int8 product is fast on this CPU
    (:func:`.quantize.int8_kernel_fast`: exact sums, the fastest where it is fast), else ONNX
    Runtime where installed (:mod:`.onnx_engine`: fast int8 products on CPUs without int8
    dot-product instructions too)."""
    from pantau.classify import onnx_engine
    from pantau.classify.quantize import int8_kernel_fast

    if asked in (None, "auto"):
        return TORCH if int8_kernel_fast() or not onnx_engine.available() else ONNXRUNTIME
    if asked not in (ONNXRUNTIME, TORCH):
        raise ModelError(f"unknown int8 engine {asked!r}: use auto, {ONNXRUNTIME} or {TORCH}")
    if asked == ONNXRUNTIME and not onnx_engine.available():
        raise ModelError("the int8 engine onnxruntime is not installed: pip install onnxruntime")
    return asked


def installed_int8_engines() -> list[str]:
    """The int8 engines this install has: torch, and ONNX Runtime where it can be imported."""
    from pantau.classify.onnx_engine import available

    return [TORCH, ONNXRUNTIME] if available() else [TORCH]


def _precision(model_dir: Path, quantize: bool | None, int8_engine: str | None) -> tuple[bool, str]:
    """(int8 or not, the engine that runs the model): as asked, or with ``quantize`` ``None``
    as the card allows and the chosen engine's int8 pays; the engine is chosen (and its speed
    measured) only where int8 may run."""
    if quantize is None:
        if not card_allows_int8(read_model_info(model_dir), model_dir):
            return False, TORCH
        engine = choose_int8_engine(int8_engine)
        return (True, engine) if int8_pays(model_dir, engine) else (False, TORCH)
    return (True, choose_int8_engine(int8_engine)) if quantize else (False, TORCH)


def model_version(model_dir: Path) -> str:
    """A stable name for a trained model: folder name plus a weights hash when recorded."""
    digest = str(read_model_info(model_dir).get("model", {}).get("weights_sha256", ""))
    return f"{model_dir.name}:{digest[:12]}" if digest else model_dir.name


class Classifier:
    """A loaded model folder; :meth:`probabilities` and :meth:`suggest` are the entry points."""

    def __init__(
        self,
        model_dir: Path,
        *,
        quantize: bool | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        max_length: int = 128,
        int8_engine: str | None = None,
    ) -> None:
        if not (model_dir / "config.json").is_file():
            raise ModelError(
                f"{model_dir}: not a trained model folder (no config.json); "
                "build one with `pantau model train`"
            )
        # Cores to use; see probabilities() for how.
        self.workers = threads or len(os.sched_getaffinity(0))
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
        model.eval()
        id2label = model.config.id2label
        self.labels: list[str] = [str(id2label[i]) for i in range(len(id2label))]
        left_to_card = quantize is None
        quantize, engine = _precision(model_dir, quantize, int8_engine)
        self.onnx: OnnxInt8 | None = None
        if quantize:
            from pantau.classify.quantize import Calibration
            from pantau.classify.quantize import quantize as to_int8

            model = to_int8(model, Calibration.load(model_dir), inplace=True)
            if engine == ONNXRUNTIME:
                from pantau.classify import onnx_engine

                try:
                    self.onnx = onnx_engine.load(model_dir, model, threads=self.workers)
                except Exception as exc:  # export or load: torch's and onnxruntime's own types
                    if not left_to_card:
                        raise
                    # Left to the card, a model that cannot run in int8 here runs in fp32.
                    log.warning(
                        "%s: cannot run int8 in ONNX Runtime (%s): classifying in fp32",
                        model_dir,
                        exc,
                        extra={"model": str(model_dir)},
                    )
                    quantize, engine = False, TORCH
                    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
                    model.eval()
        self.quantized = quantize
        # What runs the model: torch, or for int8 models ONNX Runtime (`.onnx_engine`).
        self.engine = engine
        # ONNX Runtime's sessions hold the weights: a torch copy would only take memory.
        self._model: torch.nn.Module | None = None if self.onnx is not None else model
        self.version = model_version(model_dir)
        from pantau.classify.preprocess import TextPreparer, load

        # The model's own text preparation (cue masking) as recorded at training.
        self.prepare = TextPreparer(load(model_dir))

    @property
    def model(self) -> torch.nn.Module:
        """The torch model that classifies; a model run by ONNX Runtime keeps none."""
        if self._model is None:
            raise ModelError(
                f"{self.model_dir}: this classifier runs in ONNX Runtime and keeps no torch model"
            )
        return self._model

    @model.setter
    def model(self, model: torch.nn.Module) -> None:
        self._model = model

    def probabilities(
        self, texts: Sequence[str], *, prepare: Callable[[Sequence[str]], list[str]] | None = None
    ) -> npt.NDArray[np.float32]:
        """``[len(texts), n_labels]`` softmax probabilities, in the order of ``texts``.
        ``prepare`` replaces the model's own text preparation (evaluation only)."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not texts:
            return out
        prepared = (prepare or self.prepare)(texts)
        enc = self.tokenizer(prepared, truncation=True, max_length=self.max_length)
        ids: list[list[int]] = enc["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        chunks = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        pad_id = self.tokenizer.pad_token_id
        if pad_id is None:
            raise ModelError(f"{self.model_dir}: the tokenizer has no padding token")

        workers = self.workers
        parallel = workers > 1 and len(chunks) > 1

        def run(chunk: list[int]) -> tuple[list[int], npt.NDArray[np.float32]]:
            input_ids, mask = pad_batch([ids[i] for i in chunk], int(pad_id))
            with torch.inference_mode():
                if self.onnx is not None:
                    cores = 1 if parallel else workers
                    logits = torch.from_numpy(self.onnx.logits(input_ids, mask, threads=cores))
                else:
                    logits = self.model(input_ids=input_ids, attention_mask=mask).logits
                return chunk, torch.softmax(logits.float(), dim=-1).numpy()

        # With several batches, each of ``workers`` threads runs whole batches on one core:
        # on small CPU matrices this beats one batch at a time over every core (392 vs 284
        # posts/s on 2 cores, int8; bench/README.md); kernels release the GIL. One batch gets
        # every core. torch's thread count is process-wide, so it is restored afterwards.
        previous = torch.get_num_threads()
        torch.set_num_threads(1 if parallel else self.workers)
        try:
            if parallel:
                with ThreadPoolExecutor(max_workers=self.workers) as pool:
                    results = list(pool.map(run, chunks))
            else:
                results = [run(chunk) for chunk in chunks]
        finally:
            torch.set_num_threads(previous)
        for chunk, probs in results:
            out[chunk] = probs
        return out

    def suggest(
        self, texts: Sequence[str], *, matcher: SideMatcher | None = None
    ) -> list[Suggestion]:
        probs = self.probabilities(texts)
        matcher = matcher if matcher is not None else default_side_matcher()
        out: list[Suggestion] = []
        for text, row in zip(texts, probs, strict=True):
            best = int(row.argmax())
            out.append(
                Suggestion(
                    label=self.labels[best],
                    score=float(row[best]),
                    probs={label: float(p) for label, p in zip(self.labels, row, strict=True)},
                    targets=tuple(sorted(matcher.match(text).sides)),
                )
            )
        return out


def default_side_matcher() -> SideMatcher:
    """The cue matcher built from the configured watch lists."""
    from pantau.registry.cues import default_matcher

    matcher: SideMatcher = default_matcher()
    return matcher


def load_classifier(
    model_dir: Path, quantize: bool | None = None, int8_engine: str | None = None
) -> Classifier:
    """A process-wide loaded classifier per (folder, its current weights, precision, engine);
    ``int8_engine`` ``None`` takes the configured one (``classify.int8_engine``).

    The key includes the model's version and the weights file's modification time, so a model
    promoted or rebuilt in place is loaded afresh by long-running processes (scheduler, workers).
    """
    weights = model_dir / "model.safetensors"
    stamp = weights.stat().st_mtime_ns if weights.is_file() else 0
    return _load_classifier(model_dir, model_version(model_dir), stamp, quantize, int8_engine)


def clear_classifier_cache() -> None:
    """Forget every loaded classifier (benchmarks and tests that time loading)."""
    _load_classifier.cache_clear()


@lru_cache(maxsize=4)
def _load_classifier(
    model_dir: Path, _version: str, _stamp: int, quantize: bool | None, int8_engine: str | None
) -> Classifier:
    from pantau.config import get_settings

    settings = get_settings().classify
    return Classifier(
        model_dir,
        quantize=quantize,
        threads=settings.threads or None,
        batch_size=settings.batch_size,
        max_length=settings.max_length,
        int8_engine=int8_engine or settings.int8_engine,
    )


def classify_texts(
    texts: Sequence[str],
    *,
    model_dir: Path,
    quantize: bool | None = None,
    matcher: SideMatcher | None = None,
) -> list[Suggestion]:
    """Suggestions for ``texts`` from the model in ``model_dir`` (in input order)."""
    return load_classifier(model_dir.resolve(), quantize).suggest(texts, matcher=matcher)
