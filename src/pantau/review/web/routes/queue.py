"""The review queue page: filters, counts, deadline warnings, keyset pagination."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from starlette.responses import Response

from pantau.detect.models import ACT_CODES, FLAG_STATUSES
from pantau.errors import InputRejected
from pantau.registry.models import PLATFORMS, Agency, Side
from pantau.review.decisions import ACTIVE
from pantau.review.models import User
from pantau.review.permissions import Permission
from pantau.review.queue import STATUS_LABELS, QueueFilters, list_queue, queue_counts
from pantau.review.web.deps import SessionDep, SettingsDep, require_permission
from pantau.review.web.templating import render

router = APIRouter(prefix="/queue")
QueueViewer = Annotated[User, require_permission(Permission.QUEUE_VIEW)]
ACT_LABELS = {
    "POST": "Unggahan",
    "COMMENT": "Komentar",
    "SHARE": "Bagikan",
    "LIKE": "Suka",
    "FOLLOW": "Ikuti",
    "PHOTO": "Foto",
    "ATTRIBUTE": "Atribut",
}
Text = Annotated[str, Query(max_length=64)]


def _day_start(day: date | None, zone: ZoneInfo) -> datetime | None:
    """Midnight WIB of ``day`` (the page speaks WIB; the database holds UTC)."""
    return None if day is None else datetime.combine(day, time(0), tzinfo=zone)


@router.get("")
def queue_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: QueueViewer,
    status: Text = "aktif",
    agency: Annotated[int | None, Query(ge=1)] = None,
    region: Text = "",
    platform: Text = "",
    act: Text = "",
    side: Text = "",
    dari: Annotated[date | None, Query()] = None,
    sampai: Annotated[date | None, Query()] = None,
    after: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    zone = settings.tz
    until = _day_start(sampai + timedelta(days=1), zone) if sampai else None
    statuses = ACTIVE if status == "aktif" else FLAG_STATUSES if status == "semua" else (status,)
    filters = QueueFilters(
        statuses=tuple(statuses),
        agency_id=agency,
        region_code=region.strip(),
        platform=platform,
        act_code=act,
        side=side.strip(),
        detected_from=_day_start(dari, zone),
        detected_to=until,
    )
    review = settings.review
    params = {
        "status": status,
        "agency": agency or "",
        "region": region,
        "platform": platform,
        "act": act,
        "side": side,
        "dari": dari.isoformat() if dari else "",
        "sampai": sampai.isoformat() if sampai else "",
    }
    try:
        page = list_queue(
            session=session,
            principal=user,
            filters=filters,
            after=after or None,
            limit=review.queue_page_size,
            warning_days=review.deadline_warning_days,
        )
    except InputRejected as exc:
        return render(
            request,
            "error.html",
            {"title": "Permintaan tidak sah", "message": exc.message},
            status_code=400,
        )
    counts = queue_counts(
        session=session, principal=user, filters=filters, warning_days=review.deadline_warning_days
    )
    kept = {k: v for k, v in params.items() if v}
    context = {
        "rows": page.rows,
        "counts": counts,
        "params": params,
        "next_url": f"/queue?{urlencode({**kept, 'after': page.next_cursor})}"
        if page.next_cursor
        else "",
        "first_url": f"/queue?{urlencode(kept)}" if after else "",
        "status_labels": STATUS_LABELS,
        # the count tiles switch the status and keep the other filters
        "status_urls": {k: f"/queue?{urlencode({**kept, 'status': k})}" for k in STATUS_LABELS},
        "act_labels": ACT_LABELS,
        "acts": ACT_CODES,
        "platforms": PLATFORMS,
        "agencies": session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all(),
        "sides": list(session.scalars(select(Side.key).order_by(Side.key))),
        "warning_days": review.deadline_warning_days,
    }
    return render(request, "queue.html", context)
