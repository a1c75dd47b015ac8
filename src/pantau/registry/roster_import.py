"""Applying a checked roster to the database: all or nothing, reporting every change.

People are keyed by NIP; accounts by ``(platform, native id)`` when the id is known, else by
``(platform, lower(handle))``. An account that already belongs to another civil servant, or an
unknown agency code, rejects the whole file. Accounts in the database that the file does not
list (for the agencies the file covers) are reported and deactivated only on request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from pantau.errors import RegistryError, RosterRejected, RowError
from pantau.registry.models import Account, Agency, CivilServant
from pantau.registry.roster import ROSTER_COLUMNS, AccountFields, RosterRow, read_roster
from pantau.review.audit import record

ChangeKind = Literal["added", "updated", "unchanged"]
ACCOUNT_FIELDS = (
    "handle",
    "native_id",
    "profile_url",
    "ownership_basis",
    "consent_date",
    "registered_by",
    "active",
)


@dataclass(frozen=True)
class Change:
    """One record added, updated (with ``field -> (old, new)``) or unchanged."""

    key: str
    kind: ChangeKind
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    file: str
    dry_run: bool
    records: list[Change] = field(default_factory=list)  # people or agencies
    accounts: list[Change] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # accounts absent from the file
    deactivated: list[str] = field(default_factory=list)

    def count(self, kind: ChangeKind, *, accounts: bool = False) -> int:
        return sum(1 for c in (self.accounts if accounts else self.records) if c.kind == kind)

    @property
    def changed(self) -> bool:
        return any(c.kind != "unchanged" for c in [*self.records, *self.accounts]) or bool(
            self.deactivated
        )


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _update(obj: object, values: dict[str, object], write: bool) -> dict[str, tuple[str, str]]:
    """Set changed attributes (when ``write``) and return their ``(old, new)``."""
    diff: dict[str, tuple[str, str]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            diff[name] = (_show(old), _show(new))
            if write:
                setattr(obj, name, new)
    return diff


def account_label(platform: str, handle: str) -> str:
    return f"{platform}:{handle}"


class _Db:
    """The registry rows an import compares against, loaded once."""

    def __init__(self, session: Session) -> None:
        self.agencies = {a.code: a for a in session.scalars(select(Agency))}
        people = session.scalars(select(CivilServant).options(selectinload(CivilServant.accounts)))
        self.people = {p.nip: p for p in people}
        accounts = list(session.scalars(select(Account)))
        self.by_handle = {(a.platform, a.handle.lower()): a for a in accounts}
        self.by_native = {(a.platform, a.native_id): a for a in accounts if a.native_id}
        self.owner = {p.id: p.nip for p in self.people.values()}

    def find(self, acc: AccountFields) -> Account | None:
        if acc.native_id and (acc.platform, acc.native_id) in self.by_native:
            return self.by_native[(acc.platform, acc.native_id)]
        return self.by_handle.get((acc.platform, acc.handle.lower()))


def _db_errors(file: str, rows: list[RosterRow], db: _Db) -> list[RowError]:
    errors: list[RowError] = []
    for r in rows:
        if r.person.agency not in db.agencies:
            errors.append(
                RowError(
                    file,
                    r.row,
                    ROSTER_COLUMNS["agency"][0],
                    r.person.agency,
                    "unknown agency code (import it with `pantau registry import-agencies`)",
                )
            )
        acc = r.account
        candidates = [db.find(acc), db.by_handle.get((acc.platform, acc.handle.lower()))]
        for existing in candidates:
            if existing is None:
                continue
            owner = db.owner.get(existing.civil_servant_id)
            if owner != r.person.nip:
                reason = f"already registered to another civil servant (NIP {owner})"
                errors.append(
                    RowError(file, r.row, ROSTER_COLUMNS["account"][0], acc.handle, reason)
                )
                break
            if acc.native_id and existing.native_id and existing.native_id != acc.native_id:
                reason = f"this handle is registered with native id {existing.native_id}"
                errors.append(
                    RowError(file, r.row, ROSTER_COLUMNS["native_id"][0], acc.native_id, reason)
                )
                break
    return errors


def _apply_person(
    session: Session, r: RosterRow, db: _Db, write: bool
) -> tuple[CivilServant, Change]:
    p, agency = r.person, db.agencies[r.person.agency]
    values: dict[str, object] = {
        "name": p.name,
        "status": p.status,
        "position": p.position,
        "unit": p.unit,
        "agency_id": agency.id,
        "region_code": p.region,
    }
    existing = db.people.get(p.nip)
    if existing is None:
        person = CivilServant(nip=p.nip, **values)
        if write:
            session.add(person)
        db.people[p.nip] = person
        return person, Change(p.nip, "added")
    old_agency = existing.agency.code if existing.agency else ""
    diff = _update(existing, values, write)
    if "agency_id" in diff:
        diff.pop("agency_id")
        diff["agency"] = (old_agency, p.agency)
    return existing, Change(p.nip, "updated" if diff else "unchanged", diff)


def _apply_account(
    session: Session, person: CivilServant, acc: AccountFields, db: _Db, write: bool
) -> tuple[Account | None, Change]:
    values: dict[str, object] = {name: getattr(acc, name) for name in ACCOUNT_FIELDS}
    existing = db.find(acc)
    label = account_label(acc.platform, acc.handle)
    if existing is None:
        if write:
            account = Account(platform=acc.platform, civil_servant=person, **values)
            session.add(account)
            return account, Change(label, "added")
        return None, Change(label, "added")
    if values["native_id"] is None:
        values["native_id"] = existing.native_id  # learned later by a collector: keep it
    diff = _update(existing, values, write)
    return existing, Change(label, "updated" if diff else "unchanged", diff)


def apply_roster(
    *,
    session: Session,
    rows: list[RosterRow],
    file: str,
    deactivate_missing: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Write checked rows (nothing when ``dry_run``); :class:`RosterRejected` on conflicts."""
    db = _Db(session)
    errors = _db_errors(file, rows, db)
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise RosterRejected(f"{file}: {len(errors)} problem(s); nothing imported", errors)
    write = not dry_run
    report = ImportReport(file=file, dry_run=dry_run)
    seen_people: set[str] = set()
    seen_accounts: set[int] = set()
    for r in rows:
        person, change = _apply_person(session, r, db, write)
        if r.person.nip not in seen_people:
            seen_people.add(r.person.nip)
            report.records.append(change)
        account, account_change = _apply_account(session, person, r.account, db, write)
        report.accounts.append(account_change)
        if account is not None and account.id is not None:
            seen_accounts.add(account.id)
    _missing(report, db, {r.person.agency for r in rows}, seen_accounts, deactivate_missing, write)
    if write:
        try:
            session.flush()
        except IntegrityError as exc:  # checked above; only a concurrent writer gets here
            raise RegistryError(
                f"{file}: the registry changed during the import: {exc.orig}"
            ) from exc
    return report


