"""Spreadsheet reading and writing: encodings, delimiters, formulas never evaluated or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, select

from pantau.errors import InputRejected
from pantau.registry import tabular
from pantau.registry.models import CivilServant
from pantau.registry.roster import read_roster
from pantau.registry.roster_import import import_roster
from pantau.registry.service import export_xlsx, list_civil_servants
from pantau.store.db import session_scope
from tests.unit.registry.roster_support import DEMO, REGISTRY_TABLES, demo_engine, dump

__all__ = ["demo_engine"]  # fixtures used here

HEADER = ["NIP", "Nama", "Status", "Instansi", "Platform", "Akun", "Dasar Kepemilikan"]
ROW = ["199411082020122009", "Lina Marlina", "PNS", "KOMINFO-SKM", "x", "@lina_m", "hr_record"]


def _known(name: str) -> bool:
    return tabular.header_key(name) in {tabular.header_key(h) for h in HEADER}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("cp1252", ";"),
        ("utf-16", "\t"),
        ("utf-8", "\t"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "r.csv"
    name = "Lina Marlina Anggréni"
    lines = [delimiter.join(HEADER), delimiter.join([ROW[0], name, *ROW[2:]])]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    table = tabular.read_table(path, _known)
    assert table.header == HEADER
    assert table.rows == [(2, [ROW[0], name, *ROW[2:]])]


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ('=HYPERLINK("https://x.com","x")', True),
        ("  =1+1", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3=1", True),
        ("@SUM(A1:A2)", True),
        ("\t=1", True),
        ("@budi_asn", False),
        ("budi.santoso", False),
        ("-", False),
        ("Kepala Seksi (Humas)", False),
        ("", False),
    ],
)
def test_looks_like_formula(value: str, formula: bool) -> None:
    assert tabular.looks_like_formula(value) is formula


@given(st.text(max_size=40))
def test_escape_is_never_a_formula_and_round_trips(value: str) -> None:
    escaped = tabular.escape_cell(value)
    assert not escaped.startswith(tabular.FORMULA_START)
    assert tabular.unescape_cell(escaped) == value or value.startswith("'")


def test_xlsx_formula_is_read_as_text_never_evaluated(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([*ROW[:5], '=HYPERLINK("https://www.instagram.com/x/","x")', ROW[6]])
    sheet["G3"] = '=CONCAT("hr_","record")'
    path = tmp_path / "r.xlsx"
    book.save(path)
    table = tabular.read_table(path, _known)
    assert table.rows[0][1][5] == '=HYPERLINK("https://www.instagram.com/x/","x")'
    with pytest.raises(InputRejected) as caught:
        read_roster(path)
    assert {(e.row, e.column) for e in caught.value.errors} >= {
        (2, "Akun"),
        (3, "Dasar Kepemilikan"),
    }


def test_xlsx_export_writes_no_formula_and_imports_back(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with session_scope(demo_engine) as session:
        person = session.scalar(
            select(CivilServant).where(CivilServant.nip == "198503122010031001")
        )
        assert person is not None
        person.position = '=HYPERLINK("http://evil.example","klik")'
        person.unit = "+Bidang"
    path = tmp_path / "export.xlsx"
    with session_scope(demo_engine) as session:
        export_xlsx(list_civil_servants(session=session), path)
    book = load_workbook(path, data_only=False)
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in cells)
    assert '\'=HYPERLINK("http://evil.example","klik")' in {c.value for c in cells}
    before = dump(demo_engine, REGISTRY_TABLES)
    with session_scope(demo_engine) as session:
        report = import_roster(session=session, path=path)
    assert not report.changed
    assert dump(demo_engine, REGISTRY_TABLES) == before


def test_missing_file_and_empty_header(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="no such file"):
        tabular.read_table(tmp_path / "nope.csv", _known)
    blank = tmp_path / "blank-header.csv"
    blank.write_text(",,\n1,2,3\n")
    with pytest.raises(InputRejected, match="no column names"):
        tabular.read_table(blank, _known)
    assert (DEMO / "roster.csv").is_file()
