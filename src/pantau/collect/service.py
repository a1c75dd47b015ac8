"""Collection service: registered accounts in, observations + evidence + crawl records out.

For each registered account (``registry.Account``) and each act (posts, comments, shares,
likes, following) one ``AccountCrawl`` row says what happened: ``ok`` with the count found,
``failed`` with the typed error's reason, or ``unobservable`` (the platform does not expose the
act, or only to a logged-in monitoring session we do not have). Never "nothing found" for what
could not be looked at. One account failing does not stop the others.

Incremental: a ``Watermark`` per account keeps the newest post seen; the next run reads back to
``watermark - collect.watermark_overlap_hours`` (pinned posts never stop pagination). Following
lists are snapshots diffed against the last one (first seen / last seen / gone since).
Engagement (likers, commenters, resharers) on watched accounts' posts is re-collected while the
post is younger than ``collect.engagement_window_days``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect import runtime as rt_mod
from pantau.collect.base import Act, Collector, Fetched, PostRef
from pantau.collect.browser import CapturePage, MonitoringSession
from pantau.collect.models import AccountCrawl, CrawlRun, Post, Watermark
from pantau.collect.records import ParseResult
from pantau.collect.runtime import Runtime
from pantau.config import Settings, get_settings
from pantau.errors import CollectError, ConfigError
from pantau.registry.models import Account, WatchedAccount
from pantau.store.db import utcnow

log = logging.getLogger(__name__)

ACCOUNT_ACTS: tuple[tuple[str, Act], ...] = (
    ("posts", Act.POSTS),
    ("comments", Act.COMMENTS),
    ("shares", Act.SHARES),
    ("likes", Act.LIKES_GIVEN),
    ("following", Act.FOLLOWING),
)
COMMENT_KINDS = frozenset({"reply", "comment"})
SHARE_KINDS = frozenset({"repost", "quote"})


@dataclass
class ActOutcome:
    act: str
    status: str  # ok | failed | unobservable
    reason: str = ""
    detail: str = ""
    items: int = 0


@dataclass
class AccountOutcome:
    platform: str
    handle: str
    acts: list[ActOutcome] = field(default_factory=list)
    new_post_ids: list[str] = field(default_factory=list)
    captures: list[str] = field(default_factory=list)  # sha256 of stored captures

    def act(self, name: str) -> ActOutcome:
        return next(a for a in self.acts if a.act == name)

    @property
    def ok(self) -> bool:
        return all(a.status != "failed" for a in self.acts)


# -- public entry points -------------------------------------------------------------------------
def start_run(*, session: Session, trigger: str = "cli", sweep_id: int | None = None) -> CrawlRun:
    run = CrawlRun(trigger=trigger, sweep_id=sweep_id, status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(*, session: Session, run: CrawlRun, outcomes: Sequence[AccountOutcome]) -> None:
    run.finished_at = utcnow()
    run.status = "ok" if all(o.ok for o in outcomes) else "partial"
    session.flush()


def collect_account(
    *,
    session: Session,
    account: Account,
    run: CrawlRun,
    settings: Settings | None = None,
    sessions: dict[str, MonitoringSession] | None = None,
) -> AccountOutcome:
    """Collect one registered account now (its own browser; for the CLI and tests)."""
    return collect_accounts(
        session=session, accounts=[account], run=run, settings=settings, sessions=sessions
    )[0]


def collect_accounts(
    *,
    session: Session,
    accounts: Sequence[Account],
    run: CrawlRun,
    settings: Settings | None = None,
    sessions: dict[str, MonitoringSession] | None = None,
    watched: Sequence[WatchedAccount] = (),
) -> list[AccountOutcome]:
    """Collect watched accounts' engagement first (so reverse lookups see fresh likers), then
    every registered account, one browser for all, bounded concurrency."""
    settings = settings or get_settings()

    async def main() -> list[AccountOutcome]:
        async with rt_mod.open_runtime(settings=settings, sessions=sessions) as runtime:
            return await collect_accounts_async(
                session=session, accounts=accounts, run=run, runtime=runtime, watched=watched
            )

    return asyncio.run(main())


async def collect_accounts_async(
    *,
    session: Session,
    accounts: Sequence[Account],
    run: CrawlRun,
    runtime: Runtime,
    watched: Sequence[WatchedAccount] = (),
) -> list[AccountOutcome]:
    if watched:
        await asyncio.gather(
            *(
                collect_watched_async(session=session, watched=w, run=run, runtime=runtime)
                for w in watched
            )
        )
    outcomes = await asyncio.gather(
        *(
            collect_account_async(session=session, account=a, run=run, runtime=runtime)
            for a in accounts
        )
    )
    session.flush()
    return list(outcomes)


# -- one registered account ---------------------------------------------------------------------
async def collect_account_async(
    *, session: Session, account: Account, run: CrawlRun, runtime: Runtime
) -> AccountOutcome:
    outcome = AccountOutcome(account.platform, account.handle)
    try:
        collector = runtime.collector(account.platform)
    except ConfigError as exc:
        for name, _act in ACCOUNT_ACTS:
            outcome.acts.append(ActOutcome(name, "failed", "disabled", str(exc)))
        _record(session, run, account, outcome)
        return outcome
    mon = runtime.session_for(account.platform)
    try:
        await _posts_acts(session, account, run, runtime, collector, mon, outcome)
        outcome.acts.append(_likes_act(collector, mon))
        await _following_act(session, account, run, runtime, collector, mon, outcome)
    except Exception as exc:  # a bug must not stop the other accounts, nor read as clean
        log.exception("collecting %s:%s failed unexpectedly", account.platform, account.handle)
        done = {a.act for a in outcome.acts}
        for name, _act in ACCOUNT_ACTS:
            if name not in done:
                outcome.acts.append(
                    ActOutcome(name, "failed", "error", f"{type(exc).__name__}: {exc}")
                )
    _record(session, run, account, outcome)
    return outcome


async def _posts_acts(
    session: Session,
    account: Account,
    run: CrawlRun,
    runtime: Runtime,
    collector: Collector,
    mon: MonitoringSession,
    outcome: AccountOutcome,
) -> None:
    mark = _watermark(session, account.id, "posts")
    overlap = timedelta(hours=runtime.settings.watermark_overlap_hours)
    since = mark.last_item_time if mark is not None else None
    try:
        fetched = await runtime.guarded(
            collector,
            mon,
            account.handle,
            lambda page: collector.account_posts(
                page=page,
                handle=account.handle,
                since=since,
                overlap=overlap,
                logged_in=mon.logged_in(account.platform),
            ),
        )
    except CollectError as exc:
        for name in ("posts", "comments", "shares"):
            outcome.acts.append(ActOutcome(name, "failed", exc.reason, str(exc)))
        return
    author_id = _learn_native_id(account, fetched.results)
    new_ids = runtime.store(session=session, fetched=fetched, run=run, outcome=outcome)
    own = [
        p
        for r in fetched.results
        for p in r.posts
        if author_id is not None and p.author_id == author_id
    ]
    outcome.new_post_ids = sorted({p.post_id for p in own if p.post_id in new_ids})
    # Items of this run: own posts newer than the previous watermark (the overlap re-reads
    # older ones on purpose; they are not counted again). Pinned posts count only when new.
    fresh = {
        p.post_id: p
        for p in own
        if since is None
        or (p.created_at is not None and p.created_at > since)
        or p.post_id in new_ids
    }.values()
    _advance_watermark(session, account.id, mark, own)
    counts = {
        "posts": [p for p in fresh if p.kind not in COMMENT_KINDS | SHARE_KINDS],
        "comments": [p for p in fresh if p.kind in COMMENT_KINDS],
        "shares": [p for p in fresh if p.kind in SHARE_KINDS],
    }
    for name, act in (("posts", Act.POSTS), ("comments", Act.COMMENTS), ("shares", Act.SHARES)):
        cap = collector.capability(act)
        if not cap.usable(logged_in=mon.logged_in(collector.platform)):
            reason = "needs_login" if cap.observable else "not_exposed"
            outcome.acts.append(ActOutcome(name, "unobservable", reason, cap.note))
        else:
            outcome.acts.append(ActOutcome(name, "ok", items=len(counts[name])))


def _likes_act(collector: Collector, mon: MonitoringSession) -> ActOutcome:
    """Likes given by an account are never listed for others: on Instagram and Facebook they
    are found by reverse lookup among watched posts' likers (``collect_watched``); X and
    TikTok hide likers, so there the act is unobservable, never "none found"."""
    likers = collector.capability(Act.LIKERS_OF_POST)
    own = collector.capability(Act.LIKES_GIVEN)
    if likers.usable(logged_in=mon.logged_in(collector.platform)):
        return ActOutcome(
            "likes", "ok", detail="reverse lookup among watched accounts' posts' likers"
        )
    reason = "needs_login" if likers.observable else "not_exposed"
    return ActOutcome("likes", "unobservable", reason, own.note or likers.note)


async def _following_act(
    session: Session,
    account: Account,
    run: CrawlRun,
    runtime: Runtime,
    collector: Collector,
    mon: MonitoringSession,
    outcome: AccountOutcome,
) -> None:
    cap = collector.capability(Act.FOLLOWING)
    logged_in = mon.logged_in(collector.platform)
    if not cap.usable(logged_in=logged_in):
        reason = "needs_login" if cap.observable else "not_exposed"
        outcome.acts.append(ActOutcome("following", "unobservable", reason, cap.note))
        return
    try:
        fetched = await runtime.guarded(
            collector,
            mon,
            account.handle,
            lambda page: collector.following(page=page, handle=account.handle, logged_in=True),
        )
    except CollectError as exc:
        outcome.acts.append(ActOutcome("following", "failed", exc.reason, str(exc)))
        return
    actor_id = _learn_native_id(account, fetched.results)
    runtime.store(session=session, fetched=fetched, run=run, outcome=outcome)
    targets = {
        e.target_id
        for r in fetched.results
        for e in r.edges
        if e.verb == "follow" and (actor_id is None or e.actor_id == actor_id)
    }
    if actor_id is None:
        outcome.acts.append(
            ActOutcome("following", "failed", "parse_error", "account id not found in capture")
        )
        return
    if not fetched.complete:
        # A partial list must not be diffed: the unread rest would be marked gone.
        outcome.acts.append(
            ActOutcome(
                "following",
                "failed",
                "truncated",
                f"list longer than collect.max_pages; {len(targets)} follows read, not diffed",
                items=len(targets),
            )
        )
        return
    added = runtime.diff_following(
        session=session, platform=account.platform, actor_id=actor_id, targets=targets, run=run
    )
    outcome.acts.append(
        ActOutcome("following", "ok", detail=f"{len(targets)} followed", items=added)
    )


# -- watched accounts: their posts and the engagement on them -----------------------------------
async def collect_watched_async(
    *, session: Session, watched: WatchedAccount, run: CrawlRun, runtime: Runtime
) -> AccountOutcome:
    """A watched (campaign) account's new posts, then engagement on its posts in the window."""
    outcome = AccountOutcome(watched.platform, watched.handle)
    try:
        collector = runtime.collector(watched.platform)
        mon = runtime.session_for(watched.platform)
        fetched = await runtime.guarded(
            collector,
            mon,
            watched.handle,
            lambda page: collector.account_posts(
                page=page,
                handle=watched.handle,
                since=None,
                overlap=timedelta(0),
                logged_in=mon.logged_in(watched.platform),
            ),
        )
    except (CollectError, ConfigError) as exc:
        outcome.acts.append(
            ActOutcome("posts", "failed", getattr(exc, "reason", "config"), str(exc))
        )
        return outcome
    author_id = watched.native_id or _account_id_for(fetched.results, watched.handle)
    if watched.native_id is None and author_id is not None:
        watched.native_id = author_id
    runtime.store(session=session, fetched=fetched, run=run, outcome=outcome)
    outcome.acts.append(ActOutcome("posts", "ok", items=len(fetched.results)))
    if author_id is None:
        return outcome
    found = 0
    logged_in = mon.logged_in(watched.platform)
    for ref in _engagement_targets(session, watched.platform, author_id, runtime):
        try:
            eng = await runtime.guarded(
                collector, mon, ref.url, _engagement_op(collector, ref, logged_in)
            )
        except CollectError as exc:
            outcome.acts.append(
                ActOutcome(f"engagement:{ref.post_id}", "failed", exc.reason, str(exc))
            )
            continue
        runtime.store(session=session, fetched=eng, run=run, outcome=outcome)
        found += sum(len(r.edges) for r in eng.results)
    outcome.acts.append(ActOutcome("engagement", "ok", items=found))
    return outcome


