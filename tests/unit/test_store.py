"""The store: migrations match the models on SQLite and PostgreSQL; UTC-only timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, select

from pantau.store import migrate
from pantau.store.db import UTCDateTime, make_engine
from pantau.store.models import load_all_models


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
@pytest.mark.filterwarnings("ignore:autogenerate skipping")
def test_migrations_create_exactly_the_models(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), load_all_models())
    engine.dispose()
    # Expression indexes cannot be reflected on SQLite; everything else must match.
    assert [d for d in diff if "lower" not in str(d)] == []


def test_migrations_are_at_head_and_create_every_table(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    assert migrate.current_revision(engine) == migrate.head_revision(any_db_url)
    tables = set(inspect(engine).get_table_names())
    assert set(load_all_models().tables) <= tables
    engine.dispose()


def test_downgrade_to_base_removes_every_table(any_db_url: str) -> None:
    migrate.downgrade(any_db_url, "base")
    engine = make_engine(any_db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_utc_datetime_round_trips_aware_utc(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    meta = MetaData()
    t = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    meta.create_all(engine)
    wib = timezone(timedelta(hours=7))
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=1, at=datetime(2024, 2, 14, 8, 0, tzinfo=wib)))
        stored = conn.execute(select(t.c.at)).scalar_one()
    assert stored == datetime(2024, 2, 14, 1, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_utc_datetime_refuses_naive_times(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    meta = MetaData()
    t = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    meta.create_all(engine)
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(t.insert().values(id=1, at=datetime(2024, 2, 14, 8, 0)))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
@pytest.mark.filterwarnings("ignore:autogenerate skipping")
def test_autogenerate_leaves_the_scheduler_job_table_alone(tmp_path) -> None:
    from sqlalchemy import text

    from pantau.store.migrations_filter import include_object

    url = f"sqlite:///{tmp_path / 'sched.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY)"))
    with engine.connect() as conn:
        opts = {"include_object": include_object}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), load_all_models())
        unfiltered = compare_metadata(MigrationContext.configure(conn), load_all_models())
    engine.dispose()
    assert not [d for d in diff if d[0] == "remove_table"]
    assert [d[1].name for d in unfiltered if d[0] == "remove_table"] == ["apscheduler_jobs"]
