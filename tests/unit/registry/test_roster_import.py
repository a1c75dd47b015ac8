"""Roster import on SQLite and PostgreSQL: round trip, re-import reports, dry run, deactivation."""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import InputRejected, RosterRejected
from pantau.registry.agencies import import_agencies
from pantau.registry.handles import normalize_account
from pantau.registry.models import Account, Agency
from pantau.registry.roster_import import import_roster
from pantau.registry.service import export_csv, list_civil_servants
from pantau.review.audit import verify
from pantau.review.models import AuditEntry
from pantau.store.db import session_scope
from tests.unit.registry.roster_support import (
    DEMO,
    REGISTRY_TABLES,
    ROSTERS,
    db_engine,
    db_url,
    dump,
    load_demo,
)

__all__ = ["db_engine", "db_url"]  # fixtures used here

YES = {"ya": True, "tidak": False}


def _expected_from_csv(path: Path) -> list[dict[str, object]]:
    """The demo roster read with the csv module: what `list --format json` must give back."""
    people: dict[str, dict[str, object]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            person = people.setdefault(
                r["NIP"],
                {
                    "nip": r["NIP"],
                    "name": r["Nama"],
                    "status": r["Status"],
                    "position": r["Jabatan"],
                    "unit": r["Unit Kerja"],
                    "agency": r["Instansi"],
                    "region": r["Wilayah"],
                    "accounts": [],
                },
            )
            ref = normalize_account(r["Akun"], r["Platform"])
            accounts = person["accounts"]
            assert isinstance(accounts, list)
            accounts.append(
                {
                    "platform": ref.platform,
                    "handle": ref.handle,
                    "native_id": ref.native_id,
                    "profile_url": ref.profile_url,
                    "ownership_basis": r["Dasar Kepemilikan"],
                    "consent_date": r["Tanggal Persetujuan"] or None,
                    "registered_by": r["Didaftarkan Oleh"],
                    "active": YES[r["Aktif"]],
                }
            )
    for person in people.values():
        accounts = person["accounts"]
        assert isinstance(accounts, list)
        accounts.sort(key=lambda a: (a["platform"], str(a["handle"]).lower()))
    return [people[nip] for nip in sorted(people)]


def test_import_then_list_json_round_trips(db_url: str) -> None:
    runner = CliRunner()
    agencies = runner.invoke(app, ["registry", "import-agencies", str(DEMO / "agencies.csv")])
    assert agencies.exit_code == 0, agencies.output
    first = runner.invoke(app, ["registry", "import", str(DEMO / "roster.csv")])
    assert first.exit_code == 0, first.output
    assert "14 added" in first.output and "32 added" in first.output
    listed = runner.invoke(app, ["registry", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == _expected_from_csv(DEMO / "roster.csv")


def test_csv_export_imports_back_unchanged(db_url: str, db_engine: Engine, tmp_path: Path) -> None:
    load_demo(db_engine)
    runner = CliRunner()
    exported = runner.invoke(app, ["registry", "list", "--format", "csv"])
    assert exported.exit_code == 0
    path = tmp_path / "export.csv"
    path.write_text(exported.stdout, encoding="utf-8")
    before = dump(db_engine, REGISTRY_TABLES)
    with session_scope(db_engine) as session:
        report = import_roster(session=session, path=path)
    assert not report.changed
    assert report.count("unchanged") == 14
    assert report.count("unchanged", accounts=True) == 32
    assert dump(db_engine, REGISTRY_TABLES) == before


def _edit_demo(tmp_path: Path) -> Path:
    """The demo roster with Budi's position changed, one account changed, one dropped, one new."""
    with (DEMO / "roster.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    for r in body:
        if r[col["NIP"]] == "198503122010031001":
            r[col["Jabatan"]] = "Kepala Bidang Informasi Publik"
        if r[col["Akun"]] == "siti.rahmawati.asn":
            r[col["Dasar Kepemilikan"]] = "officer_verified"
    body = [r for r in body if r[col["Akun"]] != "ratnasari.bkd"]
    new = list(body[0])
    new[col["Platform"]], new[col["Akun"]] = "instagram", "budi.santoso.kedua"
    body.append(new)
    path = tmp_path / "roster-v2.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    return path


def test_reimport_reports_changes_and_missing_accounts(db_engine: Engine, tmp_path: Path) -> None:
    load_demo(db_engine)
    path = _edit_demo(tmp_path)
    with session_scope(db_engine) as session:
        report = import_roster(session=session, path=path)
    updated = {c.key: c.diff for c in report.records if c.kind == "updated"}
    assert updated == {
        "198503122010031001": {
            "position": ("Kepala Seksi Layanan Informasi", "Kepala Bidang Informasi Publik")
        }
    }
    accounts = {c.key: (c.kind, c.diff) for c in report.accounts if c.kind != "unchanged"}
    assert accounts == {
        "instagram:siti.rahmawati.asn": (
            "updated",
            {"ownership_basis": ("self_registered", "officer_verified")},
        ),
        "instagram:budi.santoso.kedua": ("added", {}),
    }
    assert report.missing == ["instagram:ratnasari.bkd (NIP 198206222008122002)"]
    assert report.deactivated == []
    with session_scope(db_engine) as session:
        dropped = session.scalar(select(Account).where(Account.handle == "ratnasari.bkd"))
        assert dropped is not None and dropped.active
        again = import_roster(session=session, path=path, deactivate_missing=True)
    assert again.deactivated == report.missing
    assert again.count("updated") == 0 and again.count("added", accounts=True) == 0
    with session_scope(db_engine) as session:
        dropped = session.scalar(select(Account).where(Account.handle == "ratnasari.bkd"))
        assert dropped is not None and not dropped.active


def test_dry_run_reports_but_writes_nothing(db_engine: Engine, tmp_path: Path) -> None:
    load_demo(db_engine, roster=False)
    before = dump(db_engine)
    with session_scope(db_engine) as session:
        report = import_roster(session=session, path=DEMO / "roster.csv", dry_run=True)
    assert report.dry_run
    assert (report.count("added"), report.count("added", accounts=True)) == (14, 32)
    assert dump(db_engine) == before


def test_cli_dry_run_and_deactivate_flags(db_url: str, db_engine: Engine, tmp_path: Path) -> None:
    load_demo(db_engine)
    path = _edit_demo(tmp_path)
    runner = CliRunner()
    dry = runner.invoke(app, ["registry", "import", str(path), "--dry-run", "--deactivate-missing"])
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing written" in dry.output
    assert "instagram:ratnasari.bkd" in dry.output
    assert "'Kepala Seksi Layanan Informasi' -> 'Kepala Bidang Informasi Publik'" in dry.output
    with session_scope(db_engine) as session:
        active = session.scalar(select(Account.active).where(Account.handle == "ratnasari.bkd"))
    assert active is True


def test_known_native_id_is_kept_when_the_file_has_none(db_engine: Engine) -> None:
    load_demo(db_engine)
    with session_scope(db_engine) as session:
        acc = session.scalar(select(Account).where(Account.handle == "budisantoso_asn"))
        assert acc is not None
        acc.native_id = "1234567890"
    with session_scope(db_engine) as session:
        report = import_roster(session=session, path=DEMO / "roster.csv")
    assert not report.changed
    with session_scope(db_engine) as session:
        native = session.scalar(
            select(Account.native_id).where(Account.handle == "budisantoso_asn")
        )
    assert native == "1234567890"


def test_english_xlsx_and_cp1252_semicolon_rosters_import(db_engine: Engine) -> None:
    load_demo(db_engine, roster=False)
    with session_scope(db_engine) as session:
        english = import_roster(session=session, path=ROSTERS / "good_english.xlsx")
        cp1252 = import_roster(session=session, path=ROSTERS / "good_cp1252_semicolon.csv")
    assert (english.count("added"), english.count("added", accounts=True)) == (3, 4)
    assert cp1252.records[0].diff == {
        "name": ("Lina Marlina", "Lina Marlina Anggréni"),
        "position": ("Pranata Humas", "Kepala Seksi – Humas"),
    }
    with session_scope(db_engine) as session:
        people = list_civil_servants(session=session, platform="x")
    assert [(p.nip, [a.handle for a in p.accounts]) for p in people] == [
        ("199411082020122009", ["LinaMarlina_"])
    ]


def test_account_of_another_person_in_the_db_is_refused(db_engine: Engine) -> None:
    load_demo(db_engine)
    before = dump(db_engine)
    with pytest.raises(RosterRejected) as caught, session_scope(db_engine) as session:
        import_roster(session=session, path=ROSTERS / "bad_handle_of_other_asn.csv")
    (error,) = caught.value.errors
    assert (error.row, error.column, error.value) == (2, "Akun", "budi.santoso.asn")
    assert "NIP 198503122010031001" in error.reason
    assert dump(db_engine) == before


def test_export_escapes_formula_looking_cells(db_engine: Engine) -> None:
    load_demo(db_engine)
    with session_scope(db_engine) as session:
        agency = session.scalar(select(Agency).where(Agency.code == "BKD-NH"))
        assert agency is not None
        person = agency.civil_servants[0]
        person.position = '=HYPERLINK("http://evil.example","klik")'
        person.unit = "-Sekretariat"
    with session_scope(db_engine) as session:
        text = export_csv(list_civil_servants(session=session, agency="BKD-NH"))
    assert "'=HYPERLINK(" in text and "'-Sekretariat" in text
    assert all(
        not cell.startswith(("=", "+", "-", "@"))
        for line in csv.reader(text.splitlines())
        for cell in line
    )


def test_agencies_reimport_updates_in_place_and_bad_files_are_refused(
    db_engine: Engine, tmp_path: Path
) -> None:
    load_demo(db_engine, roster=False)
    changed = tmp_path / "agencies.csv"
    text = (DEMO / "agencies.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace("Dinas Kominfo Kota Sukamaju", "Diskominfo Kota Sukamaju"))
    with session_scope(db_engine) as session:
        report = import_agencies(session=session, path=changed)
    assert [(c.key, c.diff) for c in report.records if c.kind == "updated"] == [
        ("KOMINFO-SKM", {"name": ("Dinas Kominfo Kota Sukamaju", "Diskominfo Kota Sukamaju")})
    ]
    bad = tmp_path / "bad-agencies.csv"
    bad.write_text(
        "Code;Name;Level;Region\nA1;Satu;kecamatan;99\nA1;Dua;kota;Sukamaju\n;Tiga;kota;\n"
    )
    before = dump(db_engine)
    with pytest.raises(InputRejected) as caught, session_scope(db_engine) as session:
        import_agencies(session=session, path=bad)
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "Level"),
        (3, "Code"),
        (3, "Region"),
        (4, "Code"),
    }
    assert dump(db_engine) == before
    assert date.today() >= date(2026, 1, 1)  # the demo's consent dates lie in the past


def test_imports_are_audited_by_who_ran_them(db_url: str, db_engine: Engine) -> None:
    load_demo(db_engine, roster=False)
    runner = CliRunner()
    roster = str(DEMO / "roster.csv")
    assert runner.invoke(app, ["registry", "import", roster, "--dry-run"]).exit_code == 0
    assert runner.invoke(app, ["registry", "import", roster]).exit_code == 0
    with session_scope(db_engine) as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert verify(session=session).ok
    assert [(e.actor, e.action, e.subject_id) for e in entries] == [
        ("system:registry", "registry.import_agencies", "agencies.csv"),
        (f"cli:{getpass.getuser()}", "registry.import", "roster.csv"),
    ]
    detail = entries[1].detail
    assert detail["sha256"] == hashlib.sha256((DEMO / "roster.csv").read_bytes()).hexdigest()
    assert (detail["added"], detail["accounts_added"], detail["deactivated"]) == (14, 32, [])
