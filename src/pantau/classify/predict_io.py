"""``pantau model predict`` files: TSV or JSONL in (a ``text`` column), JSONL out.

Output, one JSON object per input row, in input order (a stable interface others evaluate
with): ``row`` (1-based data row), ``id`` (when the input has one), ``text``, ``label``,
``score`` (probability of ``label``), ``probs`` (every label) and ``targets`` (sides the cue
matcher finds).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pantau.classify.predict import Suggestion
from pantau.errors import InputRejected, RowError

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class InputRow:
    row: int  # line number in the file (TSV: the header is row 1)
    id: str | None
    text: str


def detect_format(path: Path) -> str:
    """``tsv`` or ``jsonl``, from the suffix or, failing that, the first character."""
    suffix = path.suffix.lower()
    if suffix in {".tsv", ".tab"}:
        return "tsv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    with path.open(encoding="utf-8", errors="replace") as fh:
        head = fh.read(512).lstrip()
    return "jsonl" if head.startswith("{") else "tsv"


def read_inputs(path: Path) -> list[InputRow]:
    """Every row's text (and id); every bad row reported at once, naming file, row, reason."""
    if not path.is_file():
        raise InputRejected(f"{path}: input file not found")
    try:
        if detect_format(path) == "jsonl":
            return _read_jsonl(path)
        return _read_tsv(path)
    except UnicodeDecodeError as exc:
        raise InputRejected(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _read_jsonl(path: Path) -> list[InputRow]:
    rows: list[InputRow] = []
    problems: list[RowError] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(RowError(str(path), number, "(json)", line.strip(), exc.msg))
                continue
            if not isinstance(record, dict):
                problems.append(
                    RowError(str(path), number, "(json)", line.strip(), "not an object")
                )
                continue
            text = record.get("text")
            if not isinstance(text, str):
                reason = (
                    "missing" if text is None else f"must be a string, not {type(text).__name__}"
                )
                problems.append(RowError(str(path), number, "text", str(text), reason))
                continue
            ident = record.get("id")
            rows.append(InputRow(number, None if ident is None else str(ident), text))
    if problems:
        raise InputRejected(f"{path}: {len(problems)} bad row(s); nothing was classified", problems)
    return rows


def _read_tsv(path: Path) -> list[InputRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            raise InputRejected(f"{path}: empty file (expected a header with a 'text' column)")
        columns = [c.strip() for c in header]
        if "text" not in columns:
            raise InputRejected(f"{path}: row 1: no 'text' column in the header {columns}")
        text_at = columns.index("text")
        id_at = columns.index("id") if "id" in columns else None
        rows: list[InputRow] = []
        problems: list[RowError] = []
        for number, fields in enumerate(reader, start=2):
            if not fields:
                continue
            if len(fields) != len(columns):
                shown = "\t".join(fields)
                reason = f"{len(fields)} fields, the header has {len(columns)}"
                problems.append(RowError(str(path), number, "text", shown, reason))
                continue
            ident = fields[id_at] if id_at is not None else None
            rows.append(InputRow(number, ident, fields[text_at]))
    if problems:
        raise InputRejected(f"{path}: {len(problems)} bad row(s); nothing was classified", problems)
    return rows


def write_outputs(path: Path, rows: Sequence[InputRow], suggestions: Sequence[Suggestion]) -> None:
    """Write the JSONL output atomically (a temp file renamed), so no half file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row, s in zip(rows, suggestions, strict=True):
                record: dict[str, object] = {"row": row.row}
                if row.id is not None:
                    record["id"] = row.id
                record |= {
                    "text": row.text,
                    "label": s.label,
                    "score": round(s.score, 6),
                    "probs": {k: round(v, 6) for k, v in s.probs.items()},
                    "targets": list(s.targets),
                }
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
