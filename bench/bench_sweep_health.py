"""Sweep-health chart latency: ``--accounts`` registered accounts crawled every night for
``--nights`` nights, 4 acts each (posts, comments, likes, following), ~3% blocked, ~2% failed,
X likes unobservable. Builds ``var/bench/crawl-<accounts>x<nights>.sqlite3`` once.

    .venv/bin/python bench/bench_sweep_health.py [--accounts 5000] [--nights 28] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert

from pantau.collect.models import AccountCrawl, CrawlRun
from pantau.config import PROJECT_ROOT
from pantau.registry.models import Account, Agency, CivilServant
from pantau.review.insight import dashboard as data
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope, utcnow

PLATFORMS = ("x", "instagram", "facebook", "tiktok")
ACTS = ("posts", "comments", "likes", "following")


def build(engine: Engine, accounts: int, nights: int) -> None:
    rng = random.Random(3)
    now = utcnow()
    with session_scope(engine) as s:
        s.execute(insert(Agency), [{"id": 1, "code": "A", "name": "A", "level": "kota"}])
        s.execute(
            insert(CivilServant),
            [
                {"id": i, "nip": f"{i:018d}", "name": f"P{i}", "status": "PNS", "agency_id": 1}
                for i in range(1, accounts + 1)
            ],
        )
        s.execute(
            insert(Account),
            [
                {
                    "id": i,
                    "civil_servant_id": i,
                    "platform": PLATFORMS[i % 4],
                    "handle": f"h{i}",
                    "ownership_basis": "hr_record",
                }
                for i in range(1, accounts + 1)
            ],
        )
        for night in range(nights):
            started = now - timedelta(days=night, hours=3)
            run = CrawlRun(trigger="sweep", started_at=started, status="done")
            s.add(run)
            s.flush()
            rows = []
            for i in range(1, accounts + 1):
                roll = rng.random()
                for act in ACTS:
                    status, reason = "ok", ""
                    if roll < 0.03:
                        status, reason = "failed", "login_wall"
                    elif roll < 0.05:
                        status, reason = "failed", "not_found"
                    elif act == "likes" and i % 4 == 0:
                        status, reason = "unobservable", "platform_private"
                    rows.append(
                        {
                            "run_id": run.id,
                            "account_id": i,
                            "act": act,
                            "status": status,
                            "reason": reason,
                            "at": started,
                        }
                    )
            s.execute(insert(AccountCrawl), rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--nights", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = PROJECT_ROOT / "var" / "bench" / f"crawl-{args.accounts}x{args.nights}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        migrate.upgrade(url)
        build(make_engine(url), args.accounts, args.nights)
    engine = make_engine(url)
    period = data.Period.ending(now=utcnow(), days=28, zone=ZoneInfo("Asia/Jakarta"))
    cases = {"all platforms": None, "one platform (one chart)": "x"}
    for name, platform in cases.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with session_scope(engine) as s:
                health = data.sweep_health(session=s, period=period, platform=platform)
            times.append((time.perf_counter() - start) * 1000)
        last_night = sum(sum(v[-2] for v in t.counts.values()) for t in health.values())
        print(
            json.dumps(
                {
                    "case": f"sweep_health {name}",
                    "act_rows": args.accounts * args.nights * len(ACTS),
                    "accounts_counted_a_night": last_night,
                    "p50_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    "load": round(os.getloadavg()[0], 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
