"""Fixtures shared by every test.

- Each test runs with its own var directory and a test-only config (no project config leaks in).
- ``engine`` / ``session``: a SQLite database created from the models, per test.
- ``pg_url``: a fresh PostgreSQL database (see ``tests/support/services.py``), or a skip.
- ``any_db_url``: parametrised over SQLite and PostgreSQL, migrated with Alembic.
- ``shared_dir``: the third-party fixtures/datasets directory, or a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pantau.config import PROJECT_ROOT, reset_settings
from pantau.store.db import dispose_engines, make_engine, session_factory
from pantau.store.models import load_all_models
from tests.support import services

TEST_SECRET = "test-secret-key-not-for-production"

# No per-example deadline or "too slow" health check: the machines running the suite are
# shared and busy, and a slow example is not a wrong one.
hypothesis.settings.register_profile(
    "pantau", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("pantau")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private var dir and no project config file for every test."""
    for key in list(os.environ):
        if key.startswith("PANTAU_") and key not in {
            "PANTAU_SHARED_DIR",
            "PANTAU_TEST_POSTGRES_URL",
            "PANTAU_TEST_REDIS_URL",
            "PANTAU_UPDATE_SCREENSHOTS",  # read by tests/support/screens.py
        }:
            monkeypatch.delenv(key, raising=False)
    var = tmp_path / "var"
    monkeypatch.setenv("PANTAU_VAR_DIR", str(var))
    monkeypatch.setenv("PANTAU_CONFIG_FILE", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("PANTAU_MODE", "development")
    reset_settings()
    yield var
    dispose_engines()  # cached engines of CLI/web calls: close before their database goes
    reset_settings()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    load_all_models().create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    with services.postgres_server() as (url, why):
        if url is None:
            pytest.skip(f"PostgreSQL not available ({why}); set PANTAU_TEST_POSTGRES_URL")
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    with services.fresh_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database URL: once on SQLite, once on PostgreSQL."""
    from pantau.store import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'any.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    migrate.upgrade(url)
    return url


@pytest.fixture
def redis_url() -> str:
    url, why = services.redis_url()
    if url is None:
        pytest.skip(f"Redis not available ({why}); set PANTAU_TEST_REDIS_URL")
    return url


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Third-party fixtures and datasets: PANTAU_SHARED_DIR or ../shared beside the project."""
    path = Path(os.environ.get("PANTAU_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
    if not (path / "fixtures").is_dir():
        pytest.skip(
            f"third-party fixtures not found at {path} (set PANTAU_SHARED_DIR to the shared/ "
            "directory holding fixtures/ and datasets/)"
        )
    return path
