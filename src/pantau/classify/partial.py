"""Partial fine-tuning for CPUs: freeze the embeddings and the lower layers, cache their output.

With the bottom ``k`` layers frozen (and in eval mode, so without dropout) their output for a
text never changes during training, so it is computed once per text and the optimiser steps
only run the top layers and the head. On a 2-core machine this turns a 12-layer fine-tune
that would take hours into minutes; the saved model is an ordinary full model folder.

Works for BERT-family models (``model.bert``-style ``embeddings``/``encoder.layer``/``pooler``
and a ``classifier`` head), which both the offline e5 base and IndoBERTweet are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from tqdm.auto import tqdm
from transformers.masking_utils import create_bidirectional_mask

from pantau.errors import ModelError


def _parts(model: torch.nn.Module) -> tuple[Any, Any, Any]:
    base = getattr(model, "base_model", None)
    layers = getattr(getattr(base, "encoder", None), "layer", None)
    if base is None or layers is None or not hasattr(model, "classifier"):
        raise ModelError(
            f"partial fine-tuning needs a BERT-style model, not {type(model).__name__}; "
            "set freeze_layers to 0"
        )
    return base, layers, model.classifier


def freeze_bottom(model: torch.nn.Module, k: int) -> None:
    """Stop gradients through the embeddings and the first ``k`` encoder layers."""
    base, layers, _ = _parts(model)
    if not 0 < k < len(layers):
        raise ModelError(f"freeze_layers must be between 1 and {len(layers) - 1}, not {k}")
    base.embeddings.requires_grad_(False)
    for layer in layers[:k]:
        layer.requires_grad_(False)


def pad_batch(ids: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad token id lists to the longest; returns (input_ids, attention_mask)."""
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return input_ids, mask


def bottom_features(
    model: torch.nn.Module,
    ids: Sequence[Sequence[int]],
    k: int,
    *,
    pad_id: int,
    batch_size: int = 32,
    progress: bool = False,
) -> list[torch.Tensor]:
    """Hidden states after layer ``k`` for each token list (``[len, hidden]``, fp16 to save RAM)."""
    base, layers, _ = _parts(model)
    was_training = model.training
    model.eval()
    out: list[torch.Tensor | None] = [None] * len(ids)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    starts = range(0, len(order), batch_size)
    with torch.inference_mode():
        bar = tqdm(starts, desc="frozen layers", unit="batch", disable=None if progress else True)
        for start in bar:
            chunk = order[start : start + batch_size]
            input_ids, mask = pad_batch([ids[i] for i in chunk], pad_id)
            hidden = base.embeddings(input_ids=input_ids)
            attn = create_bidirectional_mask(
                config=base.config, inputs_embeds=hidden, attention_mask=mask
            )
            for layer in layers[:k]:
                hidden = layer(hidden, attention_mask=attn)
            for row, i in enumerate(chunk):
                out[i] = hidden[row, : len(ids[i])].to(torch.float16).clone()
    model.train(was_training)
    return [t for t in out if t is not None]


def top_logits(model: torch.nn.Module, features: Sequence[torch.Tensor], k: int) -> torch.Tensor:
    """Logits from cached layer-``k`` states: the top layers, the pooler and the head."""
    base, layers, classifier = _parts(model)
    width = max(f.shape[0] for f in features)
    hidden = torch.zeros((len(features), width, features[0].shape[1]), dtype=torch.float32)
    mask = torch.zeros((len(features), width), dtype=torch.long)
    for row, f in enumerate(features):
        hidden[row, : f.shape[0]] = f.float()
        mask[row, : f.shape[0]] = 1
    attn = create_bidirectional_mask(config=base.config, inputs_embeds=hidden, attention_mask=mask)
    for layer in layers[k:]:
        hidden = layer(hidden, attention_mask=attn)
    pooled = base.pooler(hidden) if base.pooler is not None else hidden[:, 0]
    dropout = getattr(model, "dropout", None)
    logits: torch.Tensor = classifier(dropout(pooled) if dropout is not None else pooled)
    return logits
