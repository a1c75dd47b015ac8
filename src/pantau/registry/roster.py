"""Reading a roster file (one row = one account of one civil servant) into checked rows.

:func:`read_roster` either returns every row parsed and checked against the rest of the file,
or raises :class:`pantau.errors.RosterRejected` listing every bad row (row, column, value,
reason). Checks that need the database (agencies, accounts of other people) live in
:mod:`pantau.registry.roster_import`. The format is documented in ``docs/registry.md``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import cast

from pantau.errors import InputRejected, RegistryError, RosterRejected, RowError
from pantau.registry import tabular
from pantau.registry.handles import AccountRef, normalize_account, normalize_platform
from pantau.registry.models import OWNERSHIP_BASES
from pantau.registry.nip import Status, check_nip, clean_nip
from pantau.registry.tabular import Cell

# field -> (Indonesian header, English header, other accepted spellings...)
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("NIP", "NIP", "NI PPPK", "NIP/NI PPPK", "Nomor Induk Pegawai"),
    "name": ("Nama", "Name", "Nama Lengkap", "Full Name"),
    "status": ("Status", "Status", "Status ASN", "Status Kepegawaian"),
    "position": ("Jabatan", "Position"),
    "unit": ("Unit Kerja", "Unit"),
    "agency": ("Instansi", "Agency", "Kode Instansi", "Agency Code"),
    "region": ("Wilayah", "Region", "Kode Wilayah", "Region Code"),
    "platform": ("Platform", "Platform"),
    "account": ("Akun", "Handle", "URL", "Akun/URL", "Account", "Profile URL", "URL Profil"),
    "native_id": ("ID Akun", "Native ID", "ID Platform", "Platform ID"),
    "ownership": ("Dasar Kepemilikan", "Ownership", "Ownership Basis"),
    "consent_date": (
        "Tanggal Persetujuan",
        "Consent Date",
        "Tanggal Pemberitahuan",
        "Notice Date",
    ),
    "registered_by": ("Didaftarkan Oleh", "Registered By"),
    "active": ("Aktif", "Active"),
}
REQUIRED = ("nip", "name", "status", "agency", "account", "ownership")
IGNORED_COLUMNS = frozenset({"no", "no.", "nomor", "keterangan", "catatan", "notes", "note"})
EXPORT_HEADER = [names[1] for names in ROSTER_COLUMNS.values()]
PERSON_FIELDS = ("name", "status", "position", "unit", "agency", "region")


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


# Indonesian spellings of the ownership bases (compared lower-case, "_" as a space).
OWNERSHIP_ALIASES = {
    **{_words(basis): basis for basis in OWNERSHIP_BASES},
    "mandiri": "self_registered",
    "daftar mandiri": "self_registered",
    "data kepegawaian": "hr_record",
    "catatan kepegawaian": "hr_record",
    "verifikasi petugas": "officer_verified",
    "diverifikasi petugas": "officer_verified",
}
TRUE_WORDS = frozenset({"ya", "y", "yes", "true", "1", "aktif", "active"})
FALSE_WORDS = frozenset({"tidak", "t", "no", "n", "false", "0", "nonaktif", "inactive"})
REGION_RE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
MAX_LEN = {"name": 200, "position": 200, "unit": 200, "registered_by": 100, "native_id": 64}

_ALIASES = {tabular.header_key(n): f for f, names in ROSTER_COLUMNS.items() for n in names}


@dataclass(frozen=True)
class PersonFields:
    nip: str
    name: str
    status: str
    position: str
    unit: str
    agency: str  # agency code
    region: str


@dataclass(frozen=True)
class AccountFields:
    platform: str
    handle: str
    native_id: str | None
    profile_url: str
    ownership_basis: str
    consent_date: date | None
    registered_by: str
    active: bool


@dataclass(frozen=True)
class RosterRow:
    row: int
    person: PersonFields
    account: AccountFields


class _Row:
    """One raw row being checked: reads cells by field and collects its errors."""

    def __init__(
        self, table: tabular.Table, number: int, cells: list[Cell], columns: dict[str, int]
    ) -> None:
        self.file, self.number, self.cells, self.columns = table.file, number, cells, columns
        self.names = {field: table.header[index].strip() for field, index in columns.items()}
        self.errors: list[RowError] = []

    def raw(self, field: str) -> Cell:
        index = self.columns.get(field)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def error(self, field: str, value: object, reason: str) -> None:
        """Record a problem; one per cell (a formula cell is not also reported as empty)."""
        column = self.column(field)
        if any(e.column == column for e in self.errors):
            return
        shown = "" if value is None else str(value)
        self.errors.append(RowError(self.file, self.number, column, shown, reason))

    def column(self, field: str) -> str:
        """The column as the file names it (or the Indonesian name when the file lacks it)."""
        return self.names.get(field) or ROSTER_COLUMNS[field][0]

    def text(self, field: str) -> str:
        value = self.raw(field)
        if value is None:
            return ""
        if isinstance(value, str):
            if tabular.looks_like_formula(value):
                self.error(field, value, "looks like a formula; formulas are never evaluated")
                return ""
            return " ".join(tabular.unescape_cell(value).split())
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)

    def limited(self, field: str) -> str:
        value = self.text(field)
        if len(value) > MAX_LEN[field]:
            self.error(field, value, f"longer than {MAX_LEN[field]} characters")
        return value


def _nip(row: _Row, status: Status | None, today: date) -> str:
    value = row.raw("nip")
    if isinstance(value, float):
        row.error("nip", value, "stored as a number, digits are lost: format the column as text")
        return ""
    text = row.text("nip").removeprefix("'")
    if not text:
        row.error("nip", text, "required")
        return ""
    result = check_nip(text, status=status, today=today)
    if not result.ok:
        row.error("nip", text, f"invalid NIP: {result.message()}")
    return clean_nip(text)


def _status(row: _Row) -> Status | None:
    text = row.text("status").upper()
    if text == "P3K":
        text = "PPPK"
    if text not in ("PNS", "PPPK"):
        row.error("status", text, "must be PNS or PPPK")
        return None
    return cast(Status, text)


def _date_text(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(row: _Row, field: str, today: date) -> date | None:
    value = row.raw(field)
    if isinstance(value, datetime):
        parsed: date | None = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = row.text(field)
        if not text:
            return None
        parsed = _date_text(text)
        if parsed is None:
            row.error(field, text, "not a date (use YYYY-MM-DD or DD/MM/YYYY)")
            return None
    if parsed is not None and parsed > today:
        row.error(field, parsed.isoformat(), "is in the future")
        return None
    return parsed


def _active(row: _Row) -> bool:
    value = row.raw("active")
    if isinstance(value, bool):
        return value
    text = row.text("active").lower()
    if not text or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    row.error("active", text, "must be ya/tidak (yes/no)")
    return True


def _ref(row: _Row) -> AccountRef | None:
    platform_text = row.text("platform")
    platform: str | None = None
    if platform_text:
        try:
            platform = normalize_platform(platform_text)
        except RegistryError as exc:
            row.error("platform", platform_text, str(exc))
            return None
    value = row.text("account")
    if not value:
        row.error("account", value, "required")
        return None
    try:
        return normalize_account(value, platform)
    except RegistryError as exc:
        row.error("account", value, str(exc))
        return None


def _account(row: _Row, today: date) -> AccountFields | None:
    """The account columns; every cell is checked even when the account itself is bad."""
    ref = _ref(row)
    native_id = row.limited("native_id") or (ref.native_id if ref else "")
    if ref and ref.native_id and native_id != ref.native_id:
        row.error("native_id", native_id, f"differs from the id in the URL ({ref.native_id})")
    basis_text = row.text("ownership")
    basis = OWNERSHIP_ALIASES.get(_words(basis_text))
    if not basis_text:
        row.error("ownership", "", "missing: only accounts with documented ownership are watched")
    elif basis is None:
        row.error("ownership", basis_text, f"must be one of {', '.join(OWNERSHIP_BASES)}")
    consent = _date(row, "consent_date", today)
    if basis == "self_registered" and consent is None and not row.text("consent_date"):
        row.error("consent_date", "", "required for self_registered accounts (the consent)")
    registered_by, active = row.limited("registered_by"), _active(row)
    if ref is None:
        return None
    return AccountFields(
        platform=ref.platform,
        handle=ref.handle,
        native_id=native_id or None,
        profile_url=ref.profile_url,
        ownership_basis=basis or "",
        consent_date=consent,
        registered_by=registered_by,
        active=active,
    )


def _parse_row(row: _Row, today: date) -> RosterRow | None:
    status = _status(row)
    nip = _nip(row, status, today)
    name = row.limited("name")
    if not name:
        row.error("name", name, "required")
    agency = row.text("agency")
    if not agency:
        row.error("agency", agency, "required")
    region = row.text("region")
    if region and not REGION_RE.fullmatch(region):
        row.error("region", region, "not a Kemendagri region code (32, 32.73, 32.73.01)")
    person = PersonFields(
        nip, name, status or "", row.limited("position"), row.limited("unit"), agency, region
    )
    account = _account(row, today)
    if row.errors or account is None:
        return None
    return RosterRow(row.number, person, account)


def _conflicts(file: str, rows: list[RosterRow]) -> list[RowError]:
    """Same NIP with different person fields; the same account twice."""
    errors: list[RowError] = []
    by_nip: dict[str, list[RosterRow]] = defaultdict(list)
    for r in rows:
        by_nip[r.person.nip].append(r)
    for group in by_nip.values():
        for name in PERSON_FIELDS:
            values = {getattr(r.person, name) for r in group}
            if len(values) > 1:
                column = ROSTER_COLUMNS[name][0]
                others = ", ".join(repr(v) for v in sorted(values))
                for r in group:
                    reason = f"same NIP on other rows with different values ({others})"
                    errors.append(RowError(file, r.row, column, getattr(r.person, name), reason))
    keys: dict[tuple[str, str], list[RosterRow]] = defaultdict(list)
    for r in rows:
        keys[("handle", f"{r.account.platform}:{r.account.handle.lower()}")].append(r)
        if r.account.native_id:
            keys[("native_id", f"{r.account.platform}:{r.account.native_id}")].append(r)
    for (kind, key), group in keys.items():
        if len(group) > 1:
            where = ", ".join(str(r.row) for r in group)
            column = ROSTER_COLUMNS["account" if kind == "handle" else "native_id"][0]
            for r in group:
                reason = f"duplicate account (rows {where})"
                errors.append(RowError(file, r.row, column, key, reason))
    return errors


def read_roster(path: Path, *, today: date | None = None) -> list[RosterRow]:
    """Parse and check a roster file; :class:`RosterRejected` naming every bad row."""
    today = today or date.today()
    try:
        table = tabular.read_table(path, lambda h: tabular.header_key(h) in _ALIASES)
    except InputRejected as exc:
        raise RosterRejected(exc.message, exc.errors) from exc
    display = {field: names[0] for field, names in ROSTER_COLUMNS.items()}
    columns, errors = tabular.map_header(table, _ALIASES, REQUIRED, IGNORED_COLUMNS, display)
    if errors:
        raise RosterRejected(f"{table.file}: the header is not a roster header", errors)
    rows: list[RosterRow] = []
    for number, cells in table.rows:
        if tabular.is_blank(cells):
            continue
        raw = _Row(table, number, cells, columns)
        parsed = _parse_row(raw, today)
        errors.extend(raw.errors)
        if parsed is not None:
            rows.append(parsed)
    if not errors and not rows:
        raise RosterRejected(f"{table.file}: the file has a header but no data rows")
    errors.extend(_conflicts(table.file, rows))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise RosterRejected(f"{table.file}: {len(errors)} problem(s); nothing imported", errors)
    return rows


def export_row(person: PersonFields, account: AccountFields) -> list[str]:
    """One roster row (in :data:`EXPORT_HEADER` order) that :func:`read_roster` reads back."""
    values = {**{f.name: getattr(person, f.name) for f in fields(person)}}
    values.update(
        platform=account.platform,
        account=account.handle,
        native_id=account.native_id or "",
        ownership=account.ownership_basis,
        consent_date=account.consent_date.isoformat() if account.consent_date else "",
        registered_by=account.registered_by,
        active="yes" if account.active else "no",
    )
    return [str(values[field]) for field in ROSTER_COLUMNS]
