"""The flag page, decisions (confirm / dismiss / ask clarification), the audited evidence route
and the clarification form. Routes only translate: the services check roles and rules again."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from pantau.collect.evidence import EvidenceStore
from pantau.errors import EvidenceError, InputRejected, PermissionDenied, ReviewError, RowError
from pantau.review import audit
from pantau.review import clarification as clar
from pantau.review.decisions import decide
from pantau.review.flag_view import FlagPage, evidence_capture, get_flag, load_flag_page
from pantau.review.models import User
from pantau.review.permissions import Permission
from pantau.review.queue import STATUS_LABELS
from pantau.review.web.deps import SessionDep, SettingsDep, require_permission
from pantau.review.web.routes.queue import ACT_LABELS
from pantau.review.web.templating import render

router = APIRouter(prefix="/flags")
Viewer = Annotated[User, require_permission(Permission.QUEUE_VIEW)]
Decider = Annotated[User, require_permission(Permission.FLAG_DECIDE)]
EvidenceViewer = Annotated[User, require_permission(Permission.EVIDENCE_VIEW)]
Recorder = Annotated[User, require_permission(Permission.CLARIFICATION_RECORD)]
LongText = Annotated[str, Form(max_length=8000)]
TEXT_TYPES = ("application/json", "text/html", "text/plain")
DONE_MESSAGES = {
    "confirm": "Konfirmasi Anda tercatat.",
    "dismiss": "Penolakan Anda tercatat.",
    "clarify": "Permintaan klarifikasi tercatat.",
    "klarifikasi": "Jawaban klarifikasi tercatat.",
}
VERDICT_LABELS = {"confirm": "Konfirmasi", "dismiss": "Tolak", "clarify": "Minta klarifikasi"}


def external_url(url: str) -> str:
    """``url`` if it is a plain web link, else "" (a scraped ``javascript:`` URL is never a
    link; the page shows it as text)."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _labels() -> dict[str, Any]:
    return {
        "external_url": external_url,
        "status_labels": STATUS_LABELS,
        "act_labels": ACT_LABELS,
        "verdict_labels": VERDICT_LABELS,
        "claim_labels": clar.CLAIM_LABELS,
        "outcome_labels": clar.OUTCOME_LABELS,
    }


def _page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: User,
    flag_id: int,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        page: FlagPage = load_flag_page(
            session=session,
            viewer=user,
            flag_id=flag_id,
            warning_days=settings.review.deadline_warning_days,
        )
    except ReviewError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        raise HTTPException(404) from exc
    done = request.query_params.get("hasil", "")
    context = {
        "page": page,
        "f": page.flag,
        "errors": errors or [],
        "form": form or {},
        "done": DONE_MESSAGES.get(done, ""),
        "warning_days": settings.review.deadline_warning_days,
        **_labels(),
    }
    return render(request, "flag.html", context, status_code=status_code)


@router.get("/{flag_id}")
def flag_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: Viewer, flag_id: int
) -> Response:
    return _page(request, session, settings, user, flag_id)


def _messages(exc: InputRejected) -> list[str]:
    return [f"{e.column}: {e.reason}" for e in exc.errors] or [exc.message]


