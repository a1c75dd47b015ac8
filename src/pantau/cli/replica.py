"""``pantau replica``: serve the local replica of the four platforms, build the demo scenario."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli.common import console, handled
from pantau.collect.replica import Replica, load_scenario, serve
from pantau.collect.replica.demo import build_demo, write_demo
from pantau.collect.replica.scenario import scenario_from_dict

app = typer.Typer(
    help="The local replica of X, Instagram, TikTok and Facebook (demo and tests).",
    no_args_is_help=True,
)

DEMO_SCENARIO = Path("data/demo/scenario.yaml")


@app.command("serve")
def serve_cmd(
    scenario: Path = typer.Option(DEMO_SCENARIO, "--scenario", help="Scenario YAML file."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8800, "--port", help="TCP port."),
) -> None:
    """Serve a scenario; the platforms live under /x, /instagram, /tiktok and /facebook."""
    with handled():
        replica = Replica(load_scenario(scenario))
        for platform in ("x", "instagram", "tiktok", "facebook"):
            console.print(f"{platform:10} http://{host}:{port}/{platform}")
        console.print(
            f"{len(replica.scenario.accounts)} accounts, {len(replica.scenario.posts)} posts "
            f"from {scenario}; admin API at http://{host}:{port}/_admin/faults"
        )
        serve(replica, host=host, port=port)


@app.command("build-demo")
def build_demo_cmd(
    roster: Path = typer.Option(Path("data/demo/roster.csv"), "--roster", help="Roster CSV."),
    watchlists: Path = typer.Option(
        Path("config/watchlists"), "--watchlists", help="Directory of watch-list YAML files."
    ),
    out: Path = typer.Option(DEMO_SCENARIO, "--out", help="Scenario file to write."),
) -> None:
    """Write the demo scenario from the demo roster and the watch lists."""
    with handled():
        data = build_demo(roster=roster, watchlist_dir=watchlists)
        scn = scenario_from_dict(data, source=str(out))  # refuse to write a broken scenario
        write_demo(data, out)
        console.print(f"wrote {out}: {len(scn.accounts)} accounts, {len(scn.posts)} posts")


@app.command("check")
def check_cmd(scenario: Path = typer.Argument(..., help="Scenario YAML file.")) -> None:
    """Load a scenario and report its size, or every problem found in it."""
    with handled():
        scn = load_scenario(scenario)
        console.print(
            f"{scenario}: {len(scn.accounts)} accounts, {len(scn.posts)} posts and comments, "
            f"{len(scn.likes)} likes, {len(scn.follows)} follows, {len(scn.faults)} faults"
        )
