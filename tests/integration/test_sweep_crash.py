"""Crash tests: ``pantau sweep run`` is killed with SIGKILL at points a harness picks
(mid-collect; then, resumed, mid-classify; then, resumed, mid-detect), ``pantau sweep resume``
finishes it, and the database equals that of an uninterrupted sweep: no observation lost or
duplicated, no flag duplicated. (One sweep killed three times: three kills for the price of one
collection, which is what costs.)

Real processes, real Chromium, the replica on 127.0.0.1:0; a small world (three ASN accounts per
platform, X and Instagram collected) and commits of one account / two posts at a time, so there
are points to kill at.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.replica import Replica, run_replica, scenario_from_dict
from pantau.config import get_settings
from pantau.store import migrate
from pantau.store.db import make_engine
from pantau.sweep.models import Sweep, SweepTask
from tests.integration.collect_scenario import ASN, scenario_dict
from tests.integration.sweep_support import build_model, collect_env, register_world, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = datetime.now(UTC).replace(microsecond=0)
HANDLES = ASN[:3]
PLATFORMS = ("x", "instagram")  # lean: two platforms are enough to kill at every phase
PANTAU = str(Path(sys.executable).parent / "pantau")


@dataclass(frozen=True)
class KillPoint:
    """Kill when the sweep is in ``phase`` and has committed at least ``after`` units of it
    (collect: accounts finished; classify: posts classified; detect: none, it is one step)."""

    phase: str
    after: int = 0

    def reached(self, engine: Engine) -> bool:
        with Session(engine) as session:
            sweep = session.scalars(select(Sweep).order_by(Sweep.id.desc())).first()
            if sweep is None or sweep.phase != self.phase:
                return False
            tasks = session.scalars(
                select(SweepTask).where(
                    SweepTask.sweep_id == sweep.id, SweepTask.phase == self.phase
                )
            ).all()
        if self.phase == "collect":
            return sum(t.state in ("done", "failed") for t in tasks) >= self.after
        if self.phase == "classify":
            return sum(int(t.result.get("classified", 0)) for t in tasks) >= self.after
        return True


POINTS = [KillPoint("collect", 3), KillPoint("classify", 2), KillPoint("detect")]


@pytest.fixture(scope="module", autouse=True)
def _need_chromium() -> None:
    path = Path(get_settings().collect.chromium_path)
    if not path.is_file():
        pytest.skip(f"Chromium not installed at {path} (run scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    with run_replica(scenario_from_dict(scenario_dict(NOW, asn=HANDLES))) as rep:
        yield rep


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("crash-model"))


def world(directory: Path, replica: Replica, model_dir: Path) -> tuple[Engine, dict[str, str]]:
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / 'pantau.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    register_world(engine, HANDLES)
    env = {
        **os.environ,
        **collect_env(replica.base_urls, PLATFORMS),
        "PANTAU_VAR_DIR": str(directory),
        "PANTAU_CONFIG_FILE": str(directory / "none.toml"),
        "PANTAU_DATABASE_URL": url,
        "PANTAU_LOG_FORMAT": "json",
        "PANTAU_SWEEP__MODEL_DIR": str(model_dir),
        "PANTAU_SWEEP__COLLECT_BATCH": "1",
        "PANTAU_SWEEP__CLASSIFY_BATCH": "2",
        "PANTAU_COLLECT__MAX_CONTEXTS": "1",
    }
    return engine, env


def pantau(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PANTAU, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def uninterrupted(
    tmp_path_factory: pytest.TempPathFactory, replica: Replica, model_dir: Path
) -> dict[str, Any]:
    engine, env = world(tmp_path_factory.mktemp("straight"), replica, model_dir)
    done = pantau(env, "sweep", "run")
    assert done.returncode == 0, done.stderr[-3000:]
    result = snapshot(engine)
    engine.dispose()
    assert result["flags"] and result["predictions"]  # the world has acts to find
    return result


def run_until(engine: Engine, env: dict[str, str], point: KillPoint, command: str = "run") -> str:
    """Start (or resume) a sweep, SIGKILL it once ``point`` is reached; returns
    "status/phase" of the sweep as the kill left it."""
    proc = subprocess.Popen(
        [PANTAU, "sweep", command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    try:
        while not point.reached(engine):
            if proc.poll() is not None:
                pytest.fail(f"sweep ended before {point} was reached: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail(f"{point} not reached in time")
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    with Session(engine) as session:
        sweep = session.scalars(select(Sweep)).one()
        return f"{sweep.status}/{sweep.phase}"


def test_sweep_killed_at_each_phase_resumes_to_the_uninterrupted_result(
    tmp_path: Path, replica: Replica, model_dir: Path, uninterrupted: dict[str, Any]
) -> None:
    """One sweep, killed mid-collect, resumed and killed mid-classify, resumed and killed
    mid-detect, resumed to the end: the database equals the uninterrupted sweep's."""
    engine, env = world(tmp_path / "killed", replica, model_dir)
    died = [run_until(engine, env, POINTS[0], "run")]
    refused = pantau(env, "sweep", "run")
    assert refused.returncode == 1 and "unfinished" in refused.stderr
    died += [run_until(engine, env, point, "resume") for point in POINTS[1:]]
    assert died[:2] == ["running/collect", "running/classify"]
    # detection is one transaction: killed inside it, or (rarely) just after its commit
    assert died[2] in ("running/detect", "running/summary")
    resumed = pantau(env, "sweep", "resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    # not on a terminal: structured JSON log lines, one per phase event
    lines = [json.loads(x) for x in resumed.stderr.splitlines() if x.startswith("{")]
    assert {"sweep phase summary finished", "sweep 1 resumed"} <= {x["message"] for x in lines}
    assert all(
        x["level"] in ("info", "warning") for x in lines if x["logger"].startswith("pantau.sweep")
    )
    assert snapshot(engine) == uninterrupted
    with Session(engine) as session:
        sweep = session.scalars(select(Sweep)).one()
        assert (sweep.status, sweep.attempts) == ("done", 4)
    summary = pantau(env, "sweep", "summary", "--format", "json")
    assert summary.returncode == 0
    data = json.loads(summary.stdout)
    assert data["new_flags"] == len(uninterrupted["flags"])
    assert data["new_observations"] == len(uninterrupted["posts"]) + len(uninterrupted["edges"])
    engine.dispose()
