"""A sweep of the replica scenario end to end (real Chromium): exact observations and flags;
the same sweep again finds nothing new; faults on some accounts are recorded with their reason
while the sweep completes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.models import Edge
from pantau.collect.replica import Replica, run_replica, scenario_from_dict
from pantau.config import get_settings
from pantau.store import migrate
from pantau.store.db import make_engine
from pantau.sweep.service import run_sweep
from tests.integration.collect_scenario import ASN, CAMPAIGN, scenario_dict
from tests.integration.sweep_support import build_model, register_world, snapshot, sweep_settings
from tests.integration.test_collect_replica import db_posts, monitor, scenario_posts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = datetime.now(UTC).replace(microsecond=0)

# What the scenario's ASN accounts did that the rules flag (collect_scenario's design): asnsiti
# follows the campaign account, asnrina comments on its post, asnagus likes it, asnjoko reposts
# it (X). Facebook hides following lists (its comments and likes come from the logged-in post
# page's comment and reactor lists), and X and TikTok hide likers.
EXPECTED_FLAGS = [
    ("facebook", "COMMENT", "post", "asnrina"),
    ("facebook", "LIKE", "edge", "asnagus"),
    ("instagram", "COMMENT", "post", "asnrina"),
    ("instagram", "FOLLOW", "edge", "asnsiti"),
    ("instagram", "LIKE", "edge", "asnagus"),
    ("tiktok", "COMMENT", "post", "asnrina"),
    ("tiktok", "FOLLOW", "edge", "asnsiti"),
    ("x", "COMMENT", "post", "asnrina"),
    ("x", "FOLLOW", "edge", "asnsiti"),
    ("x", "SHARE", "post", "asnjoko"),
]


@pytest.fixture(scope="module", autouse=True)
def _need_chromium() -> None:
    path = Path(get_settings().collect.chromium_path)
    if not path.is_file():
        pytest.skip(f"Chromium not installed at {path} (run scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("sweep-model"))


@pytest.fixture
def replica() -> Iterator[Replica]:
    with run_replica(scenario_from_dict(scenario_dict(NOW))) as rep:
        yield rep


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'sweep.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    register_world(engine)
    yield engine
    engine.dispose()


def flags_of(engine: Engine) -> list[tuple[str, str, str, str]]:
    return [
        (p, act, kind, handle)
        for p, act, kind, _item, handle_p, handle, _s in snapshot(engine)["flags"]
        if handle_p == p
    ]


def test_sweep_of_the_replica_end_to_end(db: Engine, replica: Replica, model_dir: Path) -> None:
    settings = sweep_settings(replica.base_urls, model_dir)
    summary = run_sweep(engine=db, settings=settings, sessions=monitor(replica))

    with Session(db) as session:
        assert db_posts(session, replica, (*ASN, CAMPAIGN)) == scenario_posts(
            replica, (*ASN, CAMPAIGN)
        )
        edges = sorted((e.platform, e.verb) for e in session.scalars(select(Edge)))
    posts_total = sum(len(v) for v in scenario_posts(replica, (*ASN, CAMPAIGN)).values())
    assert summary["new_posts"] == {
        p: len(ids) for p, ids in scenario_posts(replica, (*ASN, CAMPAIGN)).items()
    }
    assert summary["new_observations"] == posts_total + len(edges)
    assert edges == sorted(
        [(p, "follow") for p in ("instagram", "tiktok", "x")]
        + [(p, "like") for p in ("facebook", "instagram")]
        + [(p, "comment") for p in ("facebook", "instagram", "tiktok", "x")]
        + [("x", "repost")]
    )
    assert flags_of(db) == EXPECTED_FLAGS
    assert summary["new_flags"] == len(EXPECTED_FLAGS)
    assert summary["failed_accounts"] == []
    assert summary["predictions"] == posts_total  # every collected post has text
    assert {(u["platform"], u["act"]) for u in summary["unobservable"]} == {
        ("facebook", "comments"),
        ("facebook", "following"),
        ("instagram", "comments"),
        ("instagram", "shares"),
        ("tiktok", "comments"),
        ("tiktok", "likes"),
        ("x", "likes"),
    }
    before = snapshot(db)

    again = run_sweep(engine=db, settings=settings, sessions=monitor(replica), everything=True)
    assert (again["new_observations"], again["new_flags"], again["predictions"]) == (0, 0, 0)
    after = snapshot(db)
    for key in ("posts", "edges", "predictions", "flags"):
        assert after[key] == before[key], key


FAULTS = {
    # (platform, handle): (replica fault mode, expected reason)
    ("x", "asnbudi"): ("login_wall", "login_wall"),
    ("instagram", "asnsiti"): ("challenge", "challenge"),
    ("tiktok", "asnagus"): ("rate_limit", "rate_limited"),
}


def test_faulty_accounts_are_recorded_and_the_sweep_completes(
    db: Engine, replica: Replica, model_dir: Path
) -> None:
    for (platform, handle), (mode, _reason) in FAULTS.items():
        replica.add_fault(platform, mode, route="*", account=handle)
    replica.add_fault("facebook", "rate_limit", route="*", account="asndewi")  # no posts anyway
    settings = sweep_settings(replica.base_urls, model_dir)
    summary = run_sweep(engine=db, settings=settings, sessions=monitor(replica))
    failed = {(f["platform"], f["handle"]): f["reason"] for f in summary["failed_accounts"]}
    assert failed == {k: reason for k, (_m, reason) in FAULTS.items()} | {
        ("facebook", "asndewi"): "rate_limited"
    }
    assert all(f["kind"] == "registered" for f in summary["failed_accounts"])
    assert summary["phases"]["detect"] == {"all": {"done": 1}}
    # the other accounts were collected: flags of accounts without faults are all there
    expected = [f for f in EXPECTED_FLAGS if (f[0], f[3]) not in FAULTS]
    assert flags_of(db) == expected
