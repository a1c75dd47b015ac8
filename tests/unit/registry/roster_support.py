"""Roster test helpers and fixtures (imported by the test modules that use them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from pantau.config import PROJECT_ROOT, reset_settings
from pantau.registry.agencies import import_agencies
from pantau.registry.roster_import import import_roster
from pantau.store.db import engine_for, make_engine, session_scope
from pantau.store.models import load_all_models

DEMO = PROJECT_ROOT / "data" / "demo"
ROSTERS = PROJECT_ROOT / "tests" / "data" / "rosters"


REGISTRY_TABLES = ("agency", "civil_servant", "account")


def dump(engine: Engine, only: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (or of ``only``), in primary-key order (nothing changed?)."""
    metadata = load_all_models()
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if only and table.name not in only:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def load_demo(engine: Engine, *, roster: bool = True) -> None:
    with session_scope(engine) as session:
        import_agencies(session=session, path=DEMO / "agencies.csv")
    if roster:
        with session_scope(engine) as session:
            import_roster(session=session, path=DEMO / "roster.csv")


@pytest.fixture
def db_url(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated database (SQLite, then PostgreSQL) that the CLI also uses."""
    monkeypatch.setenv("PANTAU_DATABASE_URL", any_db_url)
    reset_settings()
    yield any_db_url
    reset_settings()
    # The CLI keeps one pooled engine per URL; close its connections before the database goes.
    engine_for(any_db_url).dispose()


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """The fast SQLite ``engine`` with the demo agencies and roster imported."""
    load_demo(engine)
    return engine
