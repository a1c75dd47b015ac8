"""Registry queries: civil servants with their accounts, summaries, and exports that import back.

``export_json`` and ``export_csv`` write exactly the fields a roster carries, so
``import -> list --format csv -> import`` reports everything unchanged, and
``import -> list --format json`` gives back the roster's data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pantau.errors import RegistryError
from pantau.registry import tabular
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from pantau.registry.nip import clean_nip
from pantau.registry.roster import EXPORT_HEADER, AccountFields, PersonFields, export_row


@dataclass(frozen=True)
class AccountRecord:
    platform: str
    handle: str
    native_id: str | None
    profile_url: str
    ownership_basis: str
    consent_date: str | None  # ISO date
    registered_by: str
    active: bool


@dataclass(frozen=True)
class CivilServantRecord:
    nip: str
    name: str
    status: str
    position: str
    unit: str
    agency: str  # code
    agency_name: str
    region: str
    accounts: list[AccountRecord]

    def as_dict(self) -> dict[str, Any]:
        return {
            "nip": self.nip,
            "name": self.name,
            "status": self.status,
            "position": self.position,
            "unit": self.unit,
            "agency": self.agency,
            "region": self.region,
            "accounts": [a.__dict__.copy() for a in self.accounts],
        }


@dataclass
class RegistrySummary:
    """Counts for the registry summary (``pantau registry summary`` and ``pantau demo``)."""

    agencies: int = 0
    civil_servants: int = 0
    accounts: int = 0
    active_accounts: int = 0
    sides: int = 0  # candidate pairs and parties from the watch lists
    watched_accounts: int = 0
    per_agency: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (ASN, accts)
    per_status: dict[str, int] = field(default_factory=dict)
    per_platform: dict[str, int] = field(default_factory=dict)
    per_ownership: dict[str, int] = field(default_factory=dict)


def _record(person: CivilServant, platform: str | None) -> CivilServantRecord:
    accounts = sorted(person.accounts, key=lambda a: (a.platform, a.handle.lower()))
    return CivilServantRecord(
        nip=person.nip,
        name=person.name,
        status=person.status,
        position=person.position,
        unit=person.unit,
        agency=person.agency.code,
        agency_name=person.agency.name,
        region=person.region_code,
        accounts=[
            AccountRecord(
                platform=a.platform,
                handle=a.handle,
                native_id=a.native_id,
                profile_url=a.profile_url,
                ownership_basis=a.ownership_basis,
                consent_date=a.consent_date.isoformat() if a.consent_date else None,
                registered_by=a.registered_by,
                active=a.active,
            )
            for a in accounts
            if platform is None or a.platform == platform
        ],
    )


def list_civil_servants(
    *, session: Session, agency: str | None = None, platform: str | None = None
) -> list[CivilServantRecord]:
    """Civil servants (by NIP) with their accounts; filtered by agency code and/or platform.

    With ``platform``, only people with an account there are listed, with only those accounts.
    """
    query = (
        select(CivilServant)
        .options(selectinload(CivilServant.accounts), selectinload(CivilServant.agency))
        .order_by(CivilServant.nip)
    )
    if agency is not None:
        if session.scalar(select(Agency.id).where(Agency.code == agency)) is None:
            raise RegistryError(f"unknown agency code {agency!r}")
        query = query.join(CivilServant.agency).where(Agency.code == agency)
    records = [_record(p, platform) for p in session.scalars(query)]
    if platform is not None:
        records = [r for r in records if r.accounts]
    return records


def get_civil_servant(*, session: Session, nip: str) -> CivilServantRecord:
    """One civil servant by NIP (spaces allowed); :class:`RegistryError` when not registered."""
    query = (
        select(CivilServant)
        .options(selectinload(CivilServant.accounts), selectinload(CivilServant.agency))
        .where(CivilServant.nip == clean_nip(nip))
    )
    person = session.scalar(query)
    if person is None:
        raise RegistryError(f"no civil servant with NIP {nip!r} is registered")
    return _record(person, None)


def registry_summary(*, session: Session) -> RegistrySummary:
    """Counts per agency, status, platform, ownership basis, and active accounts."""
    summary = RegistrySummary()
    agencies = list(session.scalars(select(Agency).order_by(Agency.code)))
    people = list(session.scalars(select(CivilServant)))
    accounts = list(session.scalars(select(Account)))
    summary.agencies, summary.civil_servants = len(agencies), len(people)
    summary.accounts = len(accounts)
    summary.active_accounts = sum(1 for a in accounts if a.active)
    summary.sides = session.scalar(select(func.count()).select_from(Side)) or 0
    summary.watched_accounts = session.scalar(select(func.count()).select_from(WatchedAccount)) or 0
    agency_of = {p.id: p.agency_id for p in people}
    people_per = Counter(p.agency_id for p in people)
    accounts_per = Counter(agency_of[a.civil_servant_id] for a in accounts)
    summary.per_agency = {a.code: (people_per[a.id], accounts_per[a.id]) for a in agencies}
    summary.per_status = dict(sorted(Counter(p.status for p in people).items()))
    summary.per_platform = dict(sorted(Counter(a.platform for a in accounts).items()))
    summary.per_ownership = dict(sorted(Counter(a.ownership_basis for a in accounts).items()))
    return summary


def export_json(records: list[CivilServantRecord]) -> str:
    return json.dumps([r.as_dict() for r in records], indent=2, ensure_ascii=False)


def _roster_rows(records: list[CivilServantRecord]) -> list[list[str]]:
    rows: list[list[str]] = []
    for r in records:
        person = PersonFields(r.nip, r.name, r.status, r.position, r.unit, r.agency, r.region)
        for a in r.accounts:
            consent = date.fromisoformat(a.consent_date) if a.consent_date else None
            account = AccountFields(
                a.platform,
                a.handle,
                a.native_id,
                a.profile_url,
                a.ownership_basis,
                consent,
                a.registered_by,
                a.active,
            )
            rows.append(export_row(person, account))
    return rows


def export_csv(records: list[CivilServantRecord]) -> str:
    """A roster CSV (English headers, formula-escaped cells) that imports back unchanged."""
    return tabular.write_csv(EXPORT_HEADER, _roster_rows(records))


def export_xlsx(records: list[CivilServantRecord], path: Path) -> None:
    """The same roster as :func:`export_csv`, as an XLSX workbook (every cell text)."""
    tabular.write_xlsx(path, EXPORT_HEADER, _roster_rows(records))
