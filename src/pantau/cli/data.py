"""``pantau data``: the classifier's training data (public datasets, our labels, the seed set)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pantau.cli.common import console, fail, handled

app = typer.Typer(
    help="Training data: verify, download and summarise the corpus.", no_args_is_help=True
)

DATASETS_HELP = "Directory holding <name>/<file> copies of the public datasets."


@app.command("verify")
def verify(
    datasets: Path = typer.Option(..., "--datasets", help=DATASETS_HELP),
) -> None:
    """Check every dataset file's SHA-256 and that every label still matches its row's text."""
    from pantau.classify import corpus
    from pantau.classify import datasets as ds

    table = Table("dataset", "files", "rows", "labels joined")
    with handled():
        for name in ds.SOURCES:
            rows = ds.load_rows(name, datasets_dir=datasets, check=True)
            joined = ""
            if (corpus.LABELS_DIR / f"{name}.csv").is_file():
                joined = str(len(corpus.load_labelled(name, datasets_dir=datasets)))
            table.add_row(name, "ok", str(len(rows)), joined)
    console.print(table)


@app.command("download")
def download(
    datasets: Path = typer.Option(..., "--datasets", help="Directory to download into."),
    name: list[str] = typer.Option(None, "--name", help="Only these datasets (repeatable)."),
) -> None:
    """Fetch the public datasets from their pinned original commits, checking each SHA-256."""
    from pantau.classify import datasets as ds

    names = name or list(ds.SOURCES)
    with handled():
        for one in names:
            folder = ds.download(one, datasets_dir=datasets)
            console.print(f"{one}: {folder}")


@app.command("stats")
def stats(
    datasets: Path | None = typer.Option(None, "--datasets", help=DATASETS_HELP),
    seed: int = typer.Option(13, "--seed", help="Split seed."),
) -> None:
    """Label counts per source and per split of the assembled, deduplicated corpus."""
    from pantau.classify import corpus

    with handled():
        examples = corpus.load_corpus(datasets_dir=datasets)
        splits = corpus.split(examples, seed=seed)
    if not examples:
        fail("the corpus is empty")
    table = Table("part", *corpus.LABELS, "total")
    groups: dict[str, list[corpus.Example]] = {}
    for e in examples:
        groups.setdefault(f"source {e.source}", []).append(e)
    for part in ("train", "dev", "test", "heldout"):
        groups[f"split {part}"] = getattr(splits, part)
    for part, items in groups.items():
        counts = corpus.label_counts(items)
        table.add_row(part, *(str(counts[label]) for label in corpus.LABELS), str(len(items)))
    console.print(table)
