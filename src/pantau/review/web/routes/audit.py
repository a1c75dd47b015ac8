"""The audit-trail browser and chain check (auditor, admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from pantau.review import audit
from pantau.review.models import User
from pantau.review.permissions import Permission
from pantau.review.web.deps import SessionDep, require_permission
from pantau.review.web.templating import render

router = APIRouter(prefix="/audit")
PAGE_SIZE = 50
Auditor = Annotated[User, require_permission(Permission.AUDIT_VIEW)]


@router.get("")
def browse(
    request: Request,
    session: SessionDep,
    user: Auditor,
    before: Annotated[int | None, Query(ge=1)] = None,
    actor: Annotated[str, Query(max_length=100)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    audit.audit_view(
        session=session,
        principal=user,
        permission=Permission.AUDIT_VIEW,
        subject_type="audit_trail",
        subject_id="",
        detail={k: v for k, v in (("before", before), ("actor", actor), ("action", action)) if v},
    )
    entries = audit.list_entries(
        session=session,
        principal=user,
        limit=PAGE_SIZE,
        before_seq=before,
        actor=actor or None,
        action=action or None,
    )
    older = entries[-1].seq if len(entries) == PAGE_SIZE and entries[-1].seq > 1 else None
    return render(
        request,
        "audit.html",
        {"entries": entries, "older": older, "actor": actor, "action": action},
    )


@router.get("/verify")
def verify(request: Request, session: SessionDep, user: Auditor) -> Response:
    result = audit.verify(session=session)
    audit.record(
        session=session,
        actor=user,
        action="audit.verify",
        subject_type="audit_trail",
        subject_id="",
        detail={"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq},
    )
    return render(request, "audit_verify.html", {"result": result})
