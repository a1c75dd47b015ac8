"""Settings of the review app (section ``[review]``, env ``PANTAU_REVIEW__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReviewSettings(BaseModel):
    session_minutes: int = Field(default=60, ge=1)
    referral_deadline_days: int = Field(default=7, ge=1)
