"""Settings of the classification stage (section ``[classify]``, env ``PANTAU_CLASSIFY__*``)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Int8Engine(StrEnum):
    """What runs int8 models (``classify.int8_engine``, ``pantau model predict --int8-engine``)."""

    auto = "auto"
    onnxruntime = "onnxruntime"
    torch = "torch"


class ClassifySettings(BaseModel):
    base_model: str = "indolem/indobertweet-base-uncased"
    offline_base: bool = True
    batch_size: int = Field(default=32, ge=1)
    max_length: int = Field(default=128, ge=8, le=512)
    threads: int = Field(default=0, ge=0)
    model_name: str = "default"
    vocab_size: int = Field(default=30_000, ge=1_000)
    epochs: float = Field(default=3.0, gt=0)
    train_batch_size: int = Field(default=16, ge=1)
    learning_rate: float = Field(default=5e-5, gt=0)
    seed: int = 13
    # Embeddings + the lower 6 of 12 layers frozen: half the training time (docs/settings.md).
    freeze_layers: int = Field(default=6, ge=0)
    # Keep only the base's lowest this many layers (0: all; docs/settings.md).
    layers: int = Field(default=0, ge=0)
    # Mask every candidate cue (watch lists + past contests) in training and prediction.
    mask_cues: bool = True
    # Share of masked training texts whose candidate placeholders get stand-in names, so that
    # candidates missing from the matchers (a later election) still read as candidates.
    stand_in_rate: float = Field(default=0.3, ge=0.0, le=1.0)
    # The sweep classifies in fp32 unless this is set: fp32's labels and scores do not depend
    # on which other posts share the batch; int8's can, slightly, through rounding (no label
    # of 2,142 changed between two batchings, scores by up to 0.03). `pantau model predict`
    # follows the model card (docs/settings.md).
    sweep_int8: bool = False
    # What runs int8 models: ONNX Runtime (int8 kernels for CPUs without int8 dot-product
    # instructions too), torch's own int8 layers, or auto: torch where its int8 product is fast
    # on this CPU, else ONNX Runtime where installed (docs/settings.md).
    int8_engine: Int8Engine = Int8Engine.auto
