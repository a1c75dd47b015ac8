"""Response models of the JSON API: what ``/api/v1/openapi.json`` publishes.

Times are UTC (ISO 8601 with offset). The model's suggestion is internal triage and is labelled
as such; it is never evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ApiError(BaseModel):
    """Every refusal and error: a short machine-readable code and a sentence for people."""

    error: str = Field(description="unauthorized, forbidden, not_found, bad_request, ...")
    detail: str


class FlagSummary(BaseModel):
    id: int
    status: str
    act_code: str
    platform: str
    item_type: str
    item_id: str
    item_url: str
    account_handle: str
    agency_id: int | None
    agency_name: str
    region_code: str
    target_side: str
    target_handle: str
    target_is_official: bool
    severity: int
    suggestion_label: str | None = Field(description="model suggestion: triage only, not proof")
    suggestion_score: float | None
    act_time: datetime | None
    first_detected_at: datetime
    deadline_at: datetime
    overdue: bool
    due_soon: bool


class FlagPage(BaseModel):
    items: list[FlagSummary]
    next_cursor: str | None = Field(description="pass as ?after= for the next page")


class DecisionOut(BaseModel):
    id: int
    reviewer: str
    round: int
    verdict: str
    reason: str
    at: datetime


class ClarificationOut(BaseModel):
    id: int
    round: int
    asked_at: datetime
    asked_by: str
    question: str
    channel: str
    reply_text: str
    reply_at: datetime | None
    claim: str
    checks_made: str
    outcome: str
    recorded_by: str
    closed_at: datetime | None


class EvidenceOut(BaseModel):
    capture_id: int
    role: str
    kind: str
    content_type: str
    sha256: str
    captured_at: datetime | None
    url: str


class PostOut(BaseModel):
    platform: str
    post_id: str
    kind: str
    text: str
    url: str
    created_at: datetime | None


class PersonOut(BaseModel):
    """The civil servant's record (roles with ``asn_record.view`` only; each view audited)."""

    civil_servant_id: int
    name: str
    nip: str
    employment_status: str
    position: str
    unit: str
    agency: str
    region_code: str
    account_platform: str
    account_handle: str
    account_url: str
    ownership_basis: str


class FlagDetail(FlagSummary):
    reasons: list[str]
    round: int
    decisions: list[DecisionOut]
    clarifications: list[ClarificationOut]
    referral_id: int | None
    post: PostOut | None
    evidence: list[EvidenceOut]
    person: PersonOut | None


class ReferralSummary(BaseModel):
    id: int
    reference: str
    flag_id: int
    act_code: str
    platform: str
    officer: str
    witness_1: str
    witness_2: str
    deadline_at: datetime
    created_at: datetime
    exported_at: datetime | None
    export_count: int
    package_sha256: str
    late: bool


class ReferralPage(BaseModel):
    items: list[ReferralSummary]
    next_before_id: int | None = Field(description="pass as ?before_id= for the next page")


class ReferralDetail(ReferralSummary):
    chronology: str
    record: dict[str, Any] = Field(description="the referral letter's record (as exported)")


class SweepSummary(BaseModel):
    id: int
    status: str
    phase: str
    trigger: str
    executor: str
    model_version: str
    started_at: datetime
    finished_at: datetime | None
    attempts: int
    new_observations: int | None
    new_flags: int | None
    failed_accounts: int | None


class SweepPage(BaseModel):
    items: list[SweepSummary]
    next_before_id: int | None


class SweepDetail(SweepSummary):
    error: str
    summary: dict[str, Any] = Field(description="the stored summary of the finished sweep")
