"""Settings of sweeps and the scheduler (section ``[sweep]``, env ``PANTAU_SWEEP__*``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class SweepSettings(BaseModel):
    executor: Literal["local", "celery"] = "local"
    cron: str = "0 1 * * *"
    redis_url: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "pantau-sweep"
    retention_cron: str = "30 3 * * *"
    misfire_grace_s: int = Field(default=3600, ge=1)
    lease_ttl_s: float = Field(default=900.0, gt=0)
    due_after_hours: float = Field(default=20.0, ge=0)
    collect_batch: int = Field(default=8, ge=1)
    classify_batch: int = Field(default=256, ge=1)
    model_dir: Path | None = None
    monitoring_sessions: dict[str, str] = Field(default_factory=dict)
    task_retries: int = Field(default=3, ge=0)
    task_timeout_s: float = Field(default=3600.0, gt=0)
    celery_visibility_timeout_s: int = Field(default=3600, ge=1)
