"""Labelling rows of the public sets by reading: reading sheets out, checked labels back in.

The public texts are never committed; our labels are (``data/labels/<dataset>.csv``, keyed by
row id and the SHA-256 of the normalised text). This module is the round trip a reader uses:

- :func:`write_sheet` writes rows that have no label yet (optionally only political ones, in
  a fixed hash order) to a TSV *reading sheet* ``row_id<TAB>text`` outside the repository;
- the reader fills a *label sheet* ``row_id<TAB>label<TAB>targets<TAB>note`` following
  ``LABELING.md`` (targets ``;``-separated watch-list or historical keys);
- :func:`merge_sheet` checks every row of the label sheet (row exists, label known, targets
  known, no row labelled twice) and appends them with their text hashes and the labeller, all
  or nothing: one bad row rejects the sheet and the label file is left unchanged.

A second, independent reading of rows that already have a label (for the agreement figure)
goes to ``data/labels/second/`` with the same columns; :func:`agreement` compares the two.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pantau.classify import datasets, metrics
from pantau.classify.corpus import LABEL_COLUMNS, LABELS, LABELS_DIR, PARTISAN, read_label_file
from pantau.classify.unrelated import is_political
from pantau.errors import InputRejected, RowError

SHEET_COLUMNS = ("row_id", "label", "targets", "note")
# Sides of past contests that the public rows name but no matcher covers (Pilgub Sumatera
# Utara 2018); parties are the watch lists' keys.
OTHER_TARGETS: tuple[str, ...] = ("djarot-sihar",)


@dataclass(frozen=True)
class SheetRow:
    line: int  # in the sheet file, the header being line 1
    row_id: str
    label: str
    targets: tuple[str, ...]
    note: str


def known_targets() -> frozenset[str]:
    """Every key a label may name: watch-list sides and parties plus historical contests."""
    from pantau.classify.historical import HISTORICAL_CONTESTS
    from pantau.registry.cues import default_matcher

    keys: set[str] = set(OTHER_TARGETS)
    for contest in HISTORICAL_CONTESTS.values():
        for sides in contest:
            keys.update(sides)
    keys.update(default_matcher().sides)
    return frozenset(keys)


def labelled_ids(dataset: str, labels_dir: Path = LABELS_DIR) -> set[str]:
    path = labels_dir / f"{dataset}.csv"
    return {row["row_id"] for row in read_label_file(path)} if path.is_file() else set()


def _order_key(seed: int, dataset: str, row_id: str) -> str:
    return hashlib.sha256(f"{seed}:{dataset}:{row_id}".encode()).hexdigest()


def sheet_rows(
    dataset: str,
    *,
    datasets_dir: Path,
    n: int | None = None,
    political_only: bool = False,
    seed: int = 13,
    exclude: Iterable[str] = (),
    only: Iterable[str] | None = None,
) -> list[datasets.Row]:
    """Rows of ``dataset`` to read, in a fixed hash order: not in ``exclude``, non-empty,
    political ones only if asked, restricted to ``only`` when given; at most ``n``."""
    skip = set(exclude)
    wanted = set(only) if only is not None else None
    rows = [
        r
        for r in datasets.load_rows(dataset, datasets_dir=datasets_dir)
        if r.text.strip()
        and r.row_id not in skip
        and (wanted is None or r.row_id in wanted)
        and (not political_only or is_political(r.text))
    ]
    rows.sort(key=lambda r: _order_key(seed, dataset, r.row_id))
    return rows[:n] if n is not None else rows


def write_sheet(rows: Sequence[datasets.Row], path: Path) -> None:
    """A reading sheet: ``row_id<TAB>text``, one row a line (tabs and newlines in the text
    are already collapsed by :func:`datasets.normalise_text`)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("row_id\ttext\n")
        for row in rows:
            fh.write(f"{row.row_id}\t{row.text}\n")


def _parse_sheet(path: Path, allowed: frozenset[str]) -> tuple[list[SheetRow], list[RowError]]:
    """Every row of a label sheet, and the problems of each (rows with problems included, so
    that a merge can also check their row ids and report everything at once)."""
    problems: list[RowError] = []
    rows: list[SheetRow] = []
    seen: set[str] = set()
    here = str(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header[:4]) != SHEET_COLUMNS:
            raise InputRejected(f"{path}: the first line must be {'<TAB>'.join(SHEET_COLUMNS)}")
        for line_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            cells = [*cells, "", "", ""][:4] if len(cells) < 4 else cells
            row_id, label, target_cell = (c.strip() for c in cells[:3])
            names = tuple(t.strip() for t in target_cell.split(";") if t.strip())
            if label not in LABELS:
                problems.append(RowError(here, line_no, "label", label, f"not one of {LABELS}"))
            unknown = [t for t in names if t not in allowed]
            if unknown:
                problems.append(
                    RowError(here, line_no, "targets", target_cell, f"unknown keys {unknown}")
                )
            if row_id in seen:
                problems.append(RowError(here, line_no, "row_id", row_id, "labelled twice"))
            seen.add(row_id)
            note = "\t".join(cells[3:]).strip()
            rows.append(SheetRow(line_no, row_id, label, names, note))
    return rows, problems


def read_sheet(path: Path, *, targets: frozenset[str] | None = None) -> list[SheetRow]:
    """A reader's label sheet, every row checked; all problems reported together."""
    rows, problems = _parse_sheet(path, targets if targets is not None else known_targets())
    if problems:
        raise InputRejected(f"label sheet {path} has bad rows", problems)
    return rows


