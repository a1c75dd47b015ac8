"""Reading and writing the spreadsheets operators exchange (CSV and XLSX), safely.

Reading: CSV in UTF-8 (with or without BOM), UTF-16 (BOM) or cp1252, delimiter ``,`` ``;`` or
tab (chosen by which one splits the header into the most known column names); XLSX's first
worksheet, header in row 1. Cells are read as values only: an XLSX formula is never evaluated
(openpyxl without ``data_only`` hands back its text, which starts with ``=``), and every cell
that looks like a formula is reported so the caller can refuse it.

Writing: :func:`escape_cell` prefixes ``'`` to any text a spreadsheet would run as a formula
(OWASP "CSV injection"), and :func:`unescape_cell` undoes it on the way back in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from pantau.errors import InputRejected, RowError

Cell = str | int | float | bool | date | datetime | None

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Table:
    """A file's header (as written) and its data rows with their row numbers (header = 1)."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]]


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet would evaluate: ``=...``, or ``+ - @`` then a call/DDE.

    A bare ``@handle`` is a handle, not a formula, so ``+ - @`` count only when followed by
    something a handle never has (brackets, ``!``, ``|``, ``=``).
    """
    text = value.lstrip(" ")
    if not text:
        return False
    if text[0] == "=" or text[0] in "\t\r":
        return True
    return text[0] in "+-@" and any(ch in text for ch in "()!|=")


def escape_cell(value: str) -> str:
    """Text safe to put in a CSV/XLSX cell: formula-starting text gets a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell` (a leading ``'`` before a formula character means 'text')."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputRejected(
            f"{name}: text is neither UTF-8 nor cp1252 (byte {exc.start}); save it as UTF-8 CSV"
        ) from exc


def _pick_delimiter(first_line: str, known: Callable[[str], bool]) -> str:
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t"):
        fields = next(csv.reader([first_line], delimiter=delim), [])
        score = (sum(1 for f in fields if known(f)), len(fields))
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(path: Path, known: Callable[[str], bool]) -> Table:
    data = path.read_bytes()
    text = _decode(data, path.name)
    if not text.strip():
        raise InputRejected(f"{path.name}: the file is empty")
    first_line = text.splitlines()[0]
    delimiter = _pick_delimiter(first_line, known)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if header is None:
                header = record
            else:
                rows.append((number, list(record)))
    except csv.Error as exc:
        raise InputRejected(f"{path.name}: not readable as CSV: {exc}") from exc
    return Table(path.name, header or [], rows)


def read_xlsx(path: Path) -> Table:
    try:
        # data_only=False: formulas come back as their text and are never evaluated.
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zip, XML and openpyxl errors alike mean "not a workbook"
        raise InputRejected(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        header: list[str] = []
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = list(values)
            if number == 1:
                header = ["" if v is None else str(v) for v in cells]
            else:
                rows.append((number, cells))
    finally:
        book.close()
    return Table(path.name, header, rows)


def read_table(path: Path, known: Callable[[str], bool]) -> Table:
    """Read a CSV or XLSX file; :class:`InputRejected` when it is empty or unreadable."""
    if not path.is_file():
        raise InputRejected(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputRejected(f"{path.name}: the file is empty")
    if path.suffix.lower() in (".xls", ".ods", ".numbers"):
        raise InputRejected(f"{path.name}: save it as .xlsx or .csv (UTF-8) first")
    is_xlsx = path.suffix.lower() in XLSX_SUFFIXES
    table = read_xlsx(path) if is_xlsx else read_csv(path, known)
    if not any(h.strip() for h in table.header):
        raise InputRejected(f"{path.name}: the first row holds no column names")
    return table


def is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def map_header(
    table: Table,
    aliases: Mapping[str, str],
    required: Iterable[str],
    ignored: frozenset[str] = frozenset(),
    display: Mapping[str, str] | None = None,
) -> tuple[dict[str, int], list[RowError]]:
    """Map each known column name to a field; errors for unknown, duplicate or missing ones.

    ``display`` names a missing field's column in the error (default: the field name).
    """
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(table.header):
        key = header_key(raw)
        if not key or key in ignored:
            continue
        field = aliases.get(key)
        if field is None:
            errors.append(RowError(table.file, 1, raw, raw, "unknown column"))
        elif field in columns:
            errors.append(RowError(table.file, 1, raw, raw, f"a second column for {field!r}"))
        else:
            columns[field] = index
    for field in required:
        if field not in columns:
            column = (display or {}).get(field, field)
            errors.append(RowError(table.file, 1, column, "", "required column is missing"))
    return columns, errors


def header_key(raw: str) -> str:
    """``' Unit  Kerja* '`` -> ``'unit kerja'``: how header names are compared."""
    text = raw.replace("\ufeff", "").replace("_", " ").strip().strip("*:").strip().lower()
    return " ".join(text.split())


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    return out.getvalue()


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    # Every value is text: a cell that still starts with "=" is stored as a string, not a formula.
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.data_type = "s"
    book.save(path)
