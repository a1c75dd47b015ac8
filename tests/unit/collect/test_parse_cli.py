"""``pantau collect parse`` on every RAW capture listed in the shared fixtures' INDEX.md."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from tests.unit.collect.parse_support import OWN_FIXTURES

SHARED = Path(os.environ.get("PANTAU_SHARED_DIR", Path(__file__).resolve().parents[4] / "shared"))
FOLDER_PLATFORM = {"x": "x", "instagram": "instagram", "tiktok": "tiktok", "facebook": "facebook"}


def raw_rows(index: Path) -> list[tuple[str, str]]:
    """``(platform, file name)`` of every row whose kind column says RAW."""
    rows: list[tuple[str, str]] = []
    folder = ""
    for line in index.read_text(encoding="utf-8").splitlines():
        header = re.match(r"^## .*`(\w+)/`", line)
        if header:
            folder = header.group(1)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if folder not in FOLDER_PLATFORM or len(cells) < 3 or "RAW" not in cells[-1]:
            continue
        names = [n.strip() for n in cells[0].split("/")]
        for name in _expand(index.parent / folder, names):
            rows.append((FOLDER_PLATFORM[folder], f"{folder}/{name}"))
    return rows


def _expand(directory: Path, names: list[str]) -> list[str]:
    """INDEX.md abbreviates siblings: ``a_raw_x.json / _y.json`` means ``a_raw_y.json``."""
    first = names[0]
    out = [first]
    source = first.split("_")[0]
    for short in names[1:]:
        matches = sorted(
            p.name
            for p in directory.iterdir()
            if p.name.endswith(short) and p.name.startswith(source)
        )
        assert len(matches) == 1, f"cannot expand {short!r} in {directory}: {matches}"
        out.append(matches[0])
    return out


RAW = raw_rows(SHARED / "fixtures" / "INDEX.md") if (SHARED / "fixtures").is_dir() else []


def _run(platform: str, path: Path, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["collect", "parse", platform, str(path), *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_index_lists_the_raw_captures(shared_dir: Path) -> None:
    names = {name for _, name in raw_rows(shared_dir / "fixtures" / "INDEX.md")}
    assert "x/twscrape_raw_user_tweets.json" in names
    assert "x/twscrape_raw_tweet_thread.json" in names
    assert "x/twscrape_raw_verified_followers.json" in names
    assert "tiktok/pender_tiktok-item-page.html" in names
    assert len(names) >= 35


@pytest.mark.parametrize(("platform", "name"), RAW, ids=[n for _, n in RAW])
def test_every_raw_capture_parses(shared_dir: Path, platform: str, name: str) -> None:
    path = shared_dir / "fixtures" / name
    lines = _run(platform, path)
    summary = lines[-1]
    assert summary["type"] == "result"
    assert summary["platform"] == platform
    assert len(str(summary["raw_ref"])) == 64
    records = lines[:-1]
    counts = {k: sum(1 for r in records if r["type"] == k) for k in ("account", "post", "edge")}
    assert counts == {k: summary[k + "s"] for k in counts}
    for record in records:
        assert record["platform"] == platform


def test_cli_prints_json_lines_for_own_fixture() -> None:
    lines = _run("x", OWN_FIXTURES / "x" / "user_tweets.json")
    posts = [r for r in lines if r["type"] == "post"]
    assert {p["post_id"] for p in posts} >= {"1800000000000000011", "1800000000000000014"}
    assert lines[-1]["cursors"] == {"top": "TOPCURSOR-demo", "bottom": "BOTTOMCURSOR-demo"}


def test_cli_subject_option_makes_edges() -> None:
    lines = _run(
        "x",
        OWN_FIXTURES / "x" / "following.json",
        "--op",
        "Following",
        "--subject",
        "1700000000000000001",
    )
    assert lines[-1]["edges"] == 2


def test_cli_fails_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["collect", "parse", "x", str(bad)])
    assert result.exit_code == 1
    assert "not JSON" in result.output
    missing = CliRunner().invoke(app, ["collect", "parse", "x", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1
    unknown = CliRunner().invoke(app, ["collect", "parse", "myspace", str(bad)])
    assert unknown.exit_code == 1
    assert "unknown platform" in unknown.output
