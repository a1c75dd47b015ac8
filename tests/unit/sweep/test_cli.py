"""``pantau sweep summary|status|resume``, ``pantau retention apply`` and ``pantau scheduler jobs``
against a database a (simulated) sweep wrote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import reset_settings
from pantau.store import migrate
from pantau.store.db import engine_for, make_engine
from pantau.sweep.service import run_sweep
from tests.unit.sweep.test_service import sweep_settings
from tests.unit.sweep.world import SimulatedExecutor, build_model, register_world

runner = CliRunner()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("cli-model"))


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate.upgrade(url)
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    reset_settings()
    yield url
    engine_for(url).dispose()


def test_summary_json_status_and_nothing_to_resume(db_url: str, model_dir: Path) -> None:
    none_yet = runner.invoke(app, ["sweep", "summary", "--format", "json"])
    assert none_yet.exit_code == 1 and "no finished sweep" in none_yet.output
    engine = make_engine(db_url)
    register_world(engine)
    summary = run_sweep(
        engine=engine, settings=sweep_settings(model_dir), executor=SimulatedExecutor()
    )
    engine.dispose()
    result = runner.invoke(app, ["sweep", "summary", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(json.dumps(summary))
    assert (data["new_observations"], data["new_flags"], len(data["failed_accounts"])) == (12, 4, 2)
    table = runner.invoke(app, ["sweep", "summary"])
    assert table.exit_code == 0
    assert "sweep 1: 12 new observation(s), 4 new flag(s)" in table.output
    assert "login_wall" in table.output
    status = runner.invoke(app, ["sweep", "status"])
    assert "sweep 1: status done, phase done" in status.output and "lease free" in status.output
    resume = runner.invoke(app, ["sweep", "resume"])
    assert resume.exit_code == 1 and "no unfinished sweep" in resume.output
    bad = runner.invoke(app, ["sweep", "summary", "--format", "xml"])
    assert bad.exit_code == 1


def test_retention_dry_run_and_scheduler_jobs(db_url: str) -> None:
    dry = runner.invoke(app, ["retention", "apply", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would purge" in dry.output and "posts" in dry.output
    jobs = runner.invoke(app, ["scheduler", "jobs"])
    assert jobs.exit_code == 0, jobs.output
    assert "pantau-nightly-sweep" in jobs.output and "pantau-retention" in jobs.output


def test_rich_progress_per_phase_and_platform() -> None:
    import io

    from rich.console import Console
    from rich.progress import Progress

    from pantau.cli.sweep import RichReporter

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with Progress(console=console, auto_refresh=False) as progress:
        reporter = RichReporter(progress)
        reporter.phase_started("collect", {"x": 4, "instagram": 2}, {"x": 1})
        reporter.advanced("collect", {"x": 2, "instagram": 1})
        tasks = {t.description.split()[-1]: (t.completed, t.total) for t in progress.tasks}
        assert tasks == {"instagram": (1, 2), "x": (3, 4)}
        reporter.phase_finished("collect")
        reporter.phase_started("classify", {}, {})
        assert [(t.completed, t.total) for t in progress.tasks][:2] == [(2, 2), (4, 4)]
        progress.refresh()
    assert "collect   x" in out.getvalue() and "classify  all" in out.getvalue()


def test_scheduled_sweep_steps_aside_while_another_holds_the_lease(db_url: str) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from pantau.sweep.jobs import nightly_sweep_job
    from pantau.sweep.lease import try_acquire
    from pantau.sweep.models import Sweep

    engine = make_engine(db_url)
    assert try_acquire(engine=engine, holder="other-host:1:abc", ttl_s=600)
    nightly_sweep_job()  # the other scheduler's sweep runs: this one logs and returns
    with Session(engine) as session:
        assert session.scalar(select(func.count(Sweep.id))) == 0
    engine.dispose()
