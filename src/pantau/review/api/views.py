"""ORM rows and review view objects -> the API's response models (pure translation)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.detect.models import Flag
from pantau.review.api import schemas
from pantau.review.flag_view import FlagPage as FlagView
from pantau.review.flag_view import PersonRecord
from pantau.review.queue import QueueRow
from pantau.review.referral_models import Referral
from pantau.sweep.models import Sweep


def _flag_fields(flag: Flag) -> dict[str, object]:
    return {
        "id": flag.id,
        "status": flag.status,
        "act_code": flag.act_code,
        "platform": flag.platform,
        "item_type": flag.item_type,
        "item_id": flag.item_id,
        "item_url": flag.item_url,
        "agency_id": flag.agency_id,
        "region_code": flag.region_code,
        "target_side": flag.target_side,
        "target_handle": flag.target_handle,
        "target_is_official": flag.target_is_official,
        "severity": flag.severity,
        "suggestion_label": flag.suggestion_label,
        "suggestion_score": flag.suggestion_score,
        "act_time": flag.act_time,
        "first_detected_at": flag.first_detected_at,
        "deadline_at": flag.deadline_at,
    }


def flag_summary(row: QueueRow) -> schemas.FlagSummary:
    return schemas.FlagSummary(
        **_flag_fields(row.flag),
        account_handle=row.handle,
        agency_name=row.agency_name,
        overdue=row.overdue,
        due_soon=row.due_soon,
    )


def _person(record: PersonRecord | None) -> schemas.PersonOut | None:
    if record is None:
        return None
    p, account = record.person, record.account
    return schemas.PersonOut(
        civil_servant_id=p.id,
        name=p.name,
        nip=p.nip,
        employment_status=p.status,
        position=p.position,
        unit=p.unit,
        agency=record.agency.name,
        region_code=p.region_code,
        account_platform=account.platform,
        account_handle=account.handle,
        account_url=account.profile_url,
        ownership_basis=account.ownership_basis,
    )


def flag_detail(session: Session, page: FlagView) -> schemas.FlagDetail:
    flag = page.flag
    referral_id = session.scalar(select(Referral.id).where(Referral.flag_id == flag.id))
    post = page.post
    return schemas.FlagDetail(
        **_flag_fields(flag),
        account_handle=page.handle,
        agency_name=page.record.agency.name if page.record is not None else "",
        overdue=page.overdue,
        due_soon=page.due_soon,
        reasons=[str(r) for r in flag.reasons or []],
        round=page.round,
        decisions=[
            schemas.DecisionOut(
                id=d.id,
                reviewer=d.reviewer,
                round=d.round,
                verdict=d.verdict,
                reason=d.reason,
                at=d.at,
            )
            for d in page.decisions
        ],
        clarifications=[
            schemas.ClarificationOut.model_validate(c, from_attributes=True)
            for c in page.clarifications
        ],
        referral_id=referral_id,
        post=None
        if post is None
        else schemas.PostOut(
            platform=post.platform,
            post_id=post.post_id,
            kind=post.kind,
            text=post.text,
            url=post.url,
            created_at=post.created_at,
        ),
        evidence=[
            schemas.EvidenceOut(
                capture_id=e.capture.id,
                role=e.role,
                kind=e.capture.kind,
                content_type=e.capture.content_type,
                sha256=e.capture.sha256,
                captured_at=e.capture.captured_at,
                url=e.capture.url,
            )
            for e in page.evidence or []
        ],
        person=_person(page.record),
    )


def referral_summary(referral: Referral, flag: Flag) -> schemas.ReferralSummary:
    return schemas.ReferralSummary(
        id=referral.id,
        reference=referral.reference,
        flag_id=referral.flag_id,
        act_code=flag.act_code,
        platform=flag.platform,
        officer=referral.officer,
        witness_1=referral.witness_1,
        witness_2=referral.witness_2,
        deadline_at=referral.deadline_at,
        created_at=referral.created_at,
        exported_at=referral.exported_at,
        export_count=referral.export_count,
        package_sha256=referral.package_sha256,
        late=referral.late,
    )


def _count(summary: dict[str, object], key: str) -> int | None:
    value = summary.get(key)
    if isinstance(value, list):
        return len(value)
    return value if isinstance(value, int) else None


def sweep_summary(sweep: Sweep) -> schemas.SweepSummary:
    summary = sweep.summary or {}
    return schemas.SweepSummary(
        id=sweep.id,
        status=sweep.status,
        phase=sweep.phase,
        trigger=sweep.trigger,
        executor=sweep.executor,
        model_version=sweep.model_version,
        started_at=sweep.started_at,
        finished_at=sweep.finished_at,
        attempts=sweep.attempts,
        new_observations=_count(summary, "new_observations"),
        new_flags=_count(summary, "new_flags"),
        failed_accounts=_count(summary, "failed_accounts"),
    )
