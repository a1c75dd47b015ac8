"""Roster import speed: a generated roster of N civil servants x 2 accounts, CSV and XLSX.

    .venv/bin/python bench/bench_registry_import.py [--people 5000] [--database-url URL]

Times reading+checking, the first import (all added), a re-import (all unchanged) and a failed
import (one bad row at the end: everything is still checked, nothing written). Uses a fresh
SQLite file unless ``--database-url`` names an empty, migratable database.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from pantau.config import PROJECT_ROOT
from pantau.errors import RosterRejected
from pantau.registry.agencies import import_agencies
from pantau.registry.roster import read_roster
from pantau.registry.roster_import import import_roster
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope

HEADER = ["NIP", "Nama", "Status", "Instansi", "Platform", "Akun", "Dasar Kepemilikan"]
AGENCIES = ["KEMEN-FIKTIF", "BKD-NH", "KOMINFO-SKM", "RSUD-SKM", "DIKBUD-MKS"]


def _rows(people: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for i in range(people):
        born = date(1970, 1, 1) + timedelta(days=i % 9000)
        nip = f"{born:%Y%m%d}{born.year + 25}03{1 + i % 2}{1 + i // 9000:03d}"
        agency = AGENCIES[i % len(AGENCIES)]
        rows.append([nip, f"Pegawai {i}", "PNS", agency, "x", f"@pegawai_{i}", "hr_record"])
        url = f"https://www.instagram.com/pegawai.{i}/"
        rows.append([nip, f"Pegawai {i}", "PNS", agency, "instagram", url, "hr_record"])
    return rows


def _timed(label: str, action: Callable[[], object]) -> None:
    start = time.perf_counter()
    action()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-"))
    rows = _rows(args.people)
    csv_path, xlsx_path, bad_path = work / "r.csv", work / "r.xlsx", work / "bad.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    with bad_path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows, ["1", "x", "PNS", "BKD-NH", "x", "@x", ""]])
    book = Workbook()
    for r in [HEADER, *rows]:
        book.active.append(r)
    book.save(xlsx_path)
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_agencies(session=session, path=PROJECT_ROOT / "data" / "demo" / "agencies.csv")
    print(f"{args.people} people, {len(rows)} rows, database {engine.dialect.name}")
    _timed("read+check CSV", lambda: read_roster(csv_path))
    _timed("read+check XLSX", lambda: read_roster(xlsx_path))

    def run(path: Path) -> None:
        with session_scope(engine) as session:
            import_roster(session=session, path=path)

    _timed("import CSV (all added)", lambda: run(csv_path))
    _timed("re-import XLSX (all unchanged)", lambda: run(xlsx_path))

    def rejected() -> None:
        try:
            run(bad_path)
        except RosterRejected as exc:
            assert len(exc.errors) == 2, exc.errors

    _timed("rejected CSV (1 bad row, 0 written)", rejected)


if __name__ == "__main__":
    main()
