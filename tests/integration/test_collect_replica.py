"""Collection end to end: real Chromium against the replica on 127.0.0.1:0.

A scenario of 24 registered ASN accounts (six per platform) plus a watched campaign account per
platform is collected; the test asserts exactly which posts, edges, crawl statuses (including
``unobservable``), watermarks and evidence hashes result. Then new posts are added and only they
appear in the second run. Faults: every replica fault mode gives its typed reason for its
account while the others are still collected, and the circuit breaker opens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.browser import MonitoringSession
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import AccountCrawl, Capture, Edge, Post, Watermark
from pantau.collect.replica import Replica, run_replica, scenario_from_dict
from pantau.collect.service import AccountOutcome, collect_accounts, start_run
from pantau.collect.settings import CollectSettings
from pantau.config import Settings, get_settings
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from tests.integration.collect_scenario import (
    ASN,
    CAMPAIGN,
    PLATFORMS,
    campaign_post_id,
    scenario_dict,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = datetime.now(UTC).replace(microsecond=0)
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module", autouse=True)
def _need_chromium() -> None:
    path = Path(get_settings().collect.chromium_path)
    if not path.is_file():
        pytest.skip(f"Chromium not installed at {path} (run scripts/install-system-deps.sh)")


@pytest.fixture
def replica() -> Iterator[Replica]:
    with run_replica(scenario_from_dict(scenario_dict(NOW))) as rep:
        yield rep


def collect_settings(rep: Replica, tmp_path: Path, **overrides: Any) -> Settings:
    base = get_settings()
    collect = CollectSettings.model_validate(
        {
            "methods": {
                p: {"enabled": True, "legal_basis": "integration test against the replica"}
                for p in PLATFORMS
            },
            "base_urls": rep.base_urls,
            "platform_rate_per_minute": 6000,
            "session_rate_per_minute": 6000,
            "rate_burst": 100,
            "rate_jitter_s": 0,
            "page_timeout_s": 10,
            "breaker_failures": 50,
            **overrides,
        }
    )
    return base.model_copy(update={"collect": collect, "evidence_dir": tmp_path / "evidence"})


def monitor(rep: Replica) -> dict[str, MonitoringSession]:
    cookies = [
        {
            **rep.session_cookie(p),
            "domain": "127.0.0.1",
            "expires": -1,
            "httpOnly": True,
            "secure": False,
            "sameSite": "Lax",
        }
        for p in PLATFORMS
    ]
    mon = MonitoringSession(
        name="monitor",
        logged_in_platforms=frozenset(PLATFORMS),
        storage_state={"cookies": cookies, "origins": []},
    )
    return dict.fromkeys(PLATFORMS, mon)


def register(session: Session) -> tuple[list[Account], list[WatchedAccount]]:
    agency = Agency(code="DINKES-01", name="Dinas Kesehatan", level="kota")
    side = Side(key="paslon-1", kind="pair", name="Paslon Satu")
    session.add_all([agency, side])
    session.flush()
    accounts: list[Account] = []
    for i, handle in enumerate(ASN):
        person = CivilServant(
            nip=f"19800101200501{i + 1:04d}"[:18],
            name=handle.title(),
            status="PNS",
            agency_id=agency.id,
        )
        session.add(person)
        session.flush()
        for p in PLATFORMS:
            acc = Account(
                civil_servant_id=person.id,
                platform=p,
                handle=handle,
                ownership_basis="self_registered",
            )
            accounts.append(acc)
    watched = [
        WatchedAccount(side_id=side.id, platform=p, handle=CAMPAIGN, kind="official_campaign")
        for p in PLATFORMS
    ]
    session.add_all(accounts + watched)
    session.flush()
    return accounts, watched


def statuses(session: Session, run_id: int) -> dict[tuple[str, str, str], tuple[str, str]]:
    rows = session.execute(
        select(
            Account.platform,
            Account.handle,
            AccountCrawl.act,
            AccountCrawl.status,
            AccountCrawl.reason,
        )
        .join(Account, Account.id == AccountCrawl.account_id)
        .where(AccountCrawl.run_id == run_id)
    ).all()
    return {(p, h, act): (status, reason) for p, h, act, status, reason in rows}


def expected_statuses() -> dict[tuple[str, str, str], tuple[str, str]]:
    out: dict[tuple[str, str, str], tuple[str, str]] = {}
    for p in PLATFORMS:
        for h in ASN:
            out[(p, h, "posts")] = ("ok", "")
            out[(p, h, "comments")] = ("ok", "") if p == "x" else ("unobservable", "not_exposed")
            out[(p, h, "shares")] = (
                ("unobservable", "not_exposed") if p == "instagram" else ("ok", "")
            )
            out[(p, h, "likes")] = (
                ("ok", "") if p in ("instagram", "facebook") else ("unobservable", "not_exposed")
            )
            out[(p, h, "following")] = (
                ("unobservable", "not_exposed") if p == "facebook" else ("ok", "")
            )
    return out


def scenario_posts(rep: Replica, authors: tuple[str, ...]) -> dict[str, set[str]]:
    scn = rep.scenario_ref()
    return {
        p: {post.id for post in scn.posts if post.platform == p and post.author in authors}
        for p in PLATFORMS
    }


def db_posts(session: Session, rep: Replica, authors: tuple[str, ...]) -> dict[str, set[str]]:
    scn = rep.scenario_ref()
    out: dict[str, set[str]] = {}
    for p in PLATFORMS:
        ids = {a.id for a in scn.accounts if a.platform == p and a.handle in authors}
        out[p] = set(
            session.scalars(select(Post.post_id).where(Post.platform == p, Post.author_id.in_(ids)))
        )
    return out


def run_once(
    engine: Engine, rep: Replica, settings: Settings, *, watched: bool = True
) -> tuple[int, list[AccountOutcome]]:
    with Session(engine, expire_on_commit=False) as session:
        accounts = list(session.scalars(select(Account).order_by(Account.id)))
        watch = list(session.scalars(select(WatchedAccount))) if watched else []
        run = start_run(session=session, trigger="test")
        outcomes = collect_accounts(
            session=session,
            accounts=accounts,
            run=run,
            settings=settings,
            sessions=monitor(rep),
            watched=watch,
        )
        session.commit()
        return run.id, outcomes


def test_collect_scenario_then_only_new_posts(
    engine: Engine, replica: Replica, tmp_path: Path
) -> None:
    settings = collect_settings(replica, tmp_path)
    with Session(engine) as session:
        register(session)
        session.commit()
    run1, outcomes = run_once(engine, replica, settings)
    assert len(outcomes) == 24
    with Session(engine) as session:
        assert statuses(session, run1) == expected_statuses()
        # every post and comment the ASN accounts made, exactly; likes/follows as edges
        assert db_posts(session, replica, ASN) == scenario_posts(replica, ASN)
        scn = replica.scenario_ref()
        ids = {(a.platform, a.handle): a.id for a in scn.accounts}
        follows = set(
            session.execute(
                select(Edge.platform, Edge.actor_id, Edge.target_id).where(Edge.verb == "follow")
            ).all()
        )
        assert follows == {
            (p, ids[(p, "asnsiti")], ids[(p, CAMPAIGN)]) for p in ("x", "instagram", "tiktok")
        }
        likes = set(
            session.execute(
                select(Edge.platform, Edge.actor_id, Edge.target_id).where(Edge.verb == "like")
            ).all()
        )
        # likers are visible only on Instagram and Facebook (logged in); never on X or TikTok
        assert likes == {
            (p, ids[(p, "asnagus")], campaign_post_id(p)) for p in ("instagram", "facebook")
        }
        reposts = set(
            session.execute(
                select(Edge.platform, Edge.actor_id, Edge.target_id).where(Edge.verb == "repost")
            ).all()
        )
        assert reposts == {("x", ids[("x", "asnjoko")], campaign_post_id("x"))}
        check_watermarks(session, replica)
        check_evidence(session, settings, outcomes)

    # new posts: only they appear in the second run
    added = {
        p: replica.add_post(
            platform=p, author="asnbudi", time=NOW.isoformat(), text=f"Posting baru {p}"
        ).id
        for p in PLATFORMS
    }
    run2, outcomes2 = run_once(engine, replica, settings, watched=False)
    new = {(o.platform, o.handle): o.new_post_ids for o in outcomes2}
    assert new == {(p, h): ([added[p]] if h == "asnbudi" else []) for p in PLATFORMS for h in ASN}
    with Session(engine) as session:
        found = statuses(session, run2)
        assert {k for k, v in found.items() if v == ("ok", "") and k[2] == "posts"} == {
            (p, h, "posts") for p in PLATFORMS for h in ASN
        }
        items = dict(
            session.execute(
                select(Account.platform + ":" + Account.handle, AccountCrawl.items_found)
                .join(Account, Account.id == AccountCrawl.account_id)
                .where(AccountCrawl.run_id == run2, AccountCrawl.act == "posts")
            ).all()
        )
        assert items == {f"{p}:{h}": int(h == "asnbudi") for p in PLATFORMS for h in ASN}
        marks = watermarks(session)
        for p in PLATFORMS:
            assert marks[(p, "asnbudi")] == (NOW, added[p])
        assert db_posts(session, replica, ASN) == scenario_posts(replica, ASN)


def watermarks(session: Session) -> dict[tuple[str, str], tuple[datetime | None, str | None]]:
    rows = session.execute(
        select(Account.platform, Account.handle, Watermark.last_item_time, Watermark.last_item_id)
        .join(Account, Account.id == Watermark.account_id)
        .where(Watermark.operation == "posts")
    ).all()
    return {(p, h): (t, i) for p, h, t, i in rows}


def check_watermarks(session: Session, rep: Replica) -> None:
    expected: dict[tuple[str, str], tuple[datetime | None, str | None]] = {}
    for post in rep.scenario_ref().posts:
        if post.author not in ASN or post.pinned:
            continue
        if post.reply_to and post.platform != "x":
            continue  # comments are on the campaign's post, not the account's own timeline
        key = (post.platform, post.author)
        if key not in expected or (expected[key][0] or NOW) < post.time:
            expected[key] = (post.time, post.id)
    assert watermarks(session) == expected


def check_evidence(session: Session, settings: Settings, outcomes: list[AccountOutcome]) -> None:
    store = EvidenceStore(settings.evidence_path)
    rows = list(session.scalars(select(Capture)))
    shas = {c.sha256 for c in rows}
    assert {sha for o in outcomes for sha in o.captures} <= shas
    for capture in rows:
        data = store.get(capture.sha256)
        assert hashlib.sha256(data).hexdigest() == capture.sha256
        assert capture.collector_version.startswith("pantau-collect/")
        assert capture.monitoring_session == "monitor"
    assert store.verify(session=session).ok
    kinds = {c.kind for c in rows}
    assert kinds == {"page", "payload"}


FAULTS = {
    # (platform, handle): (mode, route, expected reason of the posts act)
    ("x", "asnbudi"): ("rate_limit", "*", "rate_limited"),
    ("x", "asnsiti"): ("malformed_json", "UserByScreenName", "truncated"),
    ("instagram", "asnbudi"): ("login_wall", "*", "login_wall"),
    ("instagram", "asnsiti"): ("truncated", "web_profile_info", "truncated"),
    ("tiktok", "asnbudi"): ("challenge", "*", "challenge"),
    ("tiktok", "asnsiti"): ("reset", "*", "truncated"),
    ("facebook", "asnbudi"): ("slow", "*", "timeout"),
    ("facebook", "asnsiti"): ("empty", "*", "truncated"),
}


def test_each_fault_mode_is_recorded_and_the_rest_collected(
    engine: Engine, replica: Replica, tmp_path: Path
) -> None:
    # The slow fault outlasts the page timeout twice over; the timeout leaves healthy pages
    # room on a loaded machine (at 2 s a healthy X profile timed out once in a full run).
    settings = collect_settings(replica, tmp_path, page_timeout_s=6)
    for (platform, handle), (mode, route, _reason) in FAULTS.items():
        replica.add_fault(platform, mode, route=route, account=handle, delay_s=12)
    with Session(engine) as session:
        register(session)
        session.commit()
    run, _ = run_once(engine, replica, settings, watched=False)
    with Session(engine) as session:
        found = statuses(session, run)
    posts = {(p, h): found[(p, h, "posts")] for p in PLATFORMS for h in ASN}
    assert posts == {
        (p, h): (("failed", FAULTS[(p, h)][2]) if (p, h) in FAULTS else ("ok", ""))
        for p in PLATFORMS
        for h in ASN
    }
    # a failed account is never reported as clean: its timeline acts failed too
    for (p, h), (_mode, _route, reason) in FAULTS.items():
        for act in ("comments", "shares"):
            assert found[(p, h, act)] == ("failed", reason)


def test_breaker_opens_after_repeated_failures(
    engine: Engine, replica: Replica, tmp_path: Path
) -> None:
    settings = collect_settings(replica, tmp_path, breaker_failures=3, max_contexts=1)
    replica.add_fault("x", "rate_limit", route="*", account="*")
    with Session(engine) as session:
        register(session)
        session.commit()
    run, _ = run_once(engine, replica, settings, watched=False)
    with Session(engine) as session:
        found = statuses(session, run)
    x_posts = [found[("x", h, "posts")] for h in ASN]
    assert x_posts == [("failed", "rate_limited")] * 3 + [("failed", "circuit_open")] * 3
    assert all(found[("x", h, "following")] == ("failed", "circuit_open") for h in ASN)
    # the other platforms are untouched by X's breaker
    assert all(found[(p, h, "posts")] == ("ok", "") for p in PLATFORMS[1:] for h in ASN)