def _missing(
    report: ImportReport,
    db: _Db,
    agencies: set[str],
    seen: set[int],
    deactivate: bool,
    write: bool,
) -> None:
    agency_ids = {db.agencies[code].id for code in agencies}
    for person in db.people.values():
        if person.id is None or person.agency_id not in agency_ids:
            continue
        for account in person.accounts:
            if account.id is None or account.id in seen or not account.active:
                continue
            label = f"{account_label(account.platform, account.handle)} (NIP {person.nip})"
            report.missing.append(label)
            if deactivate:
                report.deactivated.append(label)
                if write:
                    account.active = False


def audit_import(
    *, session: Session, actor: str, action: str, path: Path, report: ImportReport
) -> None:
    """Record a (non dry-run) import in the audit trail, in the import's own transaction."""
    detail = {
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "added": report.count("added"),
        "updated": sorted(c.key for c in report.records if c.kind == "updated"),
        "accounts_added": report.count("added", accounts=True),
        "accounts_updated": sorted(c.key for c in report.accounts if c.kind == "updated"),
        "deactivated": report.deactivated,
    }
    record(
        session=session,
        actor=actor,
        action=action,
        subject_type="file",
        subject_id=path.name,
        detail=detail,
    )


def import_roster(
    *,
    session: Session,
    path: Path,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    actor: str = "system:registry",
) -> ImportReport:
    """Read, check and apply a roster file (CSV or XLSX) in the caller's transaction.

    A real (not dry-run) import is recorded in the audit trail as ``registry.import`` by
    ``actor``.
    """
    rows = read_roster(path, today=today)
    report = apply_roster(
        session=session,
        rows=rows,
        file=path.name,
        deactivate_missing=deactivate_missing,
        dry_run=dry_run,
    )
    if not dry_run:
        audit_import(
            session=session, actor=actor, action="registry.import", path=path, report=report
        )
    return report