def _engagement_op(
    collector: Collector, ref: PostRef, logged_in: bool
) -> Callable[[CapturePage], Awaitable[Fetched]]:
    def op(page: CapturePage) -> Awaitable[Fetched]:
        return collector.post_engagement(page=page, post=ref, logged_in=logged_in)

    return op


def _engagement_targets(
    session: Session, platform: str, author_id: str, runtime: Runtime
) -> list[PostRef]:
    cutoff = utcnow() - timedelta(days=runtime.settings.engagement_window_days)
    rows = session.scalars(
        select(Post)
        .where(
            Post.platform == platform,
            Post.author_id == author_id,
            Post.created_at >= cutoff,
            Post.kind.in_(("original", "quote", "reel")),
        )
        .order_by(Post.created_at.desc())
    ).all()
    return [
        PostRef(post_id=p.post_id, url=runtime.local_url(platform, p.url), author_id=author_id)
        for p in rows
        if p.url
    ]


# -- helpers ------------------------------------------------------------------------------------
def _watermark(session: Session, account_id: int, operation: str) -> Watermark | None:
    return session.scalars(
        select(Watermark).where(
            Watermark.account_id == account_id, Watermark.operation == operation
        )
    ).first()


def _advance_watermark(
    session: Session, account_id: int, mark: Watermark | None, posts: Iterable[object]
) -> None:
    dated = [
        p
        for p in posts
        if getattr(p, "created_at", None) is not None and not getattr(p, "is_pinned", False)
    ]
    if not dated:
        return
    newest = max(dated, key=lambda p: getattr(p, "created_at"))  # noqa: B009
    when: datetime = getattr(newest, "created_at")  # noqa: B009
    if mark is None:
        mark = Watermark(account_id=account_id, operation="posts")
        session.add(mark)
    elif mark.last_item_time is not None and mark.last_item_time >= when:
        return
    mark.last_item_time = when
    mark.last_item_id = getattr(newest, "post_id")  # noqa: B009
    mark.updated_at = utcnow()


def _account_id_for(results: Iterable[ParseResult], handle: str) -> str | None:
    for result in results:
        for acc in result.accounts:
            if acc.handle.lower() == handle.lower():
                return acc.account_id
    return None


def _learn_native_id(account: Account, results: Sequence[ParseResult]) -> str | None:
    """The account's stable id: registered, or learned from the capture (then remembered)."""
    found = _account_id_for(results, account.handle)
    if account.native_id is None and found is not None:
        account.native_id = found
    return account.native_id or found


def _record(session: Session, run: CrawlRun, account: Account, outcome: AccountOutcome) -> None:
    for act in outcome.acts:
        session.add(
            AccountCrawl(
                run_id=run.id,
                account_id=account.id,
                act=act.act,
                status=act.status,
                reason=act.reason,
                detail=act.detail[:2000],
                items_found=act.items,
            )
        )
    session.flush()
