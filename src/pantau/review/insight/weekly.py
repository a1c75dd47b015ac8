"""The weekly report for supervisors (``pantau report weekly``): the charts, the rankings, the
backlog and the fairness summary, as a self-contained HTML file or a PDF.

Personal data (civil servants' names and NIPs) appears only when the reader's role may view
personal records (``asn_record.view``); otherwise the report is aggregates plus flag numbers.
Writing a report is audited (who, which role, whether personal data was included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.detect.models import Flag
from pantau.errors import InputRejected
from pantau.registry.models import CivilServant
from pantau.review import audit
from pantau.review.insight import dashboard as data
from pantau.review.insight.charts import Chart
from pantau.review.insight.fairness import FairnessReport, deployed_model_dir, fairness_report
from pantau.review.insight.figures import ChartContext, build_chart
from pantau.review.insight.ranking import RankRow
from pantau.review.models import ROLES
from pantau.review.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Permission, Principal

REPORT_DAYS = 7
FORMATS = ("pdf", "html")
REPORT_CHARTS = (
    "flags-act",
    "flags-platform",
    "confirmed-act",
    "agencies",
    "regions",
    "backlog",
    "sweep-x",
    "sweep-instagram",
    "sweep-facebook",
    "sweep-tiktok",
)


@dataclass(frozen=True)
class RiskRow:
    """An at-risk flag; ``name``/``nip`` are empty unless the role may see personal records."""

    flag_id: int
    act_code: str
    platform: str
    agency: str
    status: str
    deadline: str
    name: str = ""
    nip: str = ""


@dataclass
class WeeklyReport:
    period: data.Period
    generated_at: datetime
    role: str
    personal: bool
    totals: dict[str, int]
    charts: list[Chart]
    agencies: list[RankRow]
    regions: list[RankRow]
    backlog: data.Backlog
    at_risk: list[RiskRow]
    fairness: FairnessReport
    notes: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "Penyelia (tanpa akses data pribadi)")


def may_see_personal(role: str) -> bool:
    return Permission.ASN_RECORD_VIEW in ROLE_PERMISSIONS.get(role, frozenset())


def _totals(session: Session, period: data.Period) -> dict[str, int]:
    rows = session.execute(
        select(Flag.status, func.count(Flag.id))
        .where(Flag.first_detected_at >= period.start, Flag.first_detected_at < period.end)
        .group_by(Flag.status)
    ).all()
    by_status = {str(s): int(n) for s, n in rows}
    return {
        "raised": sum(by_status.values()),
        "confirmed": sum(by_status.get(s, 0) for s in data.CONFIRMED_STATUSES),
        "dismissed": by_status.get("dismissed", 0),
    }


def _risk_rows(
    session: Session, backlog: data.Backlog, settings: Settings, personal: bool
) -> list[RiskRow]:
    people: dict[int, tuple[str, str]] = {}
    if personal and backlog.at_risk:
        ids = [r.flag_id for r in backlog.at_risk]
        people = {
            fid: (name, nip)
            for fid, name, nip in session.execute(
                select(Flag.id, CivilServant.name, CivilServant.nip)
                .join(CivilServant, CivilServant.id == Flag.civil_servant_id)
                .where(Flag.id.in_(ids))
            )
        }
    zone = settings.tz
    return [
        RiskRow(
            r.flag_id,
            r.act_code,
            r.platform,
            r.agency,
            r.status,
            r.deadline_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
            *people.get(r.flag_id, ("", "")),
        )
        for r in backlog.at_risk
    ]


def build_weekly(
    *, session: Session, settings: Settings, now: datetime, role: str | None
) -> WeeklyReport:
    """Gather the report for the ``REPORT_DAYS`` WIB days ending at ``now``, for ``role``
    (``None``: a reader without access to personal records)."""
    if role is not None and role not in ROLES:
        raise InputRejected(f"--role: unknown role {role!r}; one of {', '.join(ROLES)}")
    reader = role or "supervisor"
    personal = role is not None and may_see_personal(role)
    period = data.Period.ending(now=now, days=REPORT_DAYS, zone=settings.tz)
    review = settings.review
    ctx = ChartContext(session, period, now, review.deadline_warning_days)
    charts = [c for name in REPORT_CHARTS if (c := build_chart(name, ctx)) is not None]
    backlog = data.backlog(session=session, now=now, warning_days=review.deadline_warning_days)
    fairness = fairness_report(
        session=session,
        threshold=review.fairness_threshold,
        min_flags=review.fairness_min_flags,
        model_dir=deployed_model_dir(settings),
        since=period.start,
        until=period.end,
    )
    return WeeklyReport(
        period=period,
        generated_at=now,
        role=reader,
        personal=personal,
        totals=_totals(session, period),
        charts=charts,
        agencies=data.agency_ranking(session=session, period=period),
        regions=data.region_ranking(session=session, period=period),
        backlog=backlog,
        at_risk=_risk_rows(session, backlog, settings, personal),
        fairness=fairness,
    )


def write_weekly(
    *,
    session: Session,
    settings: Settings,
    actor: str | Principal,
    out: Path,
    fmt: str,
    role: str | None,
    now: datetime,
) -> WeeklyReport:
    """Build the report, write it to ``out`` as ``fmt`` (pdf|html) and audit the writing."""
    if fmt not in FORMATS:
        raise InputRejected(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    report = build_weekly(session=session, settings=settings, now=now, role=role)
    # Imported here: the PDF writer loads fpdf2 and fonts, the HTML one Jinja2 templates.
    from pantau.review.insight.weekly_render import render_html, render_pdf

    payload = render_pdf(report) if fmt == "pdf" else render_html(report).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(payload)
    tmp.replace(out)  # never a half-written report under the final name
    audit.record(
        session=session,
        actor=actor,
        action="report.weekly",
        subject_type="report",
        subject_id=out.name[:128],
        detail={
            "format": fmt,
            "role": report.role,
            "personal_data": report.personal,
            "period": [report.period.first.isoformat(), report.period.last.isoformat()],
        },
    )
    return report
