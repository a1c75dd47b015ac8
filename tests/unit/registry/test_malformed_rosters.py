"""Every malformed roster in tests/data/rosters is refused whole, naming every bad row.

Each file must: exit non-zero through the CLI, report exactly the expected (row, column) pairs,
and leave every table byte-for-byte as it was.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import InputRejected, RosterRejected
from pantau.registry.roster_import import import_roster
from pantau.store.db import session_scope
from tests.unit.registry.roster_support import (
    ROSTERS,
    db_engine,
    db_url,
    demo_engine,
    dump,
    load_demo,
)

__all__ = ["db_engine", "db_url", "demo_engine"]  # fixtures used here

TODAY = date(2026, 11, 23)
NIP, CONSENT, ACCOUNT = "NIP", "Tanggal Persetujuan", "Akun"

# file -> (the (row, column) pairs that must be reported, a phrase of the file-level message)
MALFORMED: dict[str, tuple[set[tuple[int, str]], str]] = {
    "bad_empty.csv": (set(), "empty"),
    "bad_whitespace_only.csv": (set(), "empty"),
    "bad_binary.csv": (set(), "neither UTF-8 nor cp1252"),
    "bad_header_only.csv": (set(), "no data rows"),
    "bad_header_only_bom_semicolon.csv": (set(), "no data rows"),
    "bad_blank_rows_only.csv": (set(), "no data rows"),
    "bad_missing_column.csv": ({(1, "Dasar Kepemilikan")}, "header"),
    "bad_unknown_column.csv": ({(1, "Aktiv")}, "header"),
    "bad_duplicate_column.csv": ({(1, "Handle")}, "header"),
    "bad_nip_length.csv": ({(3, NIP)}, "1 problem"),
    "bad_nip_parts.csv": ({(r, NIP) for r in range(2, 9)}, "7 problem"),
    "bad_pns_with_pppk_nip.csv": ({(2, NIP)}, "1 problem"),
    "bad_pppk_nip.csv": ({(2, NIP)}, "1 problem"),
    "bad_status.csv": ({(2, "Status")}, "1 problem"),
    "bad_unknown_platform.csv": ({(2, "Platform"), (3, "Platform")}, "2 problem"),
    "bad_platform_url_mismatch.csv": ({(2, ACCOUNT)}, "1 problem"),
    "bad_handles.csv": ({(r, ACCOUNT) for r in range(2, 9)}, "7 problem"),
    "bad_ownership.csv": ({(2, "Dasar Kepemilikan"), (3, "Dasar Kepemilikan")}, "2 problem"),
    "bad_consent_missing.csv": ({(2, CONSENT)}, "1 problem"),
    "bad_dates.csv": ({(2, CONSENT), (3, CONSENT), (4, CONSENT)}, "3 problem"),
    "bad_unknown_agency.csv": ({(2, "Instansi")}, "1 problem"),
    "bad_nip_conflict.csv": ({(2, "Nama"), (3, "Nama"), (4, "Nama")}, "3 problem"),
    "bad_duplicate_handle.csv": ({(2, ACCOUNT), (4, ACCOUNT)}, "2 problem"),
    "bad_handle_of_other_asn.csv": ({(2, ACCOUNT)}, "1 problem"),
    "bad_formula_cells.csv": (
        {(2, ACCOUNT), (3, "Nama"), (4, "Jabatan"), (5, "Unit Kerja")},
        "4 problem",
    ),
    "bad_cp1252_semicolon.csv": ({(3, "Status")}, "1 problem"),
    "bad_bom_semicolon_nip.csv": ({(2, NIP)}, "1 problem"),
    "bad_active_region.csv": ({(2, "Aktif"), (3, "Wilayah")}, "2 problem"),
    "bad_native_id.csv": ({(2, "ID Akun")}, "1 problem"),
    "bad_too_long.csv": ({(2, "Nama")}, "1 problem"),
    "bad_formula.xlsx": ({(2, ACCOUNT)}, "1 problem"),
    "bad_nip_as_number.xlsx": ({(2, NIP)}, "1 problem"),
    "bad_rows.xlsx": ({(4, CONSENT), (5, "Platform")}, "2 problem"),
    "bad_header_only.xlsx": (set(), "no data rows"),
    "bad_not_a_workbook.xlsx": (set(), "not a readable XLSX"),
    "bad_english_no_ownership.xlsx": ({(2, "Ownership")}, "1 problem"),
    "bad_future_date_cell.xlsx": ({(2, CONSENT)}, "1 problem"),
}


def test_every_malformed_file_is_listed() -> None:
    on_disk = {p.name for p in ROSTERS.glob("bad_*") if p.is_file()}
    assert on_disk == set(MALFORMED)
    assert len(MALFORMED) >= 25
    assert {p.rsplit(".", 1)[1] for p in MALFORMED} == {"csv", "xlsx"}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_roster_reports_every_bad_row(name: str, demo_engine: Engine) -> None:
    expected, phrase = MALFORMED[name]
    before = dump(demo_engine)
    with pytest.raises(RosterRejected) as caught, session_scope(demo_engine) as session:
        import_roster(session=session, path=ROSTERS / name, today=TODAY)
    assert isinstance(caught.value, InputRejected)
    assert phrase in caught.value.message
    assert {(e.row, e.column) for e in caught.value.errors} == expected
    assert all(e.file == name and e.reason for e in caught.value.errors)
    assert dump(demo_engine) == before


def test_formula_cells_are_reported_as_formulas(demo_engine: Engine) -> None:
    with pytest.raises(RosterRejected) as caught, session_scope(demo_engine) as session:
        import_roster(session=session, path=ROSTERS / "bad_formula_cells.csv", today=TODAY)
    reasons = {e.reason for e in caught.value.errors}
    assert reasons == {"looks like a formula; formulas are never evaluated"}
    assert any(e.value.startswith("=HYPERLINK(") for e in caught.value.errors)


def test_malformed_rosters_through_the_cli_change_nothing(db_url: str, db_engine: Engine) -> None:
    """On SQLite and PostgreSQL: exit code 1, each bad row printed, no table changed."""
    load_demo(db_engine)
    before = dump(db_engine)
    runner = CliRunner()
    for name, (expected, _phrase) in sorted(MALFORMED.items()):
        result = runner.invoke(app, ["registry", "import", str(ROSTERS / name)])
        assert result.exit_code == 1, (name, result.output)
        assert name in result.output
        for row, _column in expected:
            assert f"│ {row} " in result.output, (name, row, result.output)
        assert dump(db_engine) == before, name
