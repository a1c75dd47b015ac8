"""Review queue latency on a synthetic 10^6-flag database: first page, filtered first pages,
a deep page (keyset), capped counts, and the OFFSET pagination it replaces.

    .venv/bin/python bench/review_queue.py [--url URL] [--flags 1000000] [--repeat 30] [--rebuild]

Default URL: ``var/bench/queue-<flags>.sqlite3`` (built once, reused; ``--rebuild`` starts over).
Prints p50 / p95 / max in milliseconds per scenario; each run opens a fresh session.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from pantau.config import PROJECT_ROOT
from pantau.detect.models import Flag
from pantau.registry.models import Account, Agency, CivilServant
from pantau.review.models import User
from pantau.review.queue import QueueFilters, list_queue, queue_counts
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope, utcnow

AGENCIES, PEOPLE, BATCH = 60, 20_000, 20_000
PLATFORMS = ("x", "instagram", "facebook", "tiktok")
ACTS = ("POST", "COMMENT", "SHARE", "LIKE", "FOLLOW", "PHOTO", "ATTRIBUTE")
SIDES = ("paslon-1", "paslon-2", "paslon-3", "pdip", "gerindra", "")
# Most flags of a long-running deployment are settled; a minority still wait for review.
STATUSES = (
    ("open", 0.30),
    ("in_review", 0.08),
    ("awaiting_clarification", 0.04),
    ("confirmed", 0.18),
    ("dismissed", 0.32),
    ("referred", 0.08),
)


def build(engine: Engine, flags: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = utcnow()
    with session_scope(engine) as s:
        s.execute(
            insert(Agency),
            [
                {
                    "id": i,
                    "code": f"AG{i}",
                    "name": f"Instansi {i}",
                    "level": "kabupaten",
                    "region_code": f"{11 + i % 34}",
                }
                for i in range(1, AGENCIES + 1)
            ],
        )
        people = [
            {
                "id": i,
                "nip": f"{198000000000000000 + i}",
                "name": f"ASN {i}",
                "status": "PNS",
                "agency_id": 1 + i % AGENCIES,
                "region_code": f"{11 + (1 + i % AGENCIES) % 34}",
            }
            for i in range(1, PEOPLE + 1)
        ]
        s.execute(insert(CivilServant), people)
        s.execute(
            insert(Account),
            [
                {
                    "id": i,
                    "civil_servant_id": i,
                    "platform": PLATFORMS[i % 4],
                    "handle": f"asn{i}",
                    "native_id": str(10_000_000 + i),
                    "ownership_basis": "hr_record",
                }
                for i in range(1, PEOPLE + 1)
            ],
        )
    _insert_flags(engine, flags, rng, now)


def _stamp(value: datetime) -> str:
    """SQLAlchemy's SQLite storage format for a UTC timestamp (what UTCDateTime writes)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _insert_flags(engine: Engine, flags: int, rng: random.Random, now: datetime) -> None:
    """Raw DBAPI batches with the flag indexes dropped and rebuilt after: ~10x faster than ORM
    inserts into nine indexes (the build is setup, not what is measured)."""
    if engine.dialect.name != "sqlite":
        raise SystemExit("the synthetic build writes SQLite; pass no --url or a sqlite URL")
    names, weights = zip(*STATUSES, strict=True)
    columns = (
        "civil_servant_id, account_id, agency_id, region_code, act_code, platform, item_type, "
        "item_id, item_url, target_side, target_handle, target_is_official, reasons, severity, "
        "priority, queue_rank, first_detected_at, deadline_at, status, updated_at"
    )
    sql = f"INSERT INTO flag ({columns}) VALUES ({', '.join('?' * 20)})"  # noqa: S608 (constants)
    indexes = [ix for ix in Flag.__table__.indexes]
    with engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, flags, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, flags)):
                person = rng.randrange(1, PEOPLE + 1)
                detected = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
                score, severity = rng.random(), rng.choice((1, 2, 3))
                agency = 1 + person % AGENCIES
                rows.append(
                    (
                        person,
                        person,
                        agency,
                        f"{11 + agency % 34}",
                        ACTS[n % len(ACTS)],
                        PLATFORMS[person % 4],
                        "post",
                        str(n),
                        "",
                        rng.choice(SIDES),
                        "",
                        0,
                        "[]",
                        severity,
                        score * severity,
                        -score * severity,
                        _stamp(detected),
                        _stamp(detected + timedelta(days=7)),
                        rng.choices(names, weights)[0],
                        _stamp(now),
                    )
                )
            cursor.executemany(sql, rows)
            raw.commit()
            print(f"  {min(start + BATCH, flags):>9,} flags", end="\r", flush=True)
    finally:
        raw.close()
    print()
    with engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
        conn.exec_driver_sql("ANALYZE")


