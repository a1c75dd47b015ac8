"""Collection throughput and CPU against the replica: the real pipeline vs a naive baseline.

    .venv/bin/python -m bench.collect [--per-platform 10] [--posts 3]

(Run it as a module from the project root: run as a script, ``bench/`` comes first on
``sys.path`` and any module there named like a standard one would shadow it.)

One replica (in its own process, so its CPU is not counted) serves a fictional scenario of
``4 x per-platform`` registered accounts. Both contenders collect every account (posts,
comments, shares, likes, following) with a logged-in monitoring session, into separate fresh
SQLite databases:

- pipeline: ``collect_accounts``: one Chromium, one context per monitoring session, images /
  fonts / media blocked, ``collect.max_contexts`` pages at once;
- baseline: ``collect_account`` once per account: a new Chromium each time, nothing blocked,
  one page at a time.

Rate limits are set high (the replica is local); jitter is off. CPU seconds are this process
plus its children (Playwright's driver and Chromium), from ``getrusage``. Prints one JSON line
per contender and the ratios.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.browser import MonitoringSession
from pantau.collect.replica import Replica, run_replica, scenario_from_dict
from pantau.collect.service import collect_account, collect_accounts, start_run
from pantau.collect.settings import CollectSettings
from pantau.config import Settings, get_settings
from pantau.registry.models import Account, Agency, CivilServant
from pantau.store.db import make_engine
from pantau.store.models import load_all_models

PLATFORMS = ("x", "instagram", "tiktok", "facebook")


def scenario(per_platform: int, posts: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    accounts: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    follows: list[dict[str, Any]] = []
    for p in PLATFORMS:
        accounts.append({"platform": p, "handle": "kampanyesatu", "campaign": True})
        for i in range(per_platform):
            handle = f"pegawai{i:03d}"
            accounts.append({"platform": p, "handle": handle})
            follows.append({"platform": p, "account": handle, "target": "kampanyesatu"})
            for j in range(posts):
                items.append(
                    {
                        "platform": p,
                        "author": handle,
                        "key": f"{p}-{handle}-{j}",
                        "time": (now - timedelta(hours=5 + i + j)).isoformat(),
                        "text": f"Kegiatan dinas hari ke-{j} oleh {handle} #pelayananpublik",
                    }
                )
    return {"accounts": accounts, "posts": items, "follows": follows}


def _serve(data: dict[str, Any], queue: Any, stop: Any) -> None:
    with run_replica(scenario_from_dict(data)) as rep:
        queue.put(rep.base_url)
        stop.wait()


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def fresh_db(directory: Path, name: str, per_platform: int) -> Any:
    engine = make_engine(f"sqlite:///{directory / name}.sqlite3")
    load_all_models().create_all(engine)
    with Session(engine) as session:
        agency = Agency(code="BENCH", name="Bench", level="kota")
        session.add(agency)
        session.flush()
        for i in range(per_platform):
            person = CivilServant(
                nip=f"1990010120200{i:05d}",
                name=f"Pegawai {i}",
                status="PNS",
                agency_id=agency.id,
            )
            session.add(person)
            session.flush()
            for p in PLATFORMS:
                session.add(
                    Account(
                        civil_servant_id=person.id,
                        platform=p,
                        handle=f"pegawai{i:03d}",
                        ownership_basis="hr_record",
                    )
                )
        session.commit()
    return engine


def settings_for(base_url: str, directory: Path, **over: Any) -> Settings:
    c = CollectSettings.model_validate(
        {
            "methods": {p: {"enabled": True, "legal_basis": "benchmark"} for p in PLATFORMS},
            "base_urls": {p: f"{base_url}/{p}" for p in PLATFORMS},
            "platform_rate_per_minute": 60000,
            "session_rate_per_minute": 60000,
            "rate_burst": 1000,
            "rate_jitter_s": 0,
            **over,
        }
    )
    return get_settings().model_copy(update={"collect": c, "evidence_dir": directory / "ev"})


def sessions(data: dict[str, Any]) -> dict[str, MonitoringSession]:
    cookies_of = Replica(scenario_from_dict(data))  # same default secret as the server
    cookies = [
        {
            **cookies_of.session_cookie(p),
            "domain": "127.0.0.1",
            "expires": -1,
            "httpOnly": True,
            "secure": False,
            "sameSite": "Lax",
        }
        for p in PLATFORMS
    ]
    mon = MonitoringSession("bench", frozenset(PLATFORMS), {"cookies": cookies, "origins": []})
    return dict.fromkeys(PLATFORMS, mon)


def measure(name: str, engine: Any, work: Any) -> dict[str, Any]:
    with Session(engine, expire_on_commit=False) as session:
        accounts = list(session.scalars(select(Account).order_by(Account.id)))
        run = start_run(session=session, trigger="bench")
        c0, t0 = cpu(), time.perf_counter()
        outcomes = work(session, accounts, run)
        wall, used = time.perf_counter() - t0, cpu() - c0
        session.commit()
    failed = sum(1 for o in outcomes if not o.ok)
    n = len(outcomes)
    return {
        "contender": name,
        "accounts": n,
        "failed_accounts": failed,
        "wall_s": round(wall, 2),
        "accounts_per_min": round(n / wall * 60, 1),
        "cpu_s": round(used, 2),
        "cpu_s_per_account": round(used / n, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-platform", type=int, default=10)
    parser.add_argument("--posts", type=int, default=3)
    args = parser.parse_args()
    data = scenario(args.per_platform, args.posts)
    queue: Any = mp.Queue()
    stop = mp.Event()
    server = mp.Process(target=_serve, args=(data, queue, stop), daemon=True)
    server.start()
    base_url = queue.get(timeout=30)
    mons = sessions(data)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            fast = settings_for(base_url, d, block_resources=True, max_contexts=2)
            slow = settings_for(base_url, d, block_resources=False, max_contexts=1)

            def pipeline(session: Session, accounts: list[Account], run: Any) -> Any:
                return collect_accounts(
                    session=session, accounts=accounts, run=run, settings=fast, sessions=mons
                )

            def baseline(session: Session, accounts: list[Account], run: Any) -> Any:
                return [
                    collect_account(
                        session=session, account=a, run=run, settings=slow, sessions=mons
                    )
                    for a in accounts
                ]

            load = os.getloadavg()
            results = [
                measure("baseline", fresh_db(d, "baseline", args.per_platform), baseline),
                measure("pipeline", fresh_db(d, "pipeline", args.per_platform), pipeline),
            ]
    finally:
        stop.set()
        server.join(timeout=10)
    for row in results:
        print(json.dumps(row))
    base, fast_row = results
    print(
        json.dumps(
            {
                "throughput_ratio": round(
                    fast_row["accounts_per_min"] / base["accounts_per_min"], 2
                ),
                "cpu_per_account_ratio": round(
                    fast_row["cpu_s_per_account"] / base["cpu_s_per_account"], 2
                ),
                "loadavg_before": [round(x, 2) for x in load],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
