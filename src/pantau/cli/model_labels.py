"""``pantau model labels``: reading sheets out, checked labels in, agreement of two readings.

The labelling round trip of ``pantau.classify.labelling`` (data/README.md, "How the public
rows were labelled"). Registered on ``pantau model`` by :func:`register`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pantau.cli.common import DATASETS_HELP, console, datasets_or_default, handled
from pantau.errors import InputRejected

labels_app = typer.Typer(
    help="Label public rows by reading: sheets out, checked labels in, agreement.",
    no_args_is_help=True,
)

LABELS_HELP = "Directory of the label files (default: data/labels; second readings in second/)."


def _labels(labels_dir: Path | None) -> Path:
    from pantau.classify.corpus import LABELS_DIR

    return labels_dir if labels_dir is not None else LABELS_DIR


def _datasets_dir(path: Path | None) -> Path:
    found = datasets_or_default(path)
    if found is None or not found.is_dir():
        raise InputRejected("no datasets directory: pass --datasets DIR (e.g. ../shared/datasets)")
    return found


@labels_app.command("sheet")
def sheet(
    dataset: str = typer.Argument(..., help="Dataset name (e.g. pilpres2019_tweet)."),
    out: Path = typer.Option(..., "--out", help="Reading sheet to write (TSV row_id, text)."),
    n: int | None = typer.Option(None, "--n", help="At most this many rows."),
    political: bool = typer.Option(False, "--political", help="Only rows with political terms."),
    second: bool = typer.Option(
        False, "--second", help="Rows already labelled, not yet read a second time (agreement)."
    ),
    seed: int = typer.Option(13, help="Seed of the fixed row order."),
    datasets: Path | None = typer.Option(None, "--datasets", help=DATASETS_HELP),
    labels_dir: Path | None = typer.Option(None, "--labels-dir", help=LABELS_HELP),
) -> None:
    """Write rows to read: unlabelled ones, or (--second) labelled ones for a second reading."""
    with handled():
        from pantau.classify import labelling

        directory = _datasets_dir(datasets)
        labels = _labels(labels_dir)
        first = labelling.labelled_ids(dataset, labels)
        # A second reading covers rows read once and not yet twice; a first, unread rows.
        rows = labelling.sheet_rows(
            dataset,
            datasets_dir=directory,
            n=n,
            political_only=political,
            seed=seed,
            exclude=labelling.labelled_ids(dataset, labelling.second_dir(labels))
            if second
            else first,
            only=first if second else None,
        )
        labelling.write_sheet(rows, out)
        console.print(f"{len(rows)} rows of {dataset} written to {out}", highlight=False)


@labels_app.command("merge")
def merge(
    dataset: str = typer.Argument(..., help="Dataset name."),
    sheet_path: Path = typer.Argument(..., help="Label sheet: row_id, label, targets, note."),
    labeller: str = typer.Option(..., "--labeller", help="Who or what read the rows."),
    second: bool = typer.Option(False, "--second", help="Into data/labels/second/ (agreement)."),
    relabel: bool = typer.Option(
        False, "--relabel", help="Replace labels of rows already labelled (adjudication)."
    ),
    datasets: Path | None = typer.Option(None, "--datasets", help=DATASETS_HELP),
    labels_dir: Path | None = typer.Option(None, "--labels-dir", help=LABELS_HELP),
) -> None:
    """Check a label sheet and add it to the label file, all rows or none."""
    with handled():
        from pantau.classify import labelling

        labels = _labels(labels_dir)
        target_dir = labelling.second_dir(labels) if second else labels
        n = labelling.merge_sheet(
            dataset,
            sheet_path,
            labeller=labeller,
            datasets_dir=_datasets_dir(datasets),
            labels_dir=target_dir,
            allow_relabel=relabel,
        )
        console.print(f"{n} rows merged into {target_dir / (dataset + '.csv')}", highlight=False)


@labels_app.command("agreement")
def agreement(
    dataset: str = typer.Argument(..., help="Dataset name."),
    labels_dir: Path | None = typer.Option(None, "--labels-dir", help=LABELS_HELP),
) -> None:
    """Agreement of the first and second readings of a dataset (raw and Cohen's kappa)."""
    with handled():
        from pantau.classify import labelling
        from pantau.classify.corpus import LABELS

        labels = _labels(labels_dir)
        files = labelling.reading_files(dataset, labels)
        if files is None:
            raise InputRejected(
                f"{dataset} has not been read twice (no {labelling.second_dir(labels) / dataset}"
                ".csv)"
            )
        first, second = files
        result = labelling.agreement(labelling.label_map(first), labelling.label_map(second))
        console.print(
            f"{result.n} rows read twice: agreement {result.agreement:.3f}, kappa "
            f"{result.kappa:.3f}; flag (support/oppose vs rest) agreement "
            f"{result.partisan_agreement:.3f}, kappa {result.partisan_kappa:.3f}",
            highlight=False,
        )
        console.print(
            f"second reading scored against the first ({first.name} in {first.parent}): "
            f"macro-F1 {result.macro_f1:.3f}, partisan F1 {result.partisan_f1:.3f}",
            highlight=False,
        )
        table = Table("first \\ second", *LABELS)
        for label in LABELS:
            table.add_row(label, *(str(result.confusion[label][other]) for other in LABELS))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(labels_app, name="labels")
