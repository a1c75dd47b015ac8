"""Settings of the classification stage (section ``[classify]``, env ``PANTAU_CLASSIFY__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClassifySettings(BaseModel):
    base_model: str = "indolem/indobertweet-base-uncased"
    offline_base: bool = True
    batch_size: int = Field(default=32, ge=1)
