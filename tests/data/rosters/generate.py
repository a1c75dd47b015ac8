"""Writes the roster test files in this directory (our own fictional data; run to regenerate).

    .venv/bin/python tests/data/rosters/generate.py

``bad_*`` files are malformed rosters: ``tests/unit/registry/test_malformed_rosters.py`` holds
the bad (row, column) pairs each must report. ``good_*`` files are valid rosters. All of them
assume the demo agencies (``data/demo/agencies.csv``) and, for the ``bad_*`` files, the demo
roster already imported.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
ID = [
    "NIP",
    "Nama",
    "Status",
    "Jabatan",
    "Unit Kerja",
    "Instansi",
    "Wilayah",
    "Platform",
    "Akun",
    "Dasar Kepemilikan",
    "Tanggal Persetujuan",
    "Didaftarkan Oleh",
    "Aktif",
]
EN = [
    "NIP",
    "Name",
    "Status",
    "Position",
    "Unit",
    "Agency",
    "Region",
    "Platform",
    "Handle",
    "Ownership",
    "Consent Date",
    "Registered By",
    "Active",
]
LINA = ("199411082020122009", "Lina Marlina", "PNS", "Pranata Humas", "Bidang Humas", "KOMINFO-SKM")
DEDI = ("198912012014031002", "Dedi Supriadi", "PNS", "Analis Data", "Sekretariat", "BKD-NH")
WULAN = ("199606232023212015", "Wulan Sari", "PPPK", "Guru Ahli Pertama", "SD 2", "DIKBUD-MKS")


def row(person: tuple[str, ...] = LINA, **over: str) -> list[str]:
    """A valid row for ``person`` with some cells replaced (keys: Indonesian header, no spaces)."""
    nip, name, status, position, unit, agency = person
    values = {
        "NIP": nip,
        "Nama": name,
        "Status": status,
        "Jabatan": position,
        "UnitKerja": unit,
        "Instansi": agency,
        "Wilayah": "99.71",
        "Platform": "instagram",
        "Akun": name.lower().replace(" ", ".") + ".asn",
        "DasarKepemilikan": "self_registered",
        "TanggalPersetujuan": "2026-03-01",
        "DidaftarkanOleh": "operator.test",
        "Aktif": "ya",
    }
    values.update(over)
    return list(values.values())


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(
    name: str,
    rows: list[list[str]],
    header: list[str] = ID,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    (HERE / name).write_bytes(csv_text(header, rows, delimiter).encode(encoding))


def write_xlsx(name: str, rows: list[list[object]], header: list[str] = ID) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(HERE / name)


def malformed_csv() -> None:
    (HERE / "bad_empty.csv").write_bytes(b"")
    (HERE / "bad_whitespace_only.csv").write_bytes(b"\r\n  \r\n\r\n")
    write_csv("bad_header_only.csv", [])
    write_csv("bad_header_only_bom_semicolon.csv", [], delimiter=";", encoding="utf-8-sig")
    write_csv("bad_blank_rows_only.csv", [["", "", ""], [""] * 13])
    no_ownership = [h for h in ID if h != "Dasar Kepemilikan"]
    write_csv("bad_missing_column.csv", [row()[:9] + row()[10:]], header=no_ownership)
    write_csv("bad_unknown_column.csv", [row()], header=[*ID[:-1], "Aktiv"])
    write_csv("bad_duplicate_column.csv", [[*row(), "lina.asn"]], header=[*ID, "Handle"])
    write_csv(
        "bad_nip_length.csv",
        [row(), row(DEDI, NIP="19891201201403100", Akun="dedi.asn")],
    )
    write_csv(
        "bad_nip_parts.csv",
        [
            row(NIP="199413082020122009"),  # birth month 13
            row(DEDI, NIP="198912012014131002", Akun="d1.asn"),  # TMT month 13
            row(DEDI, NIP="198912012099031002", Akun="d2.asn"),  # TMT in the future
            row(DEDI, NIP="198912012014033002", Akun="d3.asn"),  # gender 3
            row(DEDI, NIP="198912012014031000", Akun="d4.asn"),  # sequence 000
            row(DEDI, NIP="198912012005031002", Akun="d5.asn"),  # TMT at age 15
            row(DEDI, NIP="19891201201403100X", Akun="d6.asn"),  # not digits
        ],
    )
    write_csv("bad_pns_with_pppk_nip.csv", [row(WULAN, Status="PNS")])
    write_csv("bad_pppk_nip.csv", [row(WULAN, NIP="199606232017212015")])  # before 2019
    write_csv("bad_status.csv", [row(Status="Honorer")])
    write_csv(
        "bad_unknown_platform.csv",
        [row(Platform="linkedin"), row(Platform="threads", Akun="lina.threads")],
    )
    write_csv(
        "bad_platform_url_mismatch.csv",
        [row(Akun="https://www.tiktok.com/@lina.marlina.asn")],
    )
    write_csv(
        "bad_handles.csv",
        [
            row(Platform="x", Akun="@lina_marlina_asn_kominfo"),
            row(Akun="lina..marlina"),
            row(Platform="tiktok", Akun="@lina.marlina."),
            row(Platform="facebook", Akun="lina"),
            row(Akun="https://www.instagram.com/p/C0dEfGh/"),
            row(Platform="tiktok", Akun="https://vm.tiktok.com/ZSabc123/"),
            row(Platform="", Akun="lina_tanpa_platform"),
        ],
    )
    write_csv(
        "bad_ownership.csv",
        [row(DasarKepemilikan=""), row(DasarKepemilikan="teman kantor", Akun="lina2.asn")],
    )
    write_csv("bad_consent_missing.csv", [row(TanggalPersetujuan="")])
    write_csv(
        "bad_dates.csv",
        [
            row(TanggalPersetujuan="31/02/2026"),
            row(TanggalPersetujuan="kemarin", Akun="lina2.asn"),
            row(TanggalPersetujuan="2099-01-01", Akun="lina3.asn"),
        ],
    )
    write_csv("bad_unknown_agency.csv", [row(Instansi="DINAS-ANTAH-BERANTAH")])
    write_csv(
        "bad_nip_conflict.csv",
        [
            row(),
            row(Nama="Lina M.", Platform="x", Akun="linamarlina"),
            row(Platform="tiktok", Akun="lina.marlina"),
        ],
    )
    write_csv(
        "bad_duplicate_handle.csv",
        [
            row(Akun="Shared.Handle"),
            row(DEDI, Akun="dedi.supriadi.asn"),
            row(DEDI, Akun="https://instagram.com/shared.handle/"),
        ],
    )
    write_csv(
        "bad_handle_of_other_asn.csv", [row(Akun="https://www.instagram.com/budi.santoso.asn/")]
    )
    write_csv(
        "bad_formula_cells.csv",
        [
            row(Akun='=HYPERLINK("https://www.instagram.com/lina.asn/","lina")'),
            row(DEDI, Nama="=1+1", Akun="dedi.asn"),
            row(WULAN, Jabatan="+cmd|' /C calc'!A0", Akun="wulan.asn"),
            row(DEDI, UnitKerja="@SUM(A1:A9)", Akun="dedi2.asn"),
        ],
    )
    text = csv_text(
        ID,
        [
            row(Jabatan="Kepala Seksi – Informasi", Nama="Lina Marlina Anggréni"),
            row(DEDI, Status="Kontrak", Akun="dedi.asn"),
        ],
        delimiter=";",
    )
    (HERE / "bad_cp1252_semicolon.csv").write_bytes(text.encode("cp1252"))
    write_csv(
        "bad_bom_semicolon_nip.csv",
        [row(NIP="1994 1108 2020 1220 0")],
        delimiter=";",
        encoding="utf-8-sig",
    )
    write_csv(
        "bad_active_region.csv",
        [row(Aktif="mungkin"), row(DEDI, Wilayah="Jakarta", Akun="dedi.asn")],
    )
    header = [*ID, "ID Akun"]
    write_csv(
        "bad_native_id.csv",
        [
            [
                *row(Platform="facebook", Akun="facebook.com/profile.php?id=100012345678901"),
                "100099999999999",
            ]
        ],
        header=header,
    )
    write_csv("bad_too_long.csv", [row(Nama="Lina " * 50)])
    (HERE / "bad_binary.csv").write_bytes(b"NIP,Nama\r\n\x81\x8d\x8f\x90\x9d\xff\xfe\x00,x\r\n")


def malformed_xlsx() -> None:
    write_xlsx(
        "bad_formula.xlsx",
        [row(Akun='=HYPERLINK("https://www.instagram.com/lina.marlina.asn/","lina")')],
    )
    write_xlsx("bad_nip_as_number.xlsx", [[1.9941108202012201e17, *row()[1:]]])
    write_xlsx(
        "bad_rows.xlsx",
        [
            row(),
            [None] * 13,
            row(DEDI, TanggalPersetujuan="2099-12-31", Akun="dedi.asn"),
            row(WULAN, Platform="myspace", Akun="wulan.asn"),
        ],
    )
    write_xlsx("bad_header_only.xlsx", [])
    (HERE / "bad_not_a_workbook.xlsx").write_text("NIP,Nama\n1,2\n")
    english = [[*r[:9], "", *r[10:]] for r in [row()]]
    write_xlsx("bad_english_no_ownership.xlsx", english, header=EN)
    write_xlsx(
        "bad_future_date_cell.xlsx",
        [[*row()[:10], date(2099, 5, 1), *row()[11:]]],
    )


def valid() -> None:
    rows = [
        row(),
        row(Platform="x", Akun="https://x.com/LinaMarlina_"),
        row(
            DEDI,
            Wilayah="99",
            Platform="facebook",
            Akun="https://www.facebook.com/dedi.supriadi.asn",
        ),
        row(
            WULAN,
            Wilayah="99.05",
            Platform="tiktok",
            Akun="@wulan.sari.guru",
            DasarKepemilikan="hr_record",
            TanggalPersetujuan="",
        ),
    ]
    write_xlsx("good_english.xlsx", rows, header=EN)
    (HERE / "good_cp1252_semicolon.csv").write_bytes(
        csv_text(
            ID, [row(Nama="Lina Marlina Anggréni", Jabatan="Kepala Seksi – Humas")], ";"
        ).encode("cp1252")
    )


if __name__ == "__main__":
    malformed_csv()
    malformed_xlsx()
    valid()