Timings = tuple[list[float], list[float]]


def timed(engine: Engine, repeat: int, work: Callable[[Session], Any]) -> Timings:
    """Wall and CPU milliseconds per run. CPU time is what the query costs; wall time also
    counts waiting for a core, which dominates on a shared, overloaded machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        with session_scope(engine) as s:
            start, start_cpu = time.perf_counter(), time.process_time()
            work(s)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, took: Timings) -> None:
    wall, cpu = took
    print(
        f"{name:<46} wall p50 {statistics.median(wall):7.1f} p95 {_p95(wall):7.1f}"
        f" | cpu p50 {statistics.median(cpu):6.1f} p95 {_p95(cpu):6.1f} ms"
    )


def scenarios(viewer: User, repeat: int) -> dict[str, Callable[[Session], Any]]:
    def page(filters: QueueFilters, after: str | None = None) -> Callable[[Session], Any]:
        return lambda s: list_queue(session=s, principal=viewer, filters=filters, after=after)

    now = utcnow()
    return {
        "first page (open+in_review+awaiting)": page(QueueFilters()),
        "first page, status open only": page(QueueFilters(statuses=("open",))),
        "first page, agency": page(QueueFilters(agency_id=17)),
        "first page, region": page(QueueFilters(region_code="20")),
        "first page, platform": page(QueueFilters(platform="tiktok")),
        "first page, act": page(QueueFilters(act_code="LIKE")),
        "first page, side": page(QueueFilters(side="paslon-2")),
        "first page, platform + act + side": page(
            QueueFilters(platform="x", act_code="FOLLOW", side="pdip")
        ),
        "first page, detected in the last 30 days": page(
            QueueFilters(detected_from=now - timedelta(days=30))
        ),
        "first page, confirmed + dismissed": page(
            QueueFilters(statuses=("confirmed", "dismissed"))
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--flags", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = PROJECT_ROOT / "var" / "bench" / f"queue-{args.flags}.sqlite3"
    url = args.url or f"sqlite:///{path}"
    if args.url is None and args.rebuild and path.exists():
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        present = int(s.execute(select(func.count()).select_from(Flag)).scalar_one())
    if present == 0:
        start = time.perf_counter()
        build(engine, args.flags)
        print(f"built {args.flags:,} flags in {time.perf_counter() - start:.0f} s")
    with session_scope(engine) as s:
        present = int(s.execute(select(func.count()).select_from(Flag)).scalar_one())
    print(f"{engine.dialect.name}: {present:,} flags")
    viewer = User(id=0, username="bench", role="reviewer", active=True)
    for name, work in scenarios(viewer, args.repeat).items():
        report(name, timed(engine, args.repeat, work))
    deep = _deep_cursor(engine, viewer, pages=200)
    report(
        "page 201 (keyset cursor)",
        timed(engine, args.repeat, lambda s: list_queue(session=s, principal=viewer, after=deep)),
    )
    report("page 201 by OFFSET 10000 (what keyset avoids)", timed(engine, args.repeat, _offset))
    report(
        "counts (capped at 10,000 per status)",
        timed(
            engine, max(5, args.repeat // 3), lambda s: queue_counts(session=s, principal=viewer)
        ),
    )
    engine.dispose()


def _deep_cursor(engine: Engine, viewer: User, pages: int) -> str | None:
    cursor = None
    with session_scope(engine) as s:
        for _ in range(pages):
            cursor = list_queue(session=s, principal=viewer, after=cursor).next_cursor
    return cursor


def _offset(s: Session) -> None:
    order = (Flag.deadline_at, Flag.queue_rank, Flag.id)
    stmt = (
        select(Flag)
        .where(Flag.status.in_(("open", "in_review", "awaiting_clarification")))
        .order_by(*order)
        .offset(10_000)
        .limit(50)
    )
    list(s.scalars(stmt))


if __name__ == "__main__":
    main()
