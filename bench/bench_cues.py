"""Cue matcher throughput and hit rates on real Indonesian texts.

    .venv/bin/python bench/bench_cues.py [--shared-dir ../shared] [--limit 20000]

Reads two third-party datasets at run time (never copied into the repo): IndoNLU SmSA reviews
(mostly non-political: hits there are the false-positive budget) and Pilpres 2019 tweets
(political). Prints texts/s, ms per text, and the share of texts with hits per cue kind.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from pantau.config import PROJECT_ROOT
from pantau.registry.cues import CueMatcher
from pantau.registry.watchlist import load_watchlists


def _smsa(shared: Path) -> list[str]:
    path = shared / "datasets" / "indonlu_smsa" / "train_preprocess.tsv"
    with path.open(encoding="utf-8") as fh:
        return [line.rsplit("\t", 1)[0] for line in fh if line.strip()]


def _pilpres2019(shared: Path) -> list[str]:
    path = shared / "datasets" / "pilpres2019_tweet" / "pilpres2019_tweet_parsed.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["tweet_fixed"] for row in csv.DictReader(fh)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared-dir", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, default=20000)
    args = parser.parse_args()
    start = time.perf_counter()
    matcher = CueMatcher.from_watchlists(load_watchlists(PROJECT_ROOT / "config" / "watchlists"))
    print(f"build: {(time.perf_counter() - start) * 1000:.0f} ms")
    for name, reader in (("smsa", _smsa), ("pilpres2019", _pilpres2019)):
        texts = reader(args.shared_dir)[: args.limit]
        start = time.perf_counter()
        results = [matcher.match(t) for t in texts]
        took = time.perf_counter() - start
        kinds = Counter(k for r in results for k in {h.kind for h in r.hits})
        share = ", ".join(f"{k} {n / len(texts):.1%}" for k, n in kinds.most_common())
        chars = sum(map(len, texts)) / len(texts)
        print(
            f"{name}: {len(texts)} texts ({chars:.0f} chars avg), "
            f"{len(texts) / took:,.0f} texts/s, "
            f"{took / len(texts) * 1000:.2f} ms/text; texts with hits "
            f"{sum(1 for r in results if r.hits) / len(texts):.1%}; ambiguous "
            f"{sum(1 for r in results if r.ambiguous) / len(texts):.1%}; by kind: {share}"
        )


if __name__ == "__main__":
    main()
