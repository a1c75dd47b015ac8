"""Detection throughput on synthetic observations (fictional accounts and texts).

    .venv/bin/python bench/bench_detect.py [--url URL] [--accounts 2000] [--posts 20] [--edges 20]

Builds a migrated database (default: a fresh SQLite file in a temporary directory) with the
given number of registered ASN accounts, each with ``--posts`` posts (a mix of partisan, neutral
news, namesake, ballot-number and hashtag texts, each with a prediction) and ``--edges`` edges
(likes and follows, a share of them to watched campaign accounts), then times a first
detection run (new flags) and a second (idempotent: nothing new). Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from pantau.classify.models import Prediction
from pantau.collect.models import Edge, Post
from pantau.detect.models import Flag
from pantau.detect.service import run_detection
from pantau.registry.cues import default_matcher
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope

NOW = datetime(2024, 1, 20, 3, 0, tzinfo=UTC)
SIDES = (("anies-muhaimin", 1), ("prabowo-gibran", 2), ("ganjar-mahfud", 3))
# (text, label, targets): fictional texts in the shapes the rules meet.
TEXTS: tuple[tuple[str, str, list[str]], ...] = (
    ("Pilih Prabowo Subianto, pemimpin tegas! #PrabowoGibran2024", "support", ["prabowo-gibran"]),
    ("Jangan pilih Ganjar Pranowo, janji kosong", "oppose", ["ganjar-mahfud"]),
    ("Debat capres malam ini di JCC, siapa yang unggul?", "neutral", []),
    ("Selamat ulang tahun Pak Anies, tetangga baik kami", "unrelated", []),
    ("Rapat koordinasi dinas pukul 09.00 di aula", "unrelated", []),
    ("Laporan keuangan tahun 2024 sudah terbit", "unrelated", []),
    ("Info debat #AMIN", "neutral", []),
    ("KPU tetapkan nomor urut 2 untuk pasangan calon", "neutral", []),
    ("Salam 3 jari untuk Mas Ganjar, menang!", "support", ["ganjar-mahfud"]),
    ("Hujan deras di Jakarta sore ini, hati-hati di jalan", "unrelated", []),
)


def _seed(url: str, accounts: int, posts: int, edges: int) -> None:
    rng = random.Random(7)
    engine = make_engine(url)
    with session_scope(engine) as s:
        agency = Agency(code="A", name="Instansi", level="provinsi", region_code="31")
        s.add(agency)
        s.flush()
        s.execute(
            insert(CivilServant),
            [
                {
                    "nip": f"{198000000000000000 + i}",
                    "name": f"ASN {i}",
                    "status": "PNS",
                    "agency_id": agency.id,
                }
                for i in range(accounts)
            ],
        )
        ids = list(s.scalars(select(CivilServant.id).order_by(CivilServant.id)))
        s.execute(
            insert(Account),
            [
                {
                    "civil_servant_id": cs,
                    "platform": "x",
                    "handle": f"asn_{i}",
                    "native_id": str(10_000 + i),
                    "ownership_basis": "hr_record",
                }
                for i, cs in enumerate(ids)
            ],
        )
        watched: list[str] = []
        for key, number in SIDES:
            side = Side(key=key, kind="pair", name=key, ballot_number=number)
            s.add(side)
            s.flush()
            for j in range(4):
                native = str(900_000 + number * 10 + j)
                watched.append(native)
                s.add(
                    WatchedAccount(
                        side_id=side.id,
                        platform="x",
                        handle=f"tim_{key}_{j}",
                        native_id=native,
                        kind="campaign_team",
                    )
                )
        post_rows: list[dict[str, Any]] = []
        pred_rows: list[dict[str, Any]] = []
        for w in watched:
            post_rows.append(
                {
                    "platform": "x",
                    "post_id": f"w{w}",
                    "author_id": w,
                    "text": "Ayo menangkan!",
                    "created_at": NOW,
                }
            )
        for i in range(accounts):
            for k in range(posts):
                text, label, targets = TEXTS[rng.randrange(len(TEXTS))]
                pid = f"{i}-{k}"
                post_rows.append(
                    {
                        "platform": "x",
                        "post_id": pid,
                        "author_id": str(10_000 + i),
                        "text": text,
                        "created_at": NOW,
                    }
                )
                pred_rows.append(
                    {
                        "platform": "x",
                        "post_id": pid,
                        "model_version": "bench",
                        "label": label,
                        "score": 0.9,
                        "probs": {label: 0.9},
                        "targets": targets,
                    }
                )
        s.execute(insert(Post), post_rows)
        s.execute(insert(Prediction), pred_rows)
        edge_rows: list[dict[str, Any]] = []
        for i in range(accounts):
            seen: set[tuple[str, str]] = set()
            for _ in range(edges):
                campaign = rng.random() < 0.1
                if rng.random() < 0.5:
                    target = rng.choice(watched) if campaign else str(rng.randrange(10**6))
                    key = ("follow", target)
                else:
                    target = f"w{rng.choice(watched)}" if campaign else f"n{rng.randrange(10**6)}"
                    key = ("like", target)
                if key in seen:
                    continue
                seen.add(key)
                edge_rows.append(
                    {
                        "platform": "x",
                        "actor_id": str(10_000 + i),
                        "verb": key[0],
                        "target_type": "account" if key[0] == "follow" else "post",
                        "target_id": target,
                    }
                )
        s.execute(insert(Edge), edge_rows)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--edges", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        _seed(url, args.accounts, args.posts, args.edges)
        matcher = default_matcher()
        engine = make_engine(url)
        for attempt in ("first", "again"):
            load = os.getloadavg()[0]
            start = time.perf_counter()
            with session_scope(engine) as session:
                stats = run_detection(session=session, now=NOW, matcher=matcher)
            wall = time.perf_counter() - start
            items = stats.posts_examined + stats.edges_examined
            with session_scope(engine) as session:
                flags = session.scalar(select(func.count(Flag.id)))
            print(
                json.dumps(
                    {
                        "run": attempt,
                        "url": url.split("://")[0],
                        "posts": stats.posts_examined,
                        "edges": stats.edges_examined,
                        "new_flags": stats.total_new,
                        "already_flagged": stats.already_flagged,
                        "flags_in_db": flags,
                        "wall_s": round(wall, 2),
                        "items_per_s": round(items / wall),
                        "load_avg_1m": round(load, 1),
                    }
                )
            )
        engine.dispose()


if __name__ == "__main__":
    main()
