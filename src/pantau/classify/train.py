"""Fine-tuning: a base model + labelled examples -> a model folder with label maps.

A plain loop (AdamW, linear decay after warm-up) rather than ``Trainer``: it keeps the
dependencies small and lets batches be built from texts of similar length (length-bucketed
shuffling), which is most of the speed of CPU training.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PretrainedConfig,
)
from transformers.utils import logging as hf_logging

from pantau.classify import partial
from pantau.classify.predict import set_threads
from pantau.errors import ModelError

LABELS: tuple[str, ...] = ("support", "oppose", "neutral", "unrelated")


@dataclass(frozen=True)
class TrainConfig:
    epochs: float = 3.0
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int = 128
    seed: int = 13
    threads: int | None = None
    max_steps: int | None = None  # stop early (tests, time budgets)
    # Freeze the embeddings and this many lower layers and cache their output (0: train all).
    freeze_layers: int = 0
    # Keep only the base's lowest this many transformer layers (0: all of them).
    layers: int = 0


@dataclass(frozen=True)
class TrainResult:
    model_dir: Path
    steps: int
    seconds: float
    final_loss: float
    weights_sha256: str


def seed_everything(seed: int) -> None:
    """Same seed, same data, same threads -> the same weights (CPU kernels are deterministic)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_bucketed_batches(
    lengths: Sequence[int], *, batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffle, sort within windows of 50 batches by length, cut into batches, shuffle them."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def fine_tune(
    *,
    base: str,
    texts: Sequence[str],
    labels: Sequence[str],
    out_dir: Path,
    config: TrainConfig,
    progress: bool = False,
) -> TrainResult:
    """Fine-tune ``base`` on (texts, labels) and save the model folder at ``out_dir``."""
    if len(texts) != len(labels) or not texts:
        raise ModelError(f"need the same number (>0) of texts and labels, got {len(texts)}")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ModelError(f"unknown labels {unknown}; the scheme is {list(LABELS)}")
    started = time.monotonic()  # includes loading and the frozen-layer pass
    set_threads(config.threads)
    seed_everything(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    label2id = {label: i for i, label in enumerate(LABELS)}
    # The base has no classification head yet: transformers' load report says so at length;
    # that is expected here, so it is silenced for this one load.
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity(logging.ERROR)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            base, config=_model_config(base, config.layers, label2id)
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    enc = tokenizer(list(texts), truncation=True, max_length=config.max_length)
    ids: list[list[int]] = enc["input_ids"]
    features: list[torch.Tensor] = []
    if config.freeze_layers:
        partial.freeze_bottom(model, config.freeze_layers)
        features = partial.bottom_features(
            model, ids, config.freeze_layers, pad_id=tokenizer.pad_token_id, progress=progress
        )
    y = [label2id[label] for label in labels]
    rng = random.Random(config.seed)
    per_epoch = math.ceil(len(ids) / config.batch_size)
    total = config.max_steps or max(1, math.ceil(per_epoch * config.epochs))
    optimizer, scheduler = _optimizer(model, config, total)
    model.train()
    step, loss_value = 0, float("nan")
    # disable=None: a bar on a terminal, none in a log file (one line per step there).
    bar = tqdm(total=total, desc="fine-tuning", unit="step", disable=None if progress else True)
    while step < total:
        for batch_ids in length_bucketed_batches(
            [len(x) for x in ids], batch_size=config.batch_size, rng=rng
        ):
            target = torch.tensor([y[i] for i in batch_ids])
            if features:
                logits = partial.top_logits(
                    model, [features[i] for i in batch_ids], config.freeze_layers
                )
            else:
                batch = tokenizer.pad(
                    {"input_ids": [ids[i] for i in batch_ids]}, padding=True, return_tensors="pt"
                )
                logits = model(
                    input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
                ).logits
            loss = torch.nn.functional.cross_entropy(logits, target)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            loss_value = float(loss.detach())
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss_value:.3f}")
            if step >= total:
                break
    bar.close()
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    return TrainResult(
        model_dir=out_dir,
        steps=step,
        seconds=time.monotonic() - started,
        final_loss=loss_value,
        weights_sha256=file_sha256(out_dir / "model.safetensors"),
    )


def _model_config(base: str, layers: int, label2id: dict[str, int]) -> PretrainedConfig:
    """The base's config with our label maps, and only its lowest ``layers`` layers when set
    (checked: more than the base has would add untrained layers)."""
    model_config: PretrainedConfig = AutoConfig.from_pretrained(
        base,
        num_labels=len(label2id),
        id2label={i: label for label, i in label2id.items()},
        label2id=label2id,
    )
    if layers:
        available = int(model_config.num_hidden_layers)
        if not 1 <= layers <= available:
            raise ModelError(
                f"layers: the base {base} has {available} transformer layers; "
                f"keep between 1 and {available}, not {layers}"
            )
        model_config.num_hidden_layers = layers
    return model_config


def _optimizer(
    model: torch.nn.Module, config: TrainConfig, total: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if param.ndim < 2 or "LayerNorm" in name else decay).append(param)
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": config.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=config.learning_rate,
    )
    warmup = max(1, int(total * config.warmup_ratio))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
