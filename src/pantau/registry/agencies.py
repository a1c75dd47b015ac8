"""Agencies (instansi) file import: code, name, level, region, PPK title; all or nothing.

Columns (Indonesian / English): ``Kode``/``Code``, ``Nama``/``Name``, ``Tingkat``/``Level``
(pusat, provinsi, kabupaten, kota), ``Wilayah``/``Region`` (Kemendagri code, empty for pusat),
``Jabatan PPK``/``PPK Title``. Agencies are keyed by code; re-importing updates in place.
Agencies are never deleted here (civil servants refer to them).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.errors import InputRejected, RowError
from pantau.registry import tabular
from pantau.registry.models import AGENCY_LEVELS, Agency
from pantau.registry.roster import REGION_RE
from pantau.registry.roster_import import Change, ImportReport, audit_import

AGENCY_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Kode", "Code", "Kode Instansi", "Agency Code"),
    "name": ("Nama", "Name", "Nama Instansi", "Agency Name"),
    "level": ("Tingkat", "Level"),
    "region_code": ("Wilayah", "Region", "Kode Wilayah", "Region Code"),
    "ppk_title": ("Jabatan PPK", "PPK Title", "PPK"),
}
REQUIRED = ("code", "name", "level")
EXPORT_HEADER = [names[1] for names in AGENCY_COLUMNS.values()]
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_ALIASES = {tabular.header_key(n): f for f, names in AGENCY_COLUMNS.items() for n in names}
_LIMITS = {"name": 200, "ppk_title": 200}


def _cell(cells: list[tabular.Cell], index: int | None) -> str:
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _check(
    file: str, number: int, values: dict[str, str], header: dict[str, str]
) -> list[RowError]:
    errors: list[RowError] = []

    def bad(field: str, reason: str) -> None:
        errors.append(RowError(file, number, header[field], values[field], reason))

    for name, value in values.items():
        if tabular.looks_like_formula(value):
            bad(name, "looks like a formula; formulas are never evaluated")
    if errors:
        return errors
    if not CODE_RE.fullmatch(values["code"]):
        bad("code", "an agency code is 1-32 of letters, digits, '.', '_', '-'")
    if not values["name"]:
        bad("name", "required")
    if values["level"] not in AGENCY_LEVELS:
        bad("level", f"must be one of {', '.join(AGENCY_LEVELS)}")
    if values["region_code"] and not REGION_RE.fullmatch(values["region_code"]):
        bad("region_code", "not a Kemendagri region code (32, 32.73, 32.73.01)")
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            bad(name, f"longer than {limit} characters")
    return errors


def read_agencies(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Parse and check an agencies file; :class:`InputRejected` naming every bad row."""
    table = tabular.read_table(path, lambda h: tabular.header_key(h) in _ALIASES)
    display = {field: names[0] for field, names in AGENCY_COLUMNS.items()}
    ignored = frozenset({"no", "no."})
    columns, errors = tabular.map_header(table, _ALIASES, REQUIRED, ignored, display)
    if errors:
        raise InputRejected(f"{table.file}: the header is not an agencies header", errors)
    header = {
        f: table.header[columns[f]].strip() if f in columns else AGENCY_COLUMNS[f][0]
        for f in AGENCY_COLUMNS
    }
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        if tabular.is_blank(cells):
            continue
        values = {f: _cell(cells, columns.get(f)) for f in AGENCY_COLUMNS}
        values["level"] = values["level"].lower()
        row_errors = _check(table.file, number, values, header)
        if values["code"] in seen:
            reason = f"duplicate agency code (also row {seen[values['code']]})"
            row_errors.append(RowError(table.file, number, header["code"], values["code"], reason))
        seen.setdefault(values["code"], number)
        errors.extend(row_errors)
        rows.append((number, values))
    if not errors and not rows:
        raise InputRejected(f"{table.file}: the file has a header but no data rows")
    if errors:
        raise InputRejected(f"{table.file}: {len(errors)} problem(s); nothing imported", errors)
    return rows


def import_agencies(
    *, session: Session, path: Path, dry_run: bool = False, actor: str = "system:registry"
) -> ImportReport:
    """Add or update the agencies in ``path`` (nothing written when ``dry_run``).

    A real import is recorded in the audit trail as ``registry.import_agencies`` by ``actor``.
    """
    rows = read_agencies(path)
    existing = {a.code: a for a in session.scalars(select(Agency))}
    report = ImportReport(file=path.name, dry_run=dry_run)
    for _number, values in rows:
        agency = existing.get(values["code"])
        if agency is None:
            if not dry_run:
                session.add(Agency(**values))
            report.records.append(Change(values["code"], "added"))
            continue
        diff: dict[str, tuple[str, str]] = {}
        for name, new in values.items():
            old = getattr(agency, name)
            if old != new:
                diff[name] = (old, new)
                if not dry_run:
                    setattr(agency, name, new)
        report.records.append(Change(values["code"], "updated" if diff else "unchanged", diff))
    if not dry_run:
        session.flush()
        audit_import(
            session=session,
            actor=actor,
            action="registry.import_agencies",
            path=path,
            report=report,
        )
    return report
