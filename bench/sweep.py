"""Sweep scale benchmark on synthetic data (fictional people; collection simulated).

    .venv/bin/python bench/sweep.py [--url URL] [--accounts 100000] [--observations 1000000]
        [--flags 1000000] [--detect-items 20000] [--queue-samples 40]

Measures, on one database (default: a fresh SQLite file in a temporary directory; PostgreSQL:
``--url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB``):

- ``plan``: planning a sweep of every registered account (due query, task rows, one commit);
- ``ingest``: observations (posts and follow/like edges of registered accounts) stored through
  the collection's bulk-upsert path (``collect.ingest.store_result``, 1,000 records a call, one
  commit per 20 calls) - what a sweep's collect phase writes;
- ``detect``: ``run_detection`` over one crawl run's fresh observations (items/s);
- ``queue``: the review queue's first page (``review.queue.list_queue``, 50 rows) with
  ``--flags`` flags in the table, p50/p95 over ``--queue-samples`` calls, unfiltered and
  filtered by agency.

Prints one JSON line per measurement (with the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from pantau.collect.ingest import store_result
from pantau.collect.models import CrawlRun
from pantau.collect.records import EdgeRecord, ParseResult, PostRecord
from pantau.config import get_settings
from pantau.detect.models import Flag
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from pantau.review.models import User
from pantau.review.queue import QueueFilters, list_queue
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope, utcnow
from pantau.sweep.models import Sweep
from pantau.sweep.plan import plan_sweep

PLATFORMS = ("x", "instagram", "tiktok", "facebook")
CHUNK = 10_000
NOW = datetime.now(UTC).replace(microsecond=0)


def emit(name: str, **fields: Any) -> None:
    load = os.getloadavg()[0]
    print(json.dumps({"bench": name, **fields, "load_avg": round(load, 1)}), flush=True)


def native(i: int) -> str:
    return f"{5_000_000_000 + i}"


def seed_registry(engine: Engine, accounts: int) -> None:
    with session_scope(engine) as s:
        s.execute(
            insert(Agency),
            [
                {"code": f"AG-{i:02d}", "name": f"Instansi {i}", "level": "kota", "created_at": NOW}
                for i in range(34)
            ],
        )
        agency_ids = list(s.scalars(select(Agency.id).order_by(Agency.id)))
        side = Side(key="paslon-1", kind="pair", name="Paslon Satu")
        s.add(side)
        s.flush()
        s.add_all(
            WatchedAccount(
                side_id=side.id,
                platform=p,
                handle="paslonsatu",
                native_id=f"camp-{p}",
                kind="official_campaign",
                official=True,
            )
            for p in PLATFORMS
        )
    for start in range(0, accounts, CHUNK):
        rows = range(start, min(start + CHUNK, accounts))
        with session_scope(engine) as s:
            s.execute(
                insert(CivilServant),
                [
                    {
                        "nip": f"{198001012005011000 + i:018d}",
                        "name": f"ASN {i}",
                        "status": "PNS",
                        "agency_id": agency_ids[i % len(agency_ids)],
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in rows
                ],
            )
            first = s.scalar(
                select(CivilServant.id).where(
                    CivilServant.nip == f"{198001012005011000 + rows[0]:018d}"
                )
            )
            assert first is not None
            s.execute(
                insert(Account),
                [
                    {
                        "civil_servant_id": first + (i - rows[0]),
                        "platform": PLATFORMS[i % 4],
                        "handle": f"asn_{i}",
                        "native_id": native(i),
                        "ownership_basis": "self_registered",
                        "active": True,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in rows
                ],
            )


def bench_plan(engine: Engine, accounts: int) -> None:
    base = get_settings()
    methods = {p: {"enabled": True, "legal_basis": "benchmark"} for p in PLATFORMS}
    settings = base.model_copy(
        update={"collect": base.collect.model_validate({"methods": methods})}
    )
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        sweep = Sweep(trigger="bench", phase="plan")
        s.add(sweep)
        s.flush()
        plan = plan_sweep(session=s, sweep=sweep, settings=settings, now=utcnow())
    wall = time.perf_counter() - t0
    emit(
        "plan",
        accounts=accounts,
        due=sum(plan["accounts_due"].values()),
        wall_s=round(wall, 2),
        accounts_per_s=round(accounts / wall),
    )


def _records(i: int, account_count: int) -> tuple[list[PostRecord], list[EdgeRecord]]:
    acc = i % account_count
    platform = PLATFORMS[acc % 4]
    if i % 2 == 0:
        post = PostRecord(
            platform=platform,
            post_id=f"{7_000_000_000_000 + i}",
            author_id=native(acc),
            author_handle=f"asn_{acc}",
            created_at=NOW - timedelta(minutes=i % 10_000),
            text=f"Apel pagi dan rapat koordinasi nomor {i}",
        )
        return [post], []
    verb = "follow" if i % 4 == 1 else "like"
    target = f"camp-{platform}" if verb == "follow" and i % 40 == 1 else f"t{i}"
    edge = EdgeRecord(
        platform=platform,
        actor_id=native(acc),
        verb=verb,
        target_type="account" if verb == "follow" else "post",
        target_id=target,
    )
    return [], [edge]


def ingest(engine: Engine, *, start: int, count: int, accounts: int, run_id: int) -> float:
    t0 = time.perf_counter()
    per_call = 1_000
    calls_per_commit = 20
    done = 0
    while done < count:
        with session_scope(engine) as s:
            for _ in range(calls_per_commit):
                if done >= count:
                    break
                n = min(per_call, count - done)
                by_platform: dict[str, ParseResult] = {}
                for i in range(start + done, start + done + n):
                    posts, edges = _records(i, accounts)
                    platform = (posts or edges)[0].platform  # type: ignore[attr-defined]
                    result = by_platform.setdefault(platform, ParseResult(platform, "bench"))
                    result.posts.extend(posts)
                    result.edges.extend(edges)
                for result in by_platform.values():
                    store_result(session=s, result=result, run_id=run_id)
                done += n
    return time.perf_counter() - t0


def new_run(engine: Engine) -> int:
    with session_scope(engine) as s:
        run = CrawlRun(trigger="bench", status="running")
        s.add(run)
        s.flush()
        return run.id


def bench_ingest(engine: Engine, observations: int, accounts: int) -> None:
    run_id = new_run(engine)
    wall = ingest(engine, start=0, count=observations, accounts=accounts, run_id=run_id)
    emit(
        "ingest",
        observations=observations,
        wall_s=round(wall, 1),
        observations_per_s=round(observations / wall),
        dialect=engine.dialect.name,
    )


def bench_detect(engine: Engine, items: int, accounts: int, offset: int) -> None:
    from pantau.detect.service import run_detection

    run_id = new_run(engine)
    ingest(engine, start=offset, count=items, accounts=accounts, run_id=run_id)
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        stats = run_detection(session=s, run_id=run_id)
    wall = time.perf_counter() - t0
    examined = stats.posts_examined + stats.edges_examined
    emit(
        "detect",
        items=examined,
        new_flags=stats.total_new,
        wall_s=round(wall, 1),
        items_per_s=round(examined / wall) if wall else None,
    )


def seed_flags(engine: Engine, flags: int, accounts: int) -> None:
    with Session(engine) as s:
        people = dict(s.execute(select(Account.id, Account.civil_servant_id)).all())
        agency_of = dict(s.execute(select(CivilServant.id, CivilServant.agency_id)).all())
    account_ids = sorted(people)
    statuses = ("open",) * 6 + ("in_review", "awaiting_clarification", "dismissed", "referred")
    acts = ("POST", "COMMENT", "SHARE", "LIKE", "FOLLOW")
    for start in range(0, flags, CHUNK):
        rows = []
        for i in range(start, min(start + CHUNK, flags)):
            acc = account_ids[i % len(account_ids)]
            first = NOW - timedelta(minutes=i % 20_000)
            rows.append(
                {
                    "civil_servant_id": people[acc],
                    "account_id": acc,
                    "agency_id": agency_of[people[acc]],
                    "region_code": "",
                    "act_code": acts[i % 5],
                    "platform": PLATFORMS[i % 4],
                    "item_type": "post",
                    "item_id": f"f{i}",
                    "item_url": "",
                    "target_side": "paslon-1",
                    "target_handle": "paslonsatu",
                    "target_is_official": True,
                    "reasons": ["bench"],
                    "severity": 1 + i % 3,
                    "priority": (i % 97) / 97,
                    "queue_rank": -((i % 97) / 97) * (1 + i % 3),
                    "first_detected_at": first,
                    "deadline_at": first + timedelta(days=7),
                    "status": statuses[i % len(statuses)],
                    "updated_at": NOW,
                }
            )
        with session_scope(engine) as s:
            s.execute(insert(Flag), rows)


def bench_queue(engine: Engine, flags: int, samples: int) -> None:
    viewer = User(username="bench", role="reviewer", active=True, password_hash="x")
    with Session(engine) as s:
        agency = s.scalar(select(Agency.id).order_by(Agency.id))
    for label, filters in (
        ("all", QueueFilters()),
        ("agency", QueueFilters(agency_id=agency)),
    ):
        times = []
        for _ in range(samples):
            with Session(engine) as s:
                t0 = time.perf_counter()
                page = list_queue(session=s, principal=viewer, filters=filters, limit=50)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        emit(
            "queue_first_page",
            filter=label,
            flags=flags,
            rows=len(page.rows),
            p50_ms=round(statistics.median(times), 1),
            p95_ms=round(times[int(0.95 * (len(times) - 1))], 1),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--flags", type=int, default=1_000_000)
    parser.add_argument("--detect-items", type=int, default=20_000)
    parser.add_argument("--queue-samples", type=int, default=40)
    parser.add_argument("--skip", default="", help="comma-separated: plan,ingest,detect,queue")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='pantau-bench-')) / 'b.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    seed_registry(engine, args.accounts)
    emit("seed_registry", accounts=args.accounts, wall_s=round(time.perf_counter() - t0, 1))
    if "plan" not in skip:
        bench_plan(engine, args.accounts)
    if "ingest" not in skip:
        bench_ingest(engine, args.observations, args.accounts)
    if "detect" not in skip:
        bench_detect(engine, args.detect_items, args.accounts, offset=args.observations)
    if "queue" not in skip:
        t0 = time.perf_counter()
        seed_flags(engine, args.flags, args.accounts)
        emit("seed_flags", flags=args.flags, wall_s=round(time.perf_counter() - t0, 1))
        bench_queue(engine, args.flags, args.queue_samples)
    engine.dispose()


if __name__ == "__main__":
    main()
