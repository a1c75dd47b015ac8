"""Settings of sweeps and the scheduler (section ``[sweep]``, env ``PANTAU_SWEEP__*``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class SweepSettings(BaseModel):
    executor: Literal["local", "celery"] = "local"
    cron: str = "0 1 * * *"
    redis_url: str = "redis://127.0.0.1:6379/0"
