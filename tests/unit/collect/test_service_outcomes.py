"""The service's bookkeeping without a browser: a fake runtime whose page visits fail."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.base import collector_for
from pantau.collect.browser import PUBLIC, MonitoringSession
from pantau.collect.models import AccountCrawl
from pantau.collect.service import collect_account_async, start_run
from pantau.collect.settings import CollectSettings
from pantau.errors import ConfigError, LoginWallError, RateLimitedError
from pantau.registry.models import Account, Agency, CivilServant


class FailingRuntime:
    """Quacks like ``Runtime``: every page visit raises ``error``."""

    def __init__(self, error: BaseException, *, enabled: bool = True, logged_in: bool = True):
        self.error = error
        self.enabled = enabled
        self.settings = CollectSettings()
        self.mon = (
            MonitoringSession("m", frozenset({"x", "instagram", "tiktok", "facebook"}))
            if logged_in
            else PUBLIC
        )
        self.visits = 0

    def collector(self, platform: str) -> Any:
        if not self.enabled:
            raise ConfigError(f"collection from {platform!r} is not enabled")
        return collector_for(platform, base_url="http://127.0.0.1:9")

    def session_for(self, platform: str) -> MonitoringSession:
        return self.mon

    async def guarded(
        self, collector: Any, mon: Any, item: str, op: Callable[[Any], Awaitable[Any]]
    ) -> Any:
        self.visits += 1
        raise self.error


def account(session: Session, platform: str) -> Account:
    agency = Agency(code="A1", name="Agency", level="kota")
    session.add(agency)
    session.flush()
    person = CivilServant(nip="198001012005011001", name="Budi", status="PNS", agency_id=agency.id)
    session.add(person)
    session.flush()
    acc = Account(
        civil_servant_id=person.id,
        platform=platform,
        handle="asnbudi",
        ownership_basis="self_registered",
    )
    session.add(acc)
    session.flush()
    return acc


def crawl(session: Session, runtime: Any, platform: str) -> dict[str, tuple[str, str]]:
    acc = account(session, platform)
    run = start_run(session=session, trigger="test")
    asyncio.run(collect_account_async(session=session, account=acc, run=run, runtime=runtime))
    return {
        r.act: (r.status, r.reason)
        for r in session.scalars(select(AccountCrawl).where(AccountCrawl.run_id == run.id))
    }


def test_a_blocked_account_is_failed_never_clean(session: Session) -> None:
    runtime = FailingRuntime(LoginWallError("wall", platform="instagram", item="asnbudi"))
    assert crawl(session, runtime, "instagram") == {
        "posts": ("failed", "login_wall"),
        "comments": ("failed", "login_wall"),
        "shares": ("failed", "login_wall"),
        "likes": ("ok", ""),  # reverse lookup on watched posts' likers (logged in)
        "following": ("failed", "login_wall"),
    }
    assert runtime.visits == 2


def test_unobservable_acts_need_no_visit(session: Session) -> None:
    runtime = FailingRuntime(RateLimitedError("429", platform="tiktok"), logged_in=False)
    assert crawl(session, runtime, "tiktok") == {
        "posts": ("failed", "rate_limited"),
        "comments": ("failed", "rate_limited"),
        "shares": ("failed", "rate_limited"),
        "likes": ("unobservable", "not_exposed"),
        "following": ("unobservable", "needs_login"),
    }
    assert runtime.visits == 1


def test_a_stray_bug_fails_the_account_with_reason_error(session: Session) -> None:
    runtime = FailingRuntime(RuntimeError("boom"))
    found = crawl(session, runtime, "x")
    assert found == dict.fromkeys(
        ("posts", "comments", "shares", "likes", "following"), ("failed", "error")
    )


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_a_disabled_platform_is_recorded_as_failed(session: Session, platform: str) -> None:
    runtime = FailingRuntime(RuntimeError("unused"), enabled=False)
    found = crawl(session, runtime, platform)
    assert set(found.values()) == {("failed", "disabled")}
    assert len(found) == 5
    assert runtime.visits == 0
