"""`pantau watchlist load|match|show`: output, exit codes, nothing written on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import PROJECT_ROOT, reset_settings
from pantau.registry.models import Side
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope

DATA = PROJECT_ROOT / "tests" / "data" / "watchlists"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    reset_settings()
    migrate.upgrade(url)
    return url


def _sides(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as s:
        n = s.scalar(select(func.count()).select_from(Side)) or 0
    engine.dispose()
    return n


def test_load_reports_then_is_idempotent(db_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["watchlist", "load", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert "side prabowo-gibran" in report["added"]
    assert "watched_account x/@prabowo" in report["added"]
    assert report["updated"] == report["removed"] == []
    second = runner.invoke(app, ["watchlist", "load"])
    assert second.exit_code == 0, second.output
    assert f"0 added, 0 updated, 0 removed, {len(report['added'])} unchanged" in " ".join(
        second.stdout.split()
    )


def test_load_of_a_bad_directory_fails_and_writes_nothing(db_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["watchlist", "load", str(DATA / "valid")]).exit_code == 0
    before = _sides(db_url)
    result = runner.invoke(app, ["watchlist", "load", str(DATA / "bad" / "unknown-party")])
    assert result.exit_code == 1
    assert "unknown party 'partai-hilang'" in " ".join(result.output.split())
    assert _sides(db_url) == before == 3


def test_match_prints_json() -> None:
    result = CliRunner().invoke(app, ["watchlist", "match", "coblos 02 #AMIN"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sides"] == ["anies-muhaimin", "prabowo-gibran"]
    assert data["ambiguous"] is False
    assert [(h["side"], h["kind"], h["matched_text"]) for h in data["hits"]] == [
        ("prabowo-gibran", "ballot_number", "02"),
        ("anies-muhaimin", "hashtag", "#AMIN"),
    ]


def test_match_reads_stdin() -> None:
    result = CliRunner().invoke(app, ["watchlist", "match", "-"], input="Semangat Mas Pram!\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sides"] == ["pramono-rano"]


def test_match_with_another_directory() -> None:
    result = CliRunner().invoke(
        app, ["watchlist", "match", "Salam satu jari, Bang Budiman!", "--dir", str(DATA / "valid")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sides"] == ["budi-sari"]


def test_show_json_lists_pairs_and_parties() -> None:
    result = CliRunner().invoke(app, ["watchlist", "show", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["side"]: r for r in json.loads(result.stdout)}
    assert rows["pramono-rano"]["ballot_number"] == 3
    assert rows["pramono-rano"]["contest"] == "gubernur-dki-jakarta"
    assert rows["gerindra"]["kind"] == "party"
    table = CliRunner().invoke(app, ["watchlist", "show"])
    assert table.exit_code == 0 and "Watch lists" in table.stdout
