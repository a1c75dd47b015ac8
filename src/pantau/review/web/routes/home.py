"""The home page: real counts and the navigation the later areas fill."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from pantau.registry.models import Account, Agency, CivilServant
from pantau.review import audit
from pantau.review.auth import count_live_sessions
from pantau.review.models import AuditEntry, User
from pantau.review.permissions import Permission
from pantau.review.users import count_users
from pantau.review.web.deps import SessionDep, require_permission
from pantau.review.web.templating import render

router = APIRouter()


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def dashboard_counts(session: Session) -> list[tuple[str, int]]:
    """Aggregate counts only (no personal data), each from a real query."""
    return [
        ("Instansi terdaftar", _count(session, Agency)),
        ("ASN terdaftar", _count(session, CivilServant)),
        ("Akun media sosial terdaftar", _count(session, Account)),
        ("Pengguna aktif", count_users(session=session)),
        ("Sesi aktif", count_live_sessions(session=session)),
        ("Entri jejak audit", audit.count_entries(session=session)),
    ]


@router.get("/")
def home(
    request: Request,
    session: SessionDep,
    user: Annotated[User, require_permission(Permission.DASHBOARD_VIEW)],
) -> Response:
    last = session.execute(select(func.max(AuditEntry.at))).scalar_one()
    return render(
        request,
        "home.html",
        {"counts": dashboard_counts(session), "last_audit_at": last},
    )
