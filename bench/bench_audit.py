"""Audit trail throughput: appends (one transaction each, and batched) and a full verify.

    .venv/bin/python bench/bench_audit.py [--url URL] [--n 5000]

Default URL: a fresh SQLite file in a temporary directory. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pantau.review import audit
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    single = min(args.n, 1000)
    start = time.perf_counter()
    for i in range(single):
        with session_scope(engine) as s:
            audit.record(session=s, actor="bench", action="view", subject_id=i, detail={"i": i})
    took = time.perf_counter() - start
    print(f"{engine.dialect.name}: {single / took:,.0f} appends/s (one transaction each)")
    start = time.perf_counter()
    with session_scope(engine) as s:
        for i in range(args.n):
            audit.record(session=s, actor="bench", action="view", subject_id=i, detail={"i": i})
    took = time.perf_counter() - start
    print(f"{engine.dialect.name}: {args.n / took:,.0f} appends/s (one transaction)")
    start = time.perf_counter()
    with session_scope(engine) as s:
        result = audit.verify(session=s)
    took = time.perf_counter() - start
    print(
        f"{engine.dialect.name}: verify {result.checked:,} entries in {took:.2f} s, ok={result.ok}"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
