"""A small registered world and a simulated collection executor for sweep unit tests.

The executor stands in for the browser: for each account task it writes what a collector would
(a post, for some accounts a follow edge to the campaign account, an ``AccountCrawl`` row) in
the same transaction as the task's state, exactly like the real task functions do. It can be
told to stop dead after N committed batches, as a killed process would.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.classify.train import TrainConfig, fine_tune
from pantau.collect.models import AccountCrawl, Edge, Post
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from pantau.store.db import session_factory, utcnow
from pantau.sweep.executors import Tick
from pantau.sweep.tasks import crawl_run_of, open_tasks
from tests.unit.classify.tiny import make_tiny_base, toy_examples

PLATFORMS = ("x", "instagram")
HANDLES = ("asnsatu", "asndua", "asntiga", "asnempat", "asnlima")
FAILING = {"asnlima": "login_wall"}  # the simulated platform refuses this account


class Killed(Exception):
    """What the simulated executor raises to stand for ``kill -9`` (nothing after it runs)."""


def build_model(directory: Path) -> Path:
    base = make_tiny_base(directory / "base")
    out = directory / "model"
    examples = toy_examples()
    fine_tune(
        base=str(base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=out,
        config=TrainConfig(batch_size=8, learning_rate=2e-3, max_steps=10, threads=1),
    )
    return out


def register_world(engine: Engine) -> None:
    with Session(engine) as session:
        agency = Agency(code="DINAS-01", name="Dinas Satu", level="kota")
        side = Side(key="paslon-1", kind="pair", name="Paslon Satu")
        session.add_all([agency, side])
        session.flush()
        for i, handle in enumerate(HANDLES):
            person = CivilServant(
                nip=f"1980010120050110{i:02d}", name=handle, status="PNS", agency_id=agency.id
            )
            session.add(person)
            session.flush()
            for p in PLATFORMS:
                session.add(
                    Account(
                        civil_servant_id=person.id,
                        platform=p,
                        handle=handle,
                        native_id=f"{p}-{handle}",
                        ownership_basis="self_registered",
                    )
                )
        for p in PLATFORMS:
            session.add(
                WatchedAccount(
                    side_id=side.id,
                    platform=p,
                    handle="paslonsatu",
                    native_id=f"{p}-camp",
                    kind="official_campaign",
                    official=True,
                )
            )
        session.commit()


class SimulatedExecutor:
    """Collection simulated in the database; ``kill_after`` batches, then :class:`Killed`."""

    name = "simulated"

    def __init__(self, *, batch: int = 3, kill_after: int | None = None) -> None:
        self.batch = batch
        self.kill_after = kill_after
        self.batches = 0

    def run_phase(self, *, engine: Engine, sweep_id: int, phase: str, tick: Tick) -> None:
        make = session_factory(engine)
        while True:
            with make() as session:
                tasks = open_tasks(session, sweep_id, phase, limit=self.batch)
                if not tasks:
                    return
                run = crawl_run_of(session, sweep_id)
                for task in tasks:
                    task.attempts += 1
                    if task.account_id is None:
                        task.state = "done"
                        continue
                    account = session.get(Account, task.account_id)
                    assert account is not None and account.native_id
                    reason = FAILING.get(account.handle, "")
                    _collect(session, account, run.id, reason)
                    task.state, task.reason = ("failed", reason) if reason else ("done", "")
                session.commit()
            self.batches += 1
            tick({tasks[0].platform: len(tasks)})
            if self.kill_after is not None and self.batches >= self.kill_after:
                raise Killed(f"killed after {self.batches} batch(es)")


def _collect(session: Session, account: Account, run_id: int, reason: str) -> None:
    if reason:
        session.add(
            AccountCrawl(
                run_id=run_id, account_id=account.id, act="posts", status="failed", reason=reason
            )
        )
        return
    now = utcnow()
    post_id = f"{account.native_id}-1"
    known = session.scalars(
        select(Post).where(Post.platform == account.platform, Post.post_id == post_id)
    ).first()
    if known is None:
        session.add(
            Post(
                platform=account.platform,
                post_id=post_id,
                author_id=account.native_id or "",
                author_handle=account.handle,
                created_at=now,
                text=f"apel pagi di kantor {account.handle}",
            )
        )
    if account.handle in ("asnsatu", "asntiga"):
        target = f"{account.platform}-camp"
        edge = session.scalars(
            select(Edge).where(
                Edge.platform == account.platform,
                Edge.actor_id == account.native_id,
                Edge.verb == "follow",
                Edge.target_id == target,
            )
        ).first()
        if edge is None:
            session.add(
                Edge(
                    platform=account.platform,
                    actor_id=account.native_id or "",
                    verb="follow",
                    target_type="account",
                    target_id=target,
                    first_seen_run=run_id,
                    last_seen_run=run_id,
                )
            )
        else:
            edge.last_seen_run = run_id
    session.add(
        AccountCrawl(run_id=run_id, account_id=account.id, act="posts", status="ok", items_found=1)
    )
    session.add(
        AccountCrawl(
            run_id=run_id,
            account_id=account.id,
            act="likes",
            status="unobservable",
            reason="not_exposed",
        )
    )
