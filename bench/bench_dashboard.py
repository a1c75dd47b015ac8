"""Dashboard and fairness-panel query latency on the review queue's synthetic 10^6-flag
database (flags spread over 400 days; build it first with ``bench/review_queue.py``).

    .venv/bin/python bench/bench_dashboard.py [--url URL] [--days 28] [--repeat 5]

Read-only. Prints one JSON line per figure: p50 / max in milliseconds (fresh session per run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pantau.config import PROJECT_ROOT
from pantau.review.insight import dashboard as data
from pantau.review.insight.charts import to_svg
from pantau.review.insight.fairness import fairness_report
from pantau.review.insight.figures import CHARTS, ChartContext, build_chart
from pantau.store.db import make_engine, session_scope, utcnow

DEFAULT = PROJECT_ROOT / "var" / "bench" / "queue-1000000.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=f"sqlite:///{DEFAULT}")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.url)
    now = utcnow()
    period = data.Period.ending(now=now, days=args.days, zone=ZoneInfo("Asia/Jakarta"))

    def chart(name: str) -> Callable[[Session], Any]:
        return lambda s: to_svg(build_chart(name, ChartContext(s, period, now, 2)))  # type: ignore[arg-type]

    cases: dict[str, Callable[[Session], Any]] = {f"chart {n}": chart(n) for n in CHARTS}
    cases["fairness panel (period)"] = lambda s: fairness_report(
        session=s, threshold=0.15, min_flags=5, since=period.start, until=period.end
    )
    cases["fairness all time"] = lambda s: fairness_report(session=s, threshold=0.15, min_flags=5)
    cases["page data"] = lambda s: (
        data.agency_ranking(session=s, period=period),
        data.region_ranking(session=s, period=period),
        data.backlog(session=s, now=now, warning_days=2),
    )
    for name, run in cases.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with session_scope(engine) as s:
                run(s)
            times.append((time.perf_counter() - start) * 1000)
        print(
            json.dumps(
                {
                    "case": name,
                    "days": args.days,
                    "p50_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    "load": round(os.getloadavg()[0], 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
