"""Parser, evidence and ingestion throughput on synthetic timelines (no third-party data).

    .venv/bin/python bench/bench_ingest.py [--url URL] [--pages 50] [--per-page 100]

Builds X ``UserTweets``-shaped pages in memory (fictional ids and texts), then measures: parsing,
storing each page in the evidence store, ingesting every page (new rows), ingesting them all
again in the same run (updates only) and a following diff of 5,000 targets. Default URL: a
fresh SQLite file in a temporary directory. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from pantau.collect.evidence import EvidenceStore
from pantau.collect.ingest import diff_following, store_result
from pantau.collect.models import CrawlRun
from pantau.collect.parse import parse_capture
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope


def _user(n: int) -> dict[str, Any]:
    return {
        "__typename": "User",
        "rest_id": str(1_000_000 + n),
        "core": {"screen_name": f"akun_{n}", "name": f"Akun {n}"},
        "relationship_counts": {"followers": n, "following": 1},
    }


def _page(page: int, per_page: int) -> bytes:
    entries = []
    for i in range(per_page):
        tid = str(9_000_000_000 + page * per_page + i)
        legacy = {
            "id_str": tid,
            "full_text": f"Kiriman fiksi {tid} #PilkadaDemo",
            "created_at": "Tue Oct 01 02:00:00 +0000 2024",
            "favorite_count": i,
            "reply_count": 1,
            "retweet_count": 2,
            "entities": {"hashtags": [{"text": "PilkadaDemo"}]},
        }
        tweet = {"__typename": "Tweet", "rest_id": tid, "legacy": legacy}
        tweet["core"] = {"user_results": {"result": _user(i % 20)}}
        item = {"itemType": "TimelineTweet", "tweet_results": {"result": tweet}}
        entries.append({"entryId": f"tweet-{tid}", "content": {"itemContent": item}})
    timeline = {"instructions": [{"type": "TimelineAddEntries", "entries": entries}]}
    body = {"data": {"user": {"result": {"timeline": {"timeline": timeline}}}}}
    return json.dumps(body).encode()


def _line(what: str, count: int, seconds: float, unit: str) -> None:
    print(f"{what}: {count} {unit} in {seconds:.3f} s = {count / seconds:,.0f} {unit}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--per-page", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = args.url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    bodies = [_page(p, args.per_page) for p in range(args.pages)]
    posts = args.pages * args.per_page

    start = time.perf_counter()
    results = [parse_capture("x", b, op="UserTweets") for b in bodies]
    _line("parse", posts, time.perf_counter() - start, "posts")

    store = EvidenceStore(tmp / "evidence")
    with session_scope(engine) as session:
        run = CrawlRun(trigger="bench")
        session.add(run)
        session.flush()
        run_id = run.id
        start = time.perf_counter()
        refs = [
            store.put(
                session=session,
                data=b,
                kind="payload",
                content_type="application/json",
                platform="x",
            ).sha256
            for b in bodies
        ]
        _line("evidence put", len(bodies), time.perf_counter() - start, "pages")
    results = [r.with_raw_ref(ref) for r, ref in zip(results, refs, strict=True)]

    for label in ("ingest (new rows)", "ingest again (same run, updates)"):
        start = time.perf_counter()
        with session_scope(engine) as session:
            for result in results:
                store_result(session=session, result=result, run_id=run_id)
        _line(label, posts, time.perf_counter() - start, "posts")

    targets = [str(t) for t in range(5000)]
    start = time.perf_counter()
    with session_scope(engine) as session:
        diff = diff_following(
            session=session, platform="x", actor_id="A", seen_target_ids=targets, run_id=run_id
        )
    _line(
        f"following diff ({len(diff.new)} new)",
        len(targets),
        time.perf_counter() - start,
        "targets",
    )

    start = time.perf_counter()
    with session_scope(engine) as session:
        report = store.verify(session=session)
    _line(f"evidence verify (ok={report.ok})", report.checked, time.perf_counter() - start, "files")
    engine.dispose()


if __name__ == "__main__":
    main()