@router.post("/{flag_id}/decide")
def decide_flag(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Decider,
    flag_id: int,
    verdict: Annotated[str, Form(max_length=16)] = "",
    reason: LongText = "",
    channel: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    get_flag_or_404(session, flag_id)
    try:
        decide(
            session=session,
            flag_id=flag_id,
            reviewer=user,
            verdict=verdict,
            reason=reason,
            channel=channel,
        )
    except InputRejected as exc:
        session.rollback()
        form = {"verdict": verdict, "reason": reason, "channel": channel}
        return _page(
            request,
            session,
            settings,
            user,
            flag_id,
            errors=_messages(exc),
            form=form,
            status_code=400,
        )
    except ReviewError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        session.rollback()
        # A refused vote (a second vote by the same reviewer, a settled flag) is worth keeping.
        audit.record(
            session=session,
            actor=user,
            action="flag.decide.refused",
            subject_type="flag",
            subject_id=flag_id,
            detail={"verdict": verdict, "error": type(exc).__name__, "message": str(exc)},
        )
        return _page(request, session, settings, user, flag_id, errors=[str(exc)], status_code=409)
    return RedirectResponse(f"/flags/{flag_id}?hasil={verdict}", status_code=303)


def get_flag_or_404(session: SessionDep, flag_id: int) -> None:
    try:
        get_flag(session, flag_id)
    except ReviewError as exc:
        raise HTTPException(404) from exc


@router.get("/{flag_id}/evidence/{capture_id}")
def evidence_file(
    session: SessionDep, user: EvidenceViewer, flag_id: int, capture_id: int
) -> Response:
    """Serve one evidence file of the flag, re-checked against its SHA-256 (audited)."""
    try:
        capture = evidence_capture(
            session=session, viewer=user, flag_id=flag_id, capture_id=capture_id
        )
        data = EvidenceStore.from_settings().get(capture.sha256)
    except (ReviewError, EvidenceError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        raise HTTPException(404) from exc
    headers = {"X-Evidence-SHA256": capture.sha256}
    content_type = capture.content_type
    if content_type in ("image/png", "image/jpeg", "image/webp"):
        return Response(data, media_type=content_type, headers=headers)
    if content_type.split(";")[0].strip() in TEXT_TYPES:
        # Raw payloads are shown as inert text: never rendered as HTML by the browser.
        return Response(data, media_type="text/plain; charset=utf-8", headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{capture.sha256}.bin"'
    return Response(data, media_type="application/octet-stream", headers=headers)


def _clarification_page(
    request: Request,
    session: SessionDep,
    flag_id: int,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    flag = get_flag(session, flag_id)
    item = clar.open_clarification(session=session, flag_id=flag_id)
    context = {
        "f": flag,
        "item": item,
        "errors": errors or [],
        "form": form or {},
        "claims": clar.CLAIM_LABELS,
        "outcomes": {k: v for k, v in clar.OUTCOME_LABELS.items() if k},
        **_labels(),
    }
    return render(request, "clarification.html", context, status_code=status_code)


@router.get("/{flag_id}/clarification")
def clarification_form(
    request: Request, session: SessionDep, user: Recorder, flag_id: int
) -> Response:
    get_flag_or_404(session, flag_id)
    return _clarification_page(request, session, flag_id)


@router.post("/{flag_id}/clarification")
def clarification_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Recorder,
    flag_id: int,
    reply_text: LongText = "",
    reply_at: Annotated[str, Form(max_length=40)] = "",
    claim: Annotated[str, Form(max_length=32)] = "none",
    checks_made: LongText = "",
    outcome: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    get_flag_or_404(session, flag_id)
    form = {
        "reply_text": reply_text,
        "reply_at": reply_at,
        "claim": claim,
        "checks_made": checks_made,
        "outcome": outcome,
    }
    try:
        when = _local_datetime(reply_at, settings.tz) if reply_at else None
        entry = clar.ClarificationInput(
            reply_text=reply_text,
            reply_at=when,
            claim=claim,
            checks_made=checks_made,
            outcome=outcome,
        )
        clar.record_clarification(session=session, flag_id=flag_id, recorder=user, entry=entry)
    except InputRejected as exc:
        session.rollback()
        return _clarification_page(
            request, session, flag_id, errors=_messages(exc), form=form, status_code=400
        )
    except ReviewError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        session.rollback()
        return _clarification_page(request, session, flag_id, errors=[str(exc)], status_code=409)
    return RedirectResponse(f"/flags/{flag_id}?hasil=klarifikasi", status_code=303)


def _local_datetime(value: str, zone: Any) -> datetime:
    """A ``datetime-local`` form value, read as WIB."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputRejected(
            "clarification rejected", [RowError("form", 0, "reply_at", value, str(exc))]
        ) from exc
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed
