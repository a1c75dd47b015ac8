"""The dashboard (charts, rankings, backlog) and the fairness panel: aggregates only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from pantau.review.insight import dashboard as data
from pantau.review.insight.charts import to_svg
from pantau.review.insight.fairness import deployed_model_dir, fairness_report
from pantau.review.insight.figures import CHARTS, ChartContext, build_chart
from pantau.review.models import User
from pantau.review.permissions import Permission
from pantau.review.web.deps import SessionDep, SettingsDep, require_permission
from pantau.review.web.templating import render
from pantau.store.db import utcnow

router = APIRouter(prefix="/dasbor")
DashboardViewer = Annotated[User, require_permission(Permission.DASHBOARD_VIEW)]
SVG_TYPE = "image/svg+xml"


def _context(session: SessionDep, settings: SettingsDep) -> ChartContext:
    now = utcnow()
    period = data.Period.ending(now=now, days=settings.review.dashboard_days, zone=settings.tz)
    return ChartContext(session, period, now, settings.review.deadline_warning_days)


@router.get("")
def dashboard_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: DashboardViewer
) -> Response:
    ctx = _context(session, settings)
    return render(
        request,
        "dashboard.html",
        {
            "period": ctx.period,
            "charts": list(CHARTS),
            "agencies": data.agency_ranking(session=session, period=ctx.period),
            "regions": data.region_ranking(session=session, period=ctx.period),
            "backlog": data.backlog(session=session, now=ctx.now, warning_days=ctx.warning_days),
        },
    )


@router.get("/grafik/{name}.svg")
def chart_svg(
    name: str, session: SessionDep, settings: SettingsDep, user: DashboardViewer
) -> Response:
    chart = build_chart(name, _context(session, settings))
    if chart is None:
        raise HTTPException(status_code=404)
    return Response(to_svg(chart), media_type=SVG_TYPE)


@router.get("/keadilan")
def fairness_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: DashboardViewer
) -> Response:
    period = _context(session, settings).period
    report = fairness_report(
        session=session,
        threshold=settings.review.fairness_threshold,
        min_flags=settings.review.fairness_min_flags,
        model_dir=deployed_model_dir(settings),
        since=period.start,
        until=period.end,
    )
    return render(request, "fairness.html", {"report": report, "period": period})
