"""The machinery a collection run holds: browser, limits, breakers, evidence store, sessions.

:func:`open_runtime` builds it from settings (one Chromium for the whole run);
:meth:`Runtime.guarded` is the one door every page visit goes through: circuit breaker check,
token buckets (platform and monitoring session, with jitter), a bounded page, and the
breaker's bookkeeping after. :meth:`Runtime.store` writes a fetch's captures to the evidence
store and its parsed records to the database, in one savepoint.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.base import COLLECTOR_VERSION, Collector, Fetched, collector_for
from pantau.collect.browser import PUBLIC, Browser, CapturePage, MonitoringSession
from pantau.collect.limits import Breakers, Clock, RateLimiter, SystemClock
from pantau.collect.models import CrawlRun, Post
from pantau.collect.settings import REAL_BASE_URLS, CollectSettings
from pantau.config import Settings
from pantau.errors import CollectError, ConfigError

if TYPE_CHECKING:
    from pantau.collect.evidence import EvidenceStore
    from pantau.collect.service import AccountOutcome

T = TypeVar("T")
NOT_PLATFORM_FAULTS = frozenset({"not_found", "private", "parse_error"})


@dataclass
class Runtime:
    settings: CollectSettings
    browser: Browser
    limiter: RateLimiter
    breakers: Breakers
    evidence: EvidenceStore
    sessions: dict[str, MonitoringSession] = field(default_factory=dict)
    captured_by: str = "pantau-collector"
    _collectors: dict[str, Collector] = field(default_factory=dict)

    def collector(self, platform: str) -> Collector:
        method = self.settings.methods.get(platform)
        if method is None or not method.enabled:
            raise ConfigError(
                f"collection from {platform!r} is not enabled "
                f"(collect.methods.{platform}.enabled with a legal_basis)"
            )
        if platform not in self._collectors:
            self._collectors[platform] = collector_for(
                platform, base_url=self.settings.base_urls[platform]
            )
        return self._collectors[platform]

    def session_for(self, platform: str) -> MonitoringSession:
        return self.sessions.get(platform, PUBLIC)

    def local_url(self, platform: str, url: str) -> str:
        """A stored (real-site) URL re-pointed at the configured base URL (the replica)."""
        base = self.settings.base_urls[platform]
        return re.sub(r"^https?://[^/]+", base, url) if base != REAL_BASE_URLS[platform] else url

    async def guarded(
        self,
        collector: Collector,
        mon: MonitoringSession,
        item: str,
        op: Callable[[CapturePage], Awaitable[T]],
    ) -> T:
        breaker = self.breakers[collector.platform]
        breaker.check(item)
        wait = self.limiter.reserve(platform=collector.platform, session=mon.name)
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            async with self.browser.page(mon, platform=collector.platform, item=item) as page:
                # again once a page slot is ours: the breaker may have opened while we queued
                breaker.before_call(item)
                page.max_pages = self.settings.max_pages
                result = await op(page)
        except CollectError as exc:
            if exc.reason not in NOT_PLATFORM_FAULTS | {"circuit_open"}:
                breaker.record_failure()
            raise
        breaker.record_success()
        return result

    def store(
        self, *, session: Session, fetched: Fetched, run: CrawlRun, outcome: AccountOutcome
    ) -> set[str]:
        """Store captures and records; return the ids of posts not in the database before."""
        from pantau.collect.ingest import store_result

        post_ids = {p.post_id for r in fetched.results for p in r.posts}
        known = (
            set(
                session.scalars(
                    select(Post.post_id).where(
                        Post.platform == fetched.platform, Post.post_id.in_(post_ids)
                    )
                )
            )
            if post_ids
            else set()
        )
        mon = self.session_for(fetched.platform)
        with session.begin_nested():
            for capture, result in fetched.captures:
                self.evidence.put(
                    session=session,
                    data=capture.body,
                    kind=capture.kind,
                    content_type=capture.content_type,
                    platform=fetched.platform,
                    url=capture.url,
                    op_name=capture.op,
                    monitoring_session=mon.name,
                    collector_version=COLLECTOR_VERSION,
                    captured_by=self.captured_by,
                    run_id=run.id,
                )
                outcome.captures.append(capture.sha256)
                store_result(session=session, result=result, run_id=run.id)
        return post_ids - known

    def diff_following(
        self, *, session: Session, platform: str, actor_id: str, targets: set[str], run: CrawlRun
    ) -> int:
        """Record a following snapshot; returns how many follows are new since the last one."""
        from pantau.collect.ingest import diff_following

        diff = diff_following(
            session=session,
            platform=platform,
            actor_id=actor_id,
            seen_target_ids=targets,
            run_id=run.id,
        )
        return len(diff.new)


@asynccontextmanager
async def open_runtime(
    *,
    settings: Settings,
    sessions: dict[str, MonitoringSession] | None = None,
    clock: Clock | None = None,
    browser: Browser | None = None,
) -> AsyncIterator[Runtime]:
    """A runtime with one started Chromium; closed (with its contexts) on exit."""
    from pantau.collect.evidence import EvidenceStore

    c = settings.collect
    clock = clock or SystemClock()
    own = browser is None
    browser = browser or Browser.from_settings(settings)
    if own:
        await browser.__aenter__()
    try:
        yield Runtime(
            settings=c,
            browser=browser,
            limiter=RateLimiter(
                platform_rate_per_minute=c.platform_rate_per_minute,
                session_rate_per_minute=c.session_rate_per_minute,
                burst=c.rate_burst,
                jitter_s=c.rate_jitter_s,
                clock=clock,
            ),
            breakers=Breakers(
                threshold=c.breaker_failures, cooldown_s=c.breaker_cooldown_s, clock=clock
            ),
            evidence=EvidenceStore(settings.evidence_path),
            sessions=dict(sessions or {}),
        )
    finally:
        if own:
            await browser.close()
