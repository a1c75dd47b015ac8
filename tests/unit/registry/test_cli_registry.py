"""``pantau registry list|summary|show`` and ``pantau demo`` (idempotent)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.registry.models import CivilServant
from pantau.store.db import session_scope
from tests.unit.registry.roster_support import DEMO, db_engine, db_url, load_demo

__all__ = ["db_engine", "db_url"]  # fixtures used here

runner = CliRunner()


def _demo_rows() -> list[dict[str, str]]:
    with (DEMO / "roster.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def loaded(db_url: str, db_engine: Engine) -> Engine:
    load_demo(db_engine)
    return db_engine


def test_summary_counts_match_the_demo_roster(loaded: Engine) -> None:
    rows = _demo_rows()
    result = runner.invoke(app, ["registry", "summary"])
    assert result.exit_code == 0, result.output
    cells = [
        [c.strip() for c in line.strip().strip("│").split("│")]
        for line in result.output.splitlines()
        if line.startswith("│")
    ]
    nips = {r["NIP"] for r in rows}
    active = sum(1 for r in rows if r["Aktif"] == "ya")
    assert cells[0][:4] == ["5", str(len(nips)), str(len(rows)), str(active)]
    for platform in ("x", "instagram", "facebook", "tiktok"):
        count = sum(1 for r in rows if r["Platform"] == platform)
        assert [platform, str(count)] in cells
    for basis in ("self_registered", "hr_record", "officer_verified"):
        count = sum(1 for r in rows if r["Dasar Kepemilikan"] == basis)
        assert [basis, str(count)] in cells


def test_show_prints_the_person_and_every_account(loaded: Engine) -> None:
    result = runner.invoke(app, ["registry", "show", "19850312 201003 1 001"])
    assert result.exit_code == 0, result.output
    assert "Budi Santoso (PNS), NIP 198503122010031001" in result.output
    assert "KOMINFO-SKM (Dinas Kominfo Kota Sukamaju)" in result.output
    missing = runner.invoke(app, ["registry", "show", "199001012015011001"])
    assert missing.exit_code == 1
    assert "no civil servant with NIP" in missing.output


def test_list_filters_by_agency_and_platform(loaded: Engine) -> None:
    rows = _demo_rows()
    result = runner.invoke(
        app, ["registry", "list", "--format", "json", "--agency", "BKD-NH", "--platform", "IG"]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    expected = {
        r["NIP"] for r in rows if r["Instansi"] == "BKD-NH" and r["Platform"] == "instagram"
    }
    assert {p["nip"] for p in listed} == expected
    assert {a["platform"] for p in listed for a in p["accounts"]} == {"instagram"}
    unknown = runner.invoke(app, ["registry", "list", "--agency", "NOPE"])
    assert unknown.exit_code == 1
    assert "unknown agency code" in unknown.output
    bad_platform = runner.invoke(app, ["registry", "list", "--platform", "myspace"])
    assert bad_platform.exit_code == 1


def test_list_csv_is_a_roster(loaded: Engine) -> None:
    result = runner.invoke(app, ["registry", "list", "--format", "csv"])
    assert result.exit_code == 0
    exported = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(exported) == len(_demo_rows())
    assert {r["NIP"] for r in exported} == {r["NIP"] for r in _demo_rows()}


def test_untrusted_text_is_printed_literally(loaded: Engine) -> None:
    with session_scope(loaded) as session:
        person = session.scalar(select(CivilServant).where(CivilServant.nip.startswith("1985")))
        assert person is not None
        person.name = "[bold red]Budi[/] <script>x</script>"
    table = runner.invoke(app, ["registry", "list", "--agency", "KOMINFO-SKM"])
    assert table.exit_code == 0
    assert "[bold" in table.output and "[/]" in table.output
    show = runner.invoke(app, ["registry", "show", "198503122010031001"])
    assert "[bold red]Budi[/] <script>x</script>" in show.output


def test_demo_is_idempotent(isolated_settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_DEMO_SWEEP", "0")  # the registry part (the sweep: tests/e2e)
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    rows = _demo_rows()
    people = len({r["NIP"] for r in rows})
    assert f"civil servants {people} added" in first.output
    assert f"accounts {len(rows)} added" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert "agencies 0 added, 0 updated, 5 unchanged" in second.output
    assert (
        f"civil servants 0 added, 0 updated, {people} unchanged; "
        f"accounts 0 added, 0 updated, {len(rows)} unchanged"
    ) in second.output
