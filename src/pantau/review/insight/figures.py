"""The dashboard's charts by name, shared by the web page and the weekly report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pantau.registry.models import PLATFORMS
from pantau.review.insight import dashboard as data
from pantau.review.insight.charts import Chart, horizontal_bars, stacked_bars
from pantau.review.insight.ranking import RankRow

RANKING_ROWS = 15
STATUS_LABELS = {
    "open": "baru",
    "in_review": "ditinjau",
    "awaiting_clarification": "menunggu klarifikasi",
}
OUTCOME_LABELS = {
    "collected": "terkumpul",
    "failed": "gagal",
    "blocked": "diblokir",
    "unobservable": "tak teramati",
}
SERIES_TITLES = {
    "flags-act": "Penanda per hari, menurut perbuatan",
    "flags-platform": "Penanda per hari, menurut platform",
    "confirmed-act": "Perbuatan terkonfirmasi per hari, menurut perbuatan",
    "confirmed-platform": "Perbuatan terkonfirmasi per hari, menurut platform",
}


@dataclass(frozen=True)
class ChartContext:
    session: Session
    period: data.Period
    now: datetime
    warning_days: int


def _day_labels(ctx: ChartContext) -> list[str]:
    return [d.strftime("%d/%m") for d in ctx.period.days()]


def _series_chart(name: str) -> Callable[[ChartContext], Chart]:
    def build(ctx: ChartContext) -> Chart:
        series = data.daily_counts(session=ctx.session, period=ctx.period, name=name)
        return stacked_bars(SERIES_TITLES[name], _day_labels(ctx), series.counts)

    return build


def ranking_chart(title: str, rows: list[RankRow]) -> Chart:
    shown = [
        (f"{r.rank}. {r.label}", r.rate, f"{r.rate:.2f} ({r.confirmed}/{r.registered})")
        for r in rows[:RANKING_ROWS]
    ]
    return horizontal_bars(title, shown)


def _agencies(ctx: ChartContext) -> Chart:
    rows = data.agency_ranking(session=ctx.session, period=ctx.period)
    return ranking_chart("Instansi: perbuatan terkonfirmasi per 1.000 ASN terdaftar", rows)


def _regions(ctx: ChartContext) -> Chart:
    rows = data.region_ranking(session=ctx.session, period=ctx.period)
    return ranking_chart("Wilayah: perbuatan terkonfirmasi per 1.000 ASN terdaftar", rows)


def _sweep_chart(platform: str) -> Callable[[ChartContext], Chart]:
    def build(ctx: ChartContext) -> Chart:
        health = data.sweep_health(session=ctx.session, period=ctx.period, platform=platform)
        series = health[platform]
        named = {OUTCOME_LABELS[k]: v for k, v in series.counts.items()}
        title = f"Kesehatan penyapuan {platform}: akun per malam"
        return stacked_bars(title, _day_labels(ctx), named)

    return build


def _backlog(ctx: ChartContext) -> Chart:
    backlog = data.backlog(session=ctx.session, now=ctx.now, warning_days=ctx.warning_days)
    series = {
        STATUS_LABELS[s]: [backlog.buckets[b][s] for b in data.BACKLOG_BUCKETS]
        for s in STATUS_LABELS
    }
    return stacked_bars(
        "Antrean tinjauan menurut tenggat", list(data.BACKLOG_BUCKETS), series, width=480
    )


CHARTS: dict[str, Callable[[ChartContext], Chart]] = {
    **{name: _series_chart(name) for name in SERIES_TITLES},
    "agencies": _agencies,
    "regions": _regions,
    **{f"sweep-{p}": _sweep_chart(p) for p in PLATFORMS},
    "backlog": _backlog,
}


def build_chart(name: str, ctx: ChartContext) -> Chart | None:
    """The chart called ``name`` (see :data:`CHARTS`), or ``None`` for an unknown name."""
    builder = CHARTS.get(name)
    return builder(ctx) if builder is not None else None
