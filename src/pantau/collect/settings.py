"""Settings of the collection stage (section ``[collect]``, env ``PANTAU_COLLECT__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class CollectSettings(BaseModel):
    chromium_path: Path = Path("/usr/bin/chromium")
    storage_state_key: SecretStr | None = None
    max_contexts: int = Field(default=2, ge=1)
    page_timeout_s: float = Field(default=30.0, gt=0)
    engagement_window_days: int = Field(default=14, ge=0)
