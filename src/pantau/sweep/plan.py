"""Planning a sweep: who is due tonight, written as task rows in the same transaction.

Due: every active registered account on an enabled platform that has no successful collection
(``posts`` act ``ok``) in the last ``sweep.due_after_hours``; every watched (campaign) account on
an enabled platform (their new posts and the engagement on their posts still in the engagement
window). Following lists are read with the account's collection where the platform shows them.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pantau.collect.base import Act, collector_for
from pantau.collect.models import AccountCrawl, Post
from pantau.collect.service import start_run
from pantau.config import Settings
from pantau.registry.models import Account, WatchedAccount
from pantau.sweep.models import Sweep, SweepTask

TASK_CHUNK = 10_000


def enabled_platforms(settings: Settings) -> list[str]:
    return sorted(p for p, m in settings.collect.methods.items() if m.enabled)


def due_accounts(
    *, session: Session, settings: Settings, now: datetime, everything: bool = False
) -> list[tuple[int, str]]:
    """(id, platform) of active registered accounts on enabled platforms not collected
    successfully lately (plain rows: a national roster has millions)."""
    query = (
        select(Account.id, Account.platform)
        .where(Account.active.is_(True), Account.platform.in_(enabled_platforms(settings)))
        .order_by(Account.platform, Account.id)
    )
    if not everything and settings.sweep.due_after_hours > 0:
        cutoff = now - timedelta(hours=settings.sweep.due_after_hours)
        recent = (
            select(AccountCrawl.account_id)
            .where(
                AccountCrawl.act == "posts",
                AccountCrawl.status == "ok",
                AccountCrawl.at >= cutoff,
            )
            .distinct()
        )
        query = query.where(Account.id.not_in(recent))
    return [(int(i), str(p)) for i, p in session.execute(query)]


def watched_accounts(*, session: Session, settings: Settings) -> list[WatchedAccount]:
    return list(
        session.scalars(
            select(WatchedAccount)
            .where(WatchedAccount.platform.in_(enabled_platforms(settings)))
            .order_by(WatchedAccount.platform, WatchedAccount.id)
        )
    )


def engagement_posts(
    *, session: Session, settings: Settings, watched: list[WatchedAccount], now: datetime
) -> Counter[str]:
    """Per platform: watched accounts' posts still in the engagement window (re-read tonight)."""
    cutoff = now - timedelta(days=settings.collect.engagement_window_days)
    ids_by_platform: dict[str, list[str]] = {}
    for w in watched:
        if w.native_id:
            ids_by_platform.setdefault(w.platform, []).append(w.native_id)
    out: Counter[str] = Counter()
    for platform, ids in ids_by_platform.items():
        out[platform] = int(
            session.scalar(
                select(func.count(Post.id)).where(
                    Post.platform == platform,
                    Post.author_id.in_(ids),
                    Post.created_at >= cutoff,
                )
            )
            or 0
        )
    return out


def _following_visible(settings: Settings, platform: str) -> bool:
    collector = collector_for(platform, base_url=settings.collect.base_urls[platform])
    return collector.capability(Act.FOLLOWING).observable


def plan_sweep(
    *, session: Session, sweep: Sweep, settings: Settings, now: datetime, everything: bool = False
) -> dict[str, Any]:
    """Create the sweep's crawl run and task rows; returns (and stores) the plan's counts."""
    run = start_run(session=session, trigger="sweep", sweep_id=sweep.id)
    sweep.crawl_run_id = run.id
    accounts = due_accounts(session=session, settings=settings, now=now, everything=everything)
    watched = watched_accounts(session=session, settings=settings)
    session.add_all(
        SweepTask(
            sweep_id=sweep.id,
            phase="watched",
            subject=f"watched:{w.id}",
            platform=w.platform,
            watched_id=w.id,
        )
        for w in watched
    )
    for start in range(0, len(accounts), TASK_CHUNK):
        session.execute(
            insert(SweepTask),
            [
                {
                    "sweep_id": sweep.id,
                    "phase": "collect",
                    "subject": f"account:{account_id}",
                    "platform": platform,
                    "account_id": account_id,
                }
                for account_id, platform in accounts[start : start + TASK_CHUNK]
            ],
        )
    for phase in ("classify", "detect"):
        session.add(SweepTask(sweep_id=sweep.id, phase=phase, subject=phase))
    per_platform = Counter(platform for _id, platform in accounts)
    visible = {p: _following_visible(settings, p) for p in per_platform}
    following = Counter({p: n for p, n in per_platform.items() if visible[p]})
    plan: dict[str, Any] = {
        "accounts_due": dict(sorted(per_platform.items())),
        "watched_accounts": dict(sorted(Counter(w.platform for w in watched).items())),
        "engagement_posts": dict(
            sorted(
                engagement_posts(
                    session=session, settings=settings, watched=watched, now=now
                ).items()
            )
        ),
        "following_lists_due": dict(sorted(following.items())),
        "everything": everything,
    }
    sweep.plan = plan
    sweep.phase = "watched"
    session.flush()
    return plan
