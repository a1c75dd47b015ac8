"""``pantau replica check`` / ``build-demo`` and reloading a changed scenario file."""

from __future__ import annotations

from pathlib import Path

import yaml
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.collect.replica import Replica, load_scenario
from tests.unit.collect.replica_data import pid, scenario_dict

ROOT = Path(__file__).resolve().parents[3]


def test_check_reports_size_or_every_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(scenario_dict(posts_per_campaign=3)))
    result = CliRunner().invoke(app, ["replica", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert "20 accounts, 28 posts and comments" in " ".join(result.output.split())
    data = scenario_dict(posts_per_campaign=3)
    data["follows"].append({"platform": "tiktok", "account": "budi.asn", "target": "nobody"})
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["replica", "check", str(bad)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "follows.target" in output and "'nobody': no such account" in output


def test_build_demo_writes_a_loadable_scenario(tmp_path: Path) -> None:
    out = tmp_path / "demo.yaml"
    result = CliRunner().invoke(
        app,
        [
            "replica",
            "build-demo",
            "--roster",
            str(ROOT / "data/demo/roster.csv"),
            "--watchlists",
            str(ROOT / "config/watchlists"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    scn = load_scenario(out)
    assert f"{len(scn.accounts)} accounts" in " ".join(result.output.split())


def test_reload_from_a_changed_file_serves_the_new_posts(tmp_path: Path) -> None:
    path = tmp_path / "scn.yaml"
    data = scenario_dict(posts_per_campaign=3)
    path.write_text(yaml.safe_dump(data))
    replica = Replica(load_scenario(path))
    with TestClient(replica) as client:
        tim = replica.scenario.account("tiktok", "tim.satu")
        assert tim is not None
        url = f"/tiktok/api/post/item_list/?secUid={tim.sec_uid}&count=30&cursor=0"
        assert len(client.get(url).json()["itemList"]) == 3
        data["posts"].append(
            {
                "platform": "tiktok",
                "id": pid("tiktok", 4),
                "author": "tim.satu",
                "time": "2026-12-01T00:00:00Z",
                "text": "Video baru",
            }
        )
        path.write_text(yaml.safe_dump(data))
        reloaded = client.post("/_admin/reload")
        assert reloaded.json().get("posts") == len(replica.scenario.posts), reloaded.text
        items = client.get(url).json()["itemList"]
        assert items[0]["id"] == pid("tiktok", 4) and len(items) == 4
