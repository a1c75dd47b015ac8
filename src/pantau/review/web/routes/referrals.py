"""Referral pages (referral officer; the auditor reads): confirmed flags awaiting referral with
deadline warnings, the chronology form, the referral page, export and the audited download.
Routes only translate: the referral service checks roles and rules again."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse, Response

from pantau.detect.models import Flag
from pantau.errors import EvidenceError, InputRejected, PermissionDenied, ReviewError
from pantau.review import referral as service
from pantau.review.models import User
from pantau.review.permissions import Permission
from pantau.review.queue import STATUS_LABELS
from pantau.review.referral_letter import letter_sections
from pantau.review.referral_view import (
    audit_list_view,
    awaiting_referral,
    preview_record,
    referral_record,
    referral_rows,
)
from pantau.review.web.deps import SessionDep, SettingsDep, require_permission
from pantau.review.web.templating import render
from pantau.store.db import utcnow

router = APIRouter(prefix="/rujukan")
ReferralViewer = Annotated[User, require_permission(Permission.REFERRAL_VIEW)]
Officer = Annotated[User, require_permission(Permission.REFERRAL_CREATE)]
PAGE_SIZE = 50
DONE_MESSAGES = {
    "dibuat": "Rujukan tersimpan. Periksa isinya, lalu ekspor paketnya.",
    "ekspor": "Paket rujukan diekspor.",
}


def _refusal(exc: ReviewError) -> None:
    if isinstance(exc, PermissionDenied):
        raise exc


@router.get("")
def list_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ReferralViewer,
    after: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    now = utcnow()
    days = settings.review.deadline_warning_days
    try:
        awaiting, next_cursor = awaiting_referral(
            session=session,
            viewer=user,
            after=after or None,
            limit=PAGE_SIZE,
            warning_days=days,
            now=now,
        )
    except InputRejected as exc:  # a tampered cursor
        raise HTTPException(400) from exc
    made = referral_rows(session=session, viewer=user, warning_days=days, now=now)
    ids = [a.row.flag.id for a in awaiting] + [m.flag.id for m in made]
    audit_list_view(session=session, viewer=user, flag_ids=ids)
    context = {
        "awaiting": awaiting,
        "next_cursor": next_cursor,
        "made": made,
        "warning_days": days,
        "late_count": sum(1 for a in awaiting if a.state.code == service.LATE),
        "soon_count": sum(1 for a in awaiting if a.state.code == service.DUE_SOON),
    }
    return render(request, "referrals.html", context)


def _form_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: User,
    flag_id: int,
    *,
    chronology: str = "",
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    existing = service.referral_for_flag(session=session, flag_id=flag_id)
    if existing is not None:
        return RedirectResponse(f"/rujukan/{existing.id}", status_code=303)
    try:
        record = preview_record(session=session, flag_id=flag_id, viewer=user, zone=settings.tz)
    except ReviewError as exc:
        _refusal(exc)
        refusal = {"title": "Belum dapat dirujuk", "message": _not_ready(session, flag_id)}
        return render(request, "error.html", refusal, status_code=400)
    state = service.deadline_state(
        record_deadline(record), now=utcnow(), warning_days=settings.review.deadline_warning_days
    )
    sections = [s for s in letter_sections(record) if not s.title.startswith("F.")]
    context: dict[str, Any] = {
        "flag_id": flag_id,
        "record": record,
        "sections": sections,
        "state": state,
        "chronology": chronology,
        "errors": errors or [],
        "min_length": service.CHRONOLOGY_MIN,
    }
    return render(request, "referral_form.html", context, status_code=status_code)


def record_deadline(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["times"]["deadline"]["utc"].replace("Z", "+00:00"))


def _not_ready(session: SessionDep, flag_id: int) -> str:
    flag = session.get(Flag, flag_id)
    if flag is None:
        return f"Temuan #{flag_id} tidak ada."
    status = STATUS_LABELS.get(flag.status, flag.status)
    return (
        f"Temuan #{flag_id} berstatus “{status}”. Hanya temuan yang telah dikonfirmasi oleh dua "
        "peninjau yang berbeda yang dapat dirujuk."
    )


@router.get("/baru/{flag_id}")
def new_form(
    request: Request, session: SessionDep, settings: SettingsDep, user: Officer, flag_id: int
) -> Response:
    return _form_page(request, session, settings, user, flag_id)


@router.post("/baru/{flag_id}")
def create(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Officer,
    flag_id: int,
    chronology: Annotated[str, Form(max_length=service.CHRONOLOGY_MAX)] = "",
) -> Response:
    try:
        made = service.create_referral(
            session=session, flag_id=flag_id, officer=user, chronology=chronology
        )
    except InputRejected:
        session.rollback()
        errors = [f"Kronologi: tulis uraian kejadian (minimal {service.CHRONOLOGY_MIN} karakter)."]
        return _form_page(
            request,
            session,
            settings,
            user,
            flag_id,
            chronology=chronology,
            errors=errors,
            status_code=400,
        )
    except ReviewError as exc:
        _refusal(exc)
        session.rollback()
        return _form_page(request, session, settings, user, flag_id, status_code=400)
    return RedirectResponse(f"/rujukan/{made.id}?hasil=dibuat", status_code=303)


def _referral_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: User,
    referral_id: int,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        referral, record = referral_record(
            session=session, referral_id=referral_id, viewer=user, zone=settings.tz
        )
    except ReviewError as exc:
        _refusal(exc)
        raise HTTPException(404) from exc
    now = referral.exported_at or utcnow()
    state = service.deadline_state(
        referral.deadline_at, now=now, warning_days=settings.review.deadline_warning_days
    )
    context = {
        "referral": referral,
        "record": record,
        "sections": letter_sections(record),
        "state": state,
        "errors": errors or [],
        "done": DONE_MESSAGES.get(request.query_params.get("hasil", ""), ""),
    }
    return render(request, "referral.html", context, status_code=status_code)


@router.get("/{referral_id}")
def referral_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ReferralViewer,
    referral_id: int,
) -> Response:
    return _referral_page(request, session, settings, user, referral_id)


@router.post("/{referral_id}/ekspor")
def export(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Officer,
    referral_id: int,
) -> Response:
    try:
        service.export_package(
            session=session,
            referral_id=referral_id,
            out_dir=service.referral_dir(settings),
            officer=user,
            settings=settings,
        )
    except ReviewError as exc:
        _refusal(exc)
        raise HTTPException(404) from exc
    except EvidenceError as exc:
        session.rollback()
        message = f"Ekspor dibatalkan: bukti tidak utuh atau hilang ({exc})."
        return _referral_page(
            request, session, settings, user, referral_id, errors=[message], status_code=400
        )
    return RedirectResponse(f"/rujukan/{referral_id}?hasil=ekspor", status_code=303)


@router.get("/{referral_id}/unduh")
def download(
    session: SessionDep, settings: SettingsDep, user: ReferralViewer, referral_id: int
) -> Response:
    try:
        referral, path = service.open_package(
            session=session,
            referral_id=referral_id,
            out_dir=service.referral_dir(settings),
            viewer=user,
        )
    except (ReviewError, EvidenceError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        raise HTTPException(404) from exc
    return FileResponse(
        path,
        media_type="application/zip",
        filename=referral.package_name,
        headers={"X-Package-SHA256": referral.package_sha256},
    )