def merge_sheet(
    dataset: str,
    sheet: Path,
    *,
    labeller: str,
    datasets_dir: Path,
    labels_dir: Path = LABELS_DIR,
    allow_relabel: bool = False,
) -> int:
    """Append the sheet's rows to ``labels_dir/<dataset>.csv`` (created if absent); returns
    how many. A row already labelled there is an error unless ``allow_relabel``, which
    replaces that row's label (adjudication); nothing is written if any row is bad, and every
    problem of the sheet (labels, targets, row ids) is reported at once."""
    if not labeller.strip():
        raise InputRejected("a labeller must be named (who or what read the rows)")
    rows, problems = _parse_sheet(sheet, known_targets())
    texts = {r.row_id: r.text for r in datasets.load_rows(dataset, datasets_dir=datasets_dir)}
    path = labels_dir / f"{dataset}.csv"
    existing = read_label_file(path) if path.is_file() else []
    by_id = {r["row_id"]: i for i, r in enumerate(existing)}
    new: list[dict[str, str]] = []
    for row in rows:
        text = texts.get(row.row_id)
        if text is None:
            problems.append(
                RowError(str(sheet), row.line, "row_id", row.row_id, f"no such row in {dataset}")
            )
            continue
        if row.row_id in by_id and not allow_relabel:
            problems.append(
                RowError(str(sheet), row.line, "row_id", row.row_id, f"already labelled in {path}")
            )
            continue
        record = {
            "dataset": dataset,
            "row_id": row.row_id,
            "text_sha256": datasets.text_sha256(text),
            "label": row.label,
            "targets": ";".join(row.targets),
            "labeller": labeller,
            "note": row.note,
        }
        if row.row_id in by_id:
            existing[by_id[row.row_id]] = record
        else:
            new.append(record)
    if problems:
        problems.sort(key=lambda p: p.row)
        raise InputRejected(f"label sheet {sheet} cannot be merged into {path}", problems)
    _write_label_file(path, [*existing, *new])
    return len(rows)


def _write_label_file(path: Path, records: Sequence[dict[str, str]]) -> None:
    """Write through a temporary file and rename, so a failure leaves the old file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=LABEL_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Agreement:
    """Two readings of the same rows: raw agreement and Cohen's kappa, 4-class and flag."""

    n: int
    agreement: float
    kappa: float
    partisan_agreement: float
    partisan_kappa: float
    confusion: dict[str, dict[str, int]]
    # The second reading scored as if it were a model against the first: a ceiling for models.
    macro_f1: float
    partisan_f1: float


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two label sequences (1 = perfect, 0 = chance); 1.0 if both constant
    and equal, 0.0 where chance agreement is already 1 but the readers differ."""
    if len(a) != len(b):
        raise ValueError(f"{len(a)} labels against {len(b)}")
    if not a:
        return 0.0
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def agreement(first: dict[str, str], second: dict[str, str]) -> Agreement:
    """Compare two readings keyed by row id, over the rows both labelled."""
    ids = sorted(set(first) & set(second))
    a = [first[i] for i in ids]
    b = [second[i] for i in ids]
    flag_a = [x in PARTISAN for x in a]
    flag_b = [x in PARTISAN for x in b]
    confusion = {x: {y: 0 for y in LABELS} for x in LABELS}
    for x, y in zip(a, b, strict=True):
        confusion[x][y] += 1
    n = len(ids)
    return Agreement(
        n=n,
        agreement=sum(x == y for x, y in zip(a, b, strict=True)) / n if n else 0.0,
        kappa=cohen_kappa(a, b),
        partisan_agreement=sum(x == y for x, y in zip(flag_a, flag_b, strict=True)) / n
        if n
        else 0.0,
        partisan_kappa=cohen_kappa([str(x) for x in flag_a], [str(x) for x in flag_b]),
        confusion=confusion,
        macro_f1=metrics.macro_f1(a, b, LABELS) if n else 0.0,
        partisan_f1=metrics.partisan_f1(a, b).f1 if n else 0.0,
    )


def second_dir(labels_dir: Path = LABELS_DIR) -> Path:
    """Where the blind second readings of ``labels_dir``'s sets go."""
    return labels_dir / "second"


def reading_files(dataset: str, labels_dir: Path = LABELS_DIR) -> tuple[Path, Path] | None:
    """(first reading, second reading) of a dataset read twice, or None. Once a set's
    disagreements are adjudicated, its main file holds the adjudicated labels and ``first/``
    the first reading as it was."""
    second = second_dir(labels_dir) / f"{dataset}.csv"
    first = labels_dir / "first" / f"{dataset}.csv"
    if not first.is_file():
        first = labels_dir / f"{dataset}.csv"
    return (first, second) if first.is_file() and second.is_file() else None


def agreement_summary(labels_dir: Path = LABELS_DIR) -> dict[str, dict[str, float | int]]:
    """Agreement of every dataset read twice (for the model card)."""
    out: dict[str, dict[str, float | int]] = {}
    seconds = second_dir(labels_dir)
    names = sorted(p.stem for p in seconds.glob("*.csv")) if seconds.is_dir() else []
    for name in names:
        files = reading_files(name, labels_dir)
        if files is None:
            continue
        result = agreement(label_map(files[0]), label_map(files[1]))
        out[name] = {
            "n": result.n,
            "agreement": result.agreement,
            "kappa": result.kappa,
            "partisan_kappa": result.partisan_kappa,
            "reader_macro_f1": result.macro_f1,
            "reader_partisan_f1": result.partisan_f1,
        }
    return out


def label_map(path: Path) -> dict[str, str]:
    """row id -> label of one label file."""
    return {r["row_id"]: r["label"] for r in read_label_file(path)}
