"""The sweep service with collection simulated in the database (no browser): plan, phases,
summary, idempotence, resume after a kill, one sweep at a time. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.models import AccountCrawl, Edge, Post
from pantau.config import Settings, get_settings
from pantau.detect.models import Flag
from pantau.errors import LeaseHeld, SweepError
from pantau.review.models import AuditEntry
from pantau.store.db import make_engine
from pantau.sweep.lease import hold_lease
from pantau.sweep.models import Sweep, SweepTask
from pantau.sweep.service import resume_sweep, run_sweep
from tests.unit.sweep.world import (
    HANDLES,
    PLATFORMS,
    Killed,
    SimulatedExecutor,
    build_model,
    register_world,
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("sweep-model"))


def sweep_settings(model_dir: Path, **sweep: Any) -> Settings:
    base = get_settings()
    methods = {p: {"enabled": True, "legal_basis": "unit test"} for p in PLATFORMS}
    collect = base.collect.model_validate({"methods": methods})
    return base.model_copy(
        update={
            "collect": collect,
            "sweep": base.sweep.model_copy(update={"model_dir": model_dir, **sweep}),
        }
    )


@pytest.fixture
def world(any_db_url: str) -> Iterator[Engine]:
    engine = make_engine(any_db_url)
    register_world(engine)
    yield engine
    engine.dispose()


def content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with Session(engine) as s:
        return {
            "posts": sorted((p.platform, p.post_id, p.text) for p in s.scalars(select(Post))),
            "edges": sorted(
                (e.platform, e.actor_id, e.target_id, e.first_seen_run)
                for e in s.scalars(select(Edge))
            ),
            "crawls": sorted(
                (c.run_id, c.account_id, c.act, c.status, c.reason)
                for c in s.scalars(select(AccountCrawl))
            ),
            "predictions": sorted(
                (r.platform, r.post_id, r.label) for r in s.scalars(select(Prediction))
            ),
            "flags": sorted(
                (f.platform, f.act_code, f.item_id, f.account_id, f.run_id)
                for f in s.scalars(select(Flag))
            ),
            "tasks": sorted(
                (t.sweep_id, t.phase, t.subject, t.state, t.reason)
                for t in s.scalars(select(SweepTask))
            ),
        }


def test_sweep_plans_collects_classifies_detects_and_summarises(
    world: Engine, model_dir: Path
) -> None:
    settings = sweep_settings(model_dir)
    summary = run_sweep(engine=world, settings=settings, executor=SimulatedExecutor())
    ok = len(HANDLES) - 1  # asnlima is refused by the simulated platform
    assert summary["plan"]["accounts_due"] == dict.fromkeys(PLATFORMS, len(HANDLES))
    assert summary["plan"]["watched_accounts"] == dict.fromkeys(PLATFORMS, 1)
    assert summary["new_posts"] == dict.fromkeys(PLATFORMS, ok)
    assert summary["new_edges"] == dict.fromkeys(PLATFORMS, 2)
    assert summary["new_observations"] == 2 * (ok + 2)
    assert summary["predictions"] == 2 * ok
    # asnsatu and asntiga follow the campaign account on both platforms
    assert summary["new_flags_by_act"] == {"FOLLOW": 4}
    assert summary["new_flags"] == 4
    assert summary["failed_accounts"] == [
        {
            "platform": p,
            "handle": "asnlima",
            "kind": "registered",
            "reason": "login_wall",
            "detail": "",
        }
        for p in sorted(PLATFORMS)
    ]
    assert {(u["platform"], u["act"], u["reason"]) for u in summary["unobservable"]} == {
        (p, "likes", "not_exposed") for p in PLATFORMS
    }
    assert summary["phases"]["collect"] == {p: {"done": ok, "failed": 1} for p in PLATFORMS}
    with Session(world) as s:
        sweep = s.scalars(select(Sweep)).one()
        assert (sweep.status, sweep.phase, sweep.summary) == ("done", "done", summary)
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "sweep.finished")).one()
        assert audit.detail["new_flags"] == 4 and audit.detail["failed_accounts"] == 2
        flags = s.scalars(select(Flag)).all()
        assert {f.run_id for f in flags} == {sweep.crawl_run_id}

    # The same sweep again: nothing new (accounts re-collected with --all).
    again = run_sweep(
        engine=world, settings=settings, everything=True, executor=SimulatedExecutor()
    )
    assert (again["new_observations"], again["new_flags"], again["predictions"]) == (0, 0, 0)
    assert len(again["failed_accounts"]) == 2
    # Without --all, accounts collected successfully tonight are not due; refused ones are.
    third = run_sweep(engine=world, settings=settings, executor=SimulatedExecutor())
    assert third["plan"]["accounts_due"] == dict.fromkeys(PLATFORMS, 1)


@pytest.mark.parametrize("kill_after", [1, 2, 4])
def test_killed_sweep_resumes_to_the_same_result(
    tmp_path: Path, model_dir: Path, kill_after: int
) -> None:
    settings = sweep_settings(model_dir, classify_batch=3)
    engines = []
    for name in ("straight", "killed"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        from pantau.store import migrate

        migrate.upgrade(str(engine.url))
        register_world(engine)
        engines.append(engine)
    straight, killed = engines
    expected = run_sweep(engine=straight, settings=settings, executor=SimulatedExecutor())

    with pytest.raises(Killed):
        run_sweep(
            engine=killed, settings=settings, executor=SimulatedExecutor(kill_after=kill_after)
        )
    with pytest.raises(SweepError, match="unfinished"):
        run_sweep(engine=killed, settings=settings, executor=SimulatedExecutor())
    resumed = resume_sweep(engine=killed, settings=settings, executor=SimulatedExecutor())
    assert content(killed) == content(straight)
    for key in ("new_observations", "new_flags", "predictions", "failed_accounts", "phases"):
        assert resumed[key] == expected[key], key
    assert resumed["attempts"] == 2
    with pytest.raises(SweepError, match="no unfinished sweep"):
        resume_sweep(engine=killed, settings=settings, executor=SimulatedExecutor())
    for engine in engines:
        engine.dispose()


def test_only_one_sweep_at_a_time(world: Engine, model_dir: Path) -> None:
    settings = sweep_settings(model_dir)
    inside = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    class Blocking(SimulatedExecutor):
        def run_phase(self, **kwargs: Any) -> None:
            inside.set()
            release.wait(30)
            super().run_phase(**kwargs)

    def first() -> None:
        try:
            run_sweep(engine=world, settings=settings, executor=Blocking())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(30)
        with pytest.raises(LeaseHeld, match="another sweep holds the lease"):
            run_sweep(engine=world, settings=settings, executor=SimulatedExecutor())
    finally:
        release.set()
        thread.join(60)
    assert errors == []
    with Session(world) as s:
        assert [sw.status for sw in s.scalars(select(Sweep))] == ["done"]
    # released: the next sweep may run
    with hold_lease(engine=world, ttl_s=60) as lease:
        assert lease.holder


@pytest.mark.parametrize(("sweep_int8", "quantize"), [(False, False), (True, None)])
def test_the_sweep_classifies_in_fp32_unless_int8_is_asked_for(
    world: Engine,
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    sweep_int8: bool,
    quantize: bool | None,
) -> None:
    """int8 labels depend on the other posts in the batch; the sweep's decide flags."""
    import pantau.classify.service as classify_service

    real = classify_service.classify_posts
    asked: list[bool | None] = []

    def spy(**kwargs: Any) -> int:
        asked.append(kwargs.get("quantize"))
        return real(**kwargs)

    monkeypatch.setattr(classify_service, "classify_posts", spy)
    settings = sweep_settings(model_dir)
    settings = settings.model_copy(
        update={"classify": settings.classify.model_copy(update={"sweep_int8": sweep_int8})}
    )
    summary = run_sweep(engine=world, settings=settings, executor=SimulatedExecutor())
    assert summary["predictions"] == 2 * (len(HANDLES) - 1)
    assert asked and set(asked) == {quantize}
