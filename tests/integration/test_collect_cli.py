"""``pantau collect account`` against the replica (real Chromium)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.collect.models import AccountCrawl
from pantau.collect.replica import run_replica, scenario_from_dict
from pantau.config import get_settings, reset_settings
from pantau.store import migrate
from pantau.store.db import make_engine
from tests.integration.collect_scenario import scenario_dict
from tests.integration.test_collect_replica import register

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_collect_account_prints_acts_and_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not get_settings().collect.chromium_path.is_file():
        pytest.skip("Chromium not installed (run scripts/install-system-deps.sh)")
    now = datetime.now(UTC).replace(microsecond=0)
    with run_replica(scenario_from_dict(scenario_dict(now))) as rep:
        monkeypatch.setenv("PANTAU_COLLECT__METHODS__TIKTOK__ENABLED", "true")
        monkeypatch.setenv("PANTAU_COLLECT__METHODS__TIKTOK__LEGAL_BASIS", "test")
        monkeypatch.setenv("PANTAU_COLLECT__BASE_URLS__TIKTOK", rep.base_urls["tiktok"])
        reset_settings()
        url = get_settings().db_url
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            register(session)
            session.commit()
        runner = CliRunner()
        result = runner.invoke(app, ["collect", "account", "tiktok", "@asnbudi"])
        assert result.exit_code == 0, result.output
        assert "tiktok:asnbudi" in result.output
        assert "unobservable" in result.output  # likes: TikTok never shows likers
        assert "2 new post(s)" in result.output
        assert "Apel pagi di kantor asnbudi" in result.output
        with Session(engine) as session:
            rows = {
                (r.act, r.status, r.reason, r.items_found)
                for r in session.scalars(select(AccountCrawl))
            }
        assert rows == {
            ("posts", "ok", "", 2),
            ("comments", "unobservable", "not_exposed", 0),
            ("shares", "ok", "", 0),
            ("likes", "unobservable", "not_exposed", 0),
            ("following", "unobservable", "needs_login", 0),
        }
        missing = runner.invoke(app, ["collect", "account", "tiktok", "nobody"])
        assert missing.exit_code == 1
        assert "not registered" in missing.output
        # X is not enabled: the account is recorded as failed, never as clean
        off = runner.invoke(app, ["collect", "account", "x", "asnbudi"])
        assert off.exit_code == 1
        assert "disabled" in off.output
        engine.dispose()
