"""The API's read-only routes: flags, referrals (cases) and sweep summaries.

Routes only translate: the review services check permissions again (``queue.view``,
``referral.view``, ``asn_record.view``, ``evidence.view``) and audit every view of personal
data, exactly as the pages do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.encoders import jsonable_encoder
from pydantic import AwareDatetime
from sqlalchemy import select

from pantau.detect.models import Flag
from pantau.errors import InputRejected, RowError
from pantau.review.api import schemas
from pantau.review.api.deps import ApiCaller, ApiRefused, ApiSession, ApiSettings
from pantau.review.api.views import flag_detail, flag_summary, referral_summary, sweep_summary
from pantau.review.flag_view import load_flag_page
from pantau.review.permissions import Permission, require
from pantau.review.queue import QueueFilters, list_queue
from pantau.review.referral_models import Referral
from pantau.review.referral_view import referral_record
from pantau.sweep.models import Sweep

router = APIRouter()

# Ids are INTEGER columns (32-bit on PostgreSQL): larger values cannot exist.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
OptionalId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=200)]
Code = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9._-]*$")]

REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ApiError, "description": text}
    for status, text in (
        (400, "a parameter was refused"),
        (401, "no token, or an unknown, revoked or expired one"),
        (403, "the token's user has a role the API does not serve"),
        (404, "no such item"),
        (422, "a parameter failed validation"),
    )
}


def _utc(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise InputRejected(
            "time out of range", [RowError("query", 0, field, value.isoformat(), str(exc))]
        ) from exc


@router.get("/flags", response_model=schemas.FlagPage, responses=REFUSALS)
def list_flags(
    session: ApiSession,
    settings: ApiSettings,
    user: ApiCaller,
    status: Annotated[list[str] | None, Query(max_length=10)] = None,
    platform: Code = "",
    act: Code = "",
    side: Code = "",
    region: Code = "",
    agency_id: OptionalId = None,
    detected_from: Annotated[AwareDatetime | None, Query()] = None,
    detected_to: Annotated[AwareDatetime | None, Query()] = None,
    after: Annotated[str, Query(max_length=200)] = "",
    limit: Limit = 50,
) -> schemas.FlagPage:
    """Flags in queue order (deadline, then priority), every status unless ``status`` is given;
    continue with ``after`` = the previous page's ``next_cursor``."""
    from pantau.detect.models import FLAG_STATUSES

    filters = QueueFilters(
        statuses=tuple(status) if status else FLAG_STATUSES,
        agency_id=agency_id,
        region_code=region,
        platform=platform,
        act_code=act,
        side=side,
        detected_from=_utc(detected_from, "detected_from"),
        detected_to=_utc(detected_to, "detected_to"),
    )
    page = list_queue(
        session=session,
        principal=user,
        filters=filters,
        after=after or None,
        limit=limit,
        warning_days=settings.review.deadline_warning_days,
    )
    return schemas.FlagPage(
        items=[flag_summary(row) for row in page.rows], next_cursor=page.next_cursor
    )


@router.get("/flags/{flag_id}", response_model=schemas.FlagDetail, responses=REFUSALS)
def get_flag(
    flag_id: Id, session: ApiSession, settings: ApiSettings, user: ApiCaller
) -> schemas.FlagDetail:
    """One flag: decisions, clarifications, the item, evidence hashes and the civil servant's
    record (each view audited)."""
    require(user, Permission.QUEUE_VIEW)
    page = load_flag_page(
        session=session,
        viewer=user,
        flag_id=flag_id,
        warning_days=settings.review.deadline_warning_days,
    )
    return flag_detail(session, page)


@router.get("/referrals", response_model=schemas.ReferralPage, responses=REFUSALS)
def list_referrals(
    session: ApiSession,
    user: ApiCaller,
    before_id: OptionalId = None,
    limit: Limit = 50,
) -> schemas.ReferralPage:
    """Referrals (one confirmed act each), newest first; continue with ``before_id``."""
    require(user, Permission.REFERRAL_VIEW)
    stmt = select(Referral, Flag).join(Flag, Flag.id == Referral.flag_id)
    if before_id is not None:
        stmt = stmt.where(Referral.id < before_id)
    rows = [(r, f) for r, f in session.execute(stmt.order_by(Referral.id.desc()).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return schemas.ReferralPage(
        items=[referral_summary(r, f) for r, f in rows],
        next_before_id=rows[-1][0].id if more and rows else None,
    )


@router.get("/referrals/{referral_id}", response_model=schemas.ReferralDetail, responses=REFUSALS)
def get_referral(
    referral_id: Id, session: ApiSession, settings: ApiSettings, user: ApiCaller
) -> schemas.ReferralDetail:
    """One referral with its letter's record (the civil servant's record and evidence: audited)."""
    referral, record = referral_record(
        session=session, referral_id=referral_id, viewer=user, zone=settings.tz
    )
    flag = session.get(Flag, referral.flag_id)
    if flag is None:  # pragma: no cover - RESTRICT foreign key
        raise ApiRefused(404, "not_found", f"referral {referral_id} has no flag")
    base = referral_summary(referral, flag)
    return schemas.ReferralDetail(
        **base.model_dump(), chronology=referral.chronology, record=jsonable_encoder(record)
    )


@router.get("/sweeps", response_model=schemas.SweepPage, responses=REFUSALS)
def list_sweeps(
    session: ApiSession,
    user: ApiCaller,
    before_id: OptionalId = None,
    limit: Limit = 50,
) -> schemas.SweepPage:
    """Sweeps, newest first, with their headline numbers; continue with ``before_id``."""
    require(user, Permission.DASHBOARD_VIEW)
    stmt = select(Sweep)
    if before_id is not None:
        stmt = stmt.where(Sweep.id < before_id)
    sweeps = list(session.scalars(stmt.order_by(Sweep.id.desc()).limit(limit + 1)))
    more = len(sweeps) > limit
    sweeps = sweeps[:limit]
    return schemas.SweepPage(
        items=[sweep_summary(s) for s in sweeps],
        next_before_id=sweeps[-1].id if more and sweeps else None,
    )


@router.get("/sweeps/{sweep_id}", response_model=schemas.SweepDetail, responses=REFUSALS)
def get_sweep(sweep_id: Id, session: ApiSession, user: ApiCaller) -> schemas.SweepDetail:
    """One sweep and its stored summary (accounts failed, acts unobservable, new flags...)."""
    require(user, Permission.DASHBOARD_VIEW)
    sweep = session.get(Sweep, sweep_id)
    if sweep is None:
        raise ApiRefused(404, "not_found", f"sweep {sweep_id} does not exist")
    return schemas.SweepDetail(
        **sweep_summary(sweep).model_dump(),
        error=sweep.error,
        summary=jsonable_encoder(sweep.summary or {}),
    )
