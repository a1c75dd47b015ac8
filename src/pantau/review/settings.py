"""Settings of the review app (section ``[review]``, env ``PANTAU_REVIEW__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReviewSettings(BaseModel):
    session_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    referral_deadline_days: int = Field(default=7, ge=1)
    # None: Secure cookies except on plain-http in development mode (localhost demo).
    cookie_secure: bool | None = None
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    password_min_length: int = Field(default=10, ge=8)
    queue_page_size: int = Field(default=50, ge=1, le=200)
    deadline_warning_days: int = Field(default=2, ge=0)
    fairness_threshold: float = Field(default=0.15, gt=0, le=1)
    fairness_min_flags: int = Field(default=5, ge=1)
    dashboard_days: int = Field(default=28, ge=1, le=366)
