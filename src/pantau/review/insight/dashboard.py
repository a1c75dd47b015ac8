"""The dashboard's figures, each from a real query: flags and confirmed acts over time by act
and platform, agencies and regions ranked per 1,000 civil servants, sweep health per platform
and night, and the review backlog with deadlines at risk.

Aggregates only: nothing here names a civil servant. Days are calendar days in the display
zone (WIB); the database holds UTC.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pantau.collect.models import AccountCrawl, CrawlRun
from pantau.detect.models import ACT_CODES, Flag
from pantau.registry.models import PLATFORMS, Account, Agency, CivilServant
from pantau.review.decisions import ACTIVE
from pantau.review.insight.ranking import RankRow, rank_per_thousand

CONFIRMED_STATUSES = ("confirmed", "referred")
#: Failure reasons that mean the platform refused us (``pantau.errors.BlockedError`` family).
BLOCK_REASONS = frozenset({"blocked", "login_wall", "challenge", "rate_limited"})
SWEEP_OUTCOMES = ("collected", "failed", "blocked", "unobservable")
BACKLOG_BUCKETS = ("lewat tenggat", "≤ 1 hari", "berisiko", "aman")


@dataclass(frozen=True)
class Period:
    """Whole WIB days ``first`` .. ``last`` (inclusive)."""

    first: date
    last: date
    zone: ZoneInfo

    @classmethod
    def ending(cls, *, now: datetime, days: int, zone: ZoneInfo) -> Period:
        last = now.astimezone(zone).date()
        return cls(last - timedelta(days=days - 1), last, zone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


@dataclass
class TimeSeries:
    """Counts per day and key (act code or platform)."""

    days: list[date]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def total(self) -> int:
        return sum(sum(v) for v in self.counts.values())


def _series(period: Period, keys: tuple[str, ...]) -> TimeSeries:
    days = period.days()
    return TimeSeries(days, {k: [0] * len(days) for k in keys})


SERIES_NAMES = ("flags-act", "flags-platform", "confirmed-act", "confirmed-platform")


def daily_counts(*, session: Session, period: Period, name: str) -> TimeSeries:
    """One of :data:`SERIES_NAMES`: flags (or confirmed acts: confirmed or referred, i.e. two
    reviewers) per WIB day of first detection, by act code or by platform."""
    kind, by = name.split("-")
    column: Any = Flag.act_code if by == "act" else Flag.platform
    out = _series(period, ACT_CODES if by == "act" else PLATFORMS)
    days = period.days()
    # The WIB day as a CASE over the day boundaries (portable: no time-zone functions), and
    # counted in SQL: reading ~70,000 flag rows of a 28-day window into Python took seconds.
    bounds = [datetime.combine(d, datetime.min.time(), period.zone) for d in days[1:]]
    whens = [(Flag.first_detected_at < b, i) for i, b in enumerate(bounds)]
    keys: list[Any] = [column]
    if whens:  # a one-day period needs no day column (and GROUP BY a constant is not portable)
        keys.insert(0, case(*whens, else_=len(days) - 1))
    stmt = select(*keys, func.count(Flag.id)).where(
        Flag.first_detected_at >= period.start, Flag.first_detected_at < period.end
    )
    if kind == "confirmed":
        stmt = stmt.where(Flag.status.in_(CONFIRMED_STATUSES))
    for row in session.execute(stmt.group_by(*keys)):
        values: tuple[Any, ...] = tuple(row) if whens else (0, *row)
        i, key, n = values
        out.counts.setdefault(key, [0] * len(days))[int(i)] += int(n)
    return out


def flags_over_time(*, session: Session, period: Period) -> dict[str, TimeSeries]:
    """Every series of :data:`SERIES_NAMES` by name."""
    return {n: daily_counts(session=session, period=period, name=n) for n in SERIES_NAMES}


def _confirmed_by(session: Session, column: Any, period: Period | None) -> dict[str, int]:
    stmt = select(column, func.count(Flag.id)).where(Flag.status.in_(CONFIRMED_STATUSES))
    if period is not None:
        stmt = stmt.where(
            Flag.first_detected_at >= period.start, Flag.first_detected_at < period.end
        )
    rows = session.execute(stmt.group_by(column)).all()
    return {str(k): int(n) for k, n in rows if k is not None and k != ""}


def agency_ranking(*, session: Session, period: Period | None = None) -> list[RankRow]:
    """Agencies by confirmed acts per 1,000 registered civil servants (agencies without any
    registered civil servant are left out)."""
    registered = {
        str(a): int(n)
        for a, n in session.execute(
            select(CivilServant.agency_id, func.count(CivilServant.id)).group_by(
                CivilServant.agency_id
            )
        )
    }
    labels = {str(i): name for i, name in session.execute(select(Agency.id, Agency.name))}
    for key in labels:
        registered.setdefault(key, 0)
    return rank_per_thousand(
        confirmed=_confirmed_by(session, Flag.agency_id, period),
        registered=registered,
        labels=labels,
    )


def region_ranking(*, session: Session, period: Period | None = None) -> list[RankRow]:
    """Regions (civil servants' region codes) by confirmed acts per 1,000 registered."""
    registered = {
        str(r): int(n)
        for r, n in session.execute(
            select(CivilServant.region_code, func.count(CivilServant.id)).group_by(
                CivilServant.region_code
            )
        )
        if r
    }
    return rank_per_thousand(
        confirmed=_confirmed_by(session, Flag.region_code, period), registered=registered
    )


def _account_outcome(blocked: int, failed: int, ok: int) -> str:
    if blocked:
        return "blocked"
    if failed:
        return "failed"
    return "collected" if ok else "unobservable"


def _flag_max(condition: Any) -> Any:
    return func.max(case((condition, 1), else_=0))


def sweep_health(
    *, session: Session, period: Period, platform: str | None = None
) -> dict[str, TimeSeries]:
    """Per platform: registered accounts per night (the WIB day a crawl run started) that were
    collected, failed, blocked by the platform, or wholly unobservable (every act the platform
    hides). An account counts once per night: blocked beats failed beats collected.
    ``platform``: only that platform's accounts are read (one chart per platform)."""
    runs = {
        run_id: period.day_of(started)
        for run_id, started in session.execute(
            select(CrawlRun.id, CrawlRun.started_at).where(
                CrawlRun.started_at >= period.start, CrawlRun.started_at < period.end
            )
        )
    }
    if not runs:
        return {p: _series(period, SWEEP_OUTCOMES) for p in PLATFORMS}
    failed = AccountCrawl.status == "failed"
    accounts = select(Account.id, Account.platform)
    if platform is not None:
        accounts = accounts.where(Account.platform == platform)
    # One row of small integers per (run, account) from SQL, not one per act (a month of
    # nightly sweeps over 5,000 accounts is 560,000 act rows; see bench/bench_sweep_health.py).
    # Platforms come from one read of the account table.
    stmt = select(
        AccountCrawl.run_id,
        AccountCrawl.account_id,
        _flag_max(failed & AccountCrawl.reason.in_(BLOCK_REASONS)),
        _flag_max(failed),
        _flag_max(AccountCrawl.status == "ok"),
    ).where(AccountCrawl.run_id.in_(list(runs)))
    if platform is not None:
        stmt = stmt.where(AccountCrawl.account_id.in_(accounts.with_only_columns(Account.id)))
    seen: dict[tuple[date, int], list[int]] = {}
    rows = session.execute(stmt.group_by(AccountCrawl.run_id, AccountCrawl.account_id))
    for run_id, account_id, *flags in rows:
        key = (runs[run_id], account_id)
        prior = seen.get(key, [0, 0, 0])  # two runs in one night: the worst outcome counts
        seen[key] = [max(a, int(b)) for a, b in zip(prior, flags, strict=True)]
    platform_of: dict[int, str] = {a: p for a, p in session.execute(accounts)}
    index = {d: i for i, d in enumerate(period.days())}
    out = {p: _series(period, SWEEP_OUTCOMES) for p in PLATFORMS}
    for (day, account_id), (blocked, fail, ok) in seen.items():
        name = platform_of.get(account_id, "")
        if name not in out:  # an account of a platform added later
            out[name] = _series(period, SWEEP_OUTCOMES)
        series = out[name]
        series.counts[_account_outcome(blocked, fail, ok)][index[day]] += 1
    return out


@dataclass(frozen=True)
class AtRisk:
    """An active flag near or past its referral deadline (no personal data)."""

    flag_id: int
    act_code: str
    platform: str
    agency: str
    status: str
    deadline_at: datetime


@dataclass
class Backlog:
    by_status: dict[str, int]
    buckets: dict[str, dict[str, int]]  # deadline bucket -> status -> count
    at_risk: list[AtRisk]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def backlog(
    *, session: Session, now: datetime, warning_days: int, at_risk_limit: int = 20
) -> Backlog:
    """Flags still needing a reviewer, by status and by how close their deadline is; the
    soonest ``at_risk_limit`` of those not yet overdue but due within ``warning_days``."""
    # Range counts per (status, bucket): each one a range of the queue index (status,
    # deadline_at, ...), which SQLite and PostgreSQL count without reading the table; a CASE
    # over every active flag took seconds at 10^6 flags (bench/bench_dashboard.py).
    soon = now + timedelta(days=1)
    horizon = max(soon, now + timedelta(days=warning_days))
    edges = [None, now, soon, horizon, None]
    by_status: Counter[str] = Counter({s: 0 for s in ACTIVE})
    buckets = {b: {s: 0 for s in ACTIVE} for b in BACKLOG_BUCKETS}
    for status in ACTIVE:
        for k, name in enumerate(BACKLOG_BUCKETS):
            low, high = edges[k], edges[k + 1]
            stmt = select(func.count()).select_from(Flag).where(Flag.status == status)
            if low is not None:  # buckets are (low, high]; the overdue one is (-inf, now)
                stmt = stmt.where(Flag.deadline_at >= low if k == 1 else Flag.deadline_at > low)
            if high is not None:
                stmt = stmt.where(Flag.deadline_at < high if k == 0 else Flag.deadline_at <= high)
            n = int(session.execute(stmt).scalar_one())
            buckets[name][status] = n
            by_status[status] += n
    # Due within the warning window and not yet passed (overdue ones are counted above):
    # the soonest per status, each an ordered range of the queue index, merged here.
    risky: list[Any] = []
    for status in ACTIVE:
        risky += session.execute(
            select(
                Flag.id, Flag.act_code, Flag.platform, Agency.name, Flag.status, Flag.deadline_at
            )
            .outerjoin(Agency, Agency.id == Flag.agency_id)
            .where(Flag.status == status, Flag.deadline_at >= now, Flag.deadline_at <= horizon)
            .order_by(Flag.deadline_at, Flag.queue_rank, Flag.id)
            .limit(at_risk_limit)
        ).all()
    risky.sort(key=lambda r: (r[5], r[0]))
    del risky[at_risk_limit:]
    at_risk = [AtRisk(i, a, p, name or "-", s, d) for i, a, p, name, s, d in risky]
    return Backlog(dict(by_status), buckets, at_risk)
