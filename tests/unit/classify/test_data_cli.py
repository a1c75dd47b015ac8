"""``pantau data``: stats on the seed set, verify against the shared copies, clear failures."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from pantau.classify import corpus
from pantau.cli.main import app


def _row(output: str, part: str) -> list[int]:
    line = next(line for line in output.splitlines() if part in line)
    return [int(n) for n in re.findall(r"\b\d+\b", line)]


def test_stats_without_datasets_counts_the_seed_sets() -> None:
    result = CliRunner().invoke(app, ["data", "stats"])
    assert result.exit_code == 0, result.output
    total = 0
    for source, path in (("seed", corpus.SEED_PATH), ("written", corpus.WRITTEN_PATH)):
        counts = corpus.label_counts(corpus.load_seed(path))
        assert _row(result.output, f"source {source}") == [*counts.values(), sum(counts.values())]
        total += sum(counts.values())
    splits = [_row(result.output, f"split {p}")[-1] for p in ("train", "dev", "test", "heldout")]
    assert sum(splits) == total
    assert splits[-1] == 0


def test_verify_fails_with_the_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["data", "verify", "--datasets", str(tmp_path)])
    assert result.exit_code == 1
    assert "dataset_tweet_sentiment_pilkada_DKI_2017.csv" in result.output
    assert "missing" in result.output


def test_verify_joins_every_label_file_to_the_shared_copies(shared_dir: Path) -> None:
    ddir = shared_dir / "datasets"
    result = CliRunner().invoke(app, ["data", "verify", "--datasets", str(ddir)])
    assert result.exit_code == 0, result.output
    for name in corpus.LABELLED_DATASETS:
        labels = len(corpus.read_label_file(corpus.LABELS_DIR / f"{name}.csv"))
        assert _row(result.output, name)[-1] == labels
