"""Real Chromium against the review app: the dashboard's SVG charts load as images (no
JavaScript, no CDN), hostile agency names stay inert text, and the fairness panel shows its
warning. Screenshots (review-dashboard.png, review-fairness.png) land in ``docs/screenshots/``
when ``PANTAU_UPDATE_SCREENSHOTS=1``, else in the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pantau.review import users
from pantau.review.insight.figures import CHARTS
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.browser import require_chromium, serve_app
from tests.support.insight_world import (
    DEFAULT_MODEL_FAIRNESS,
    NOW,
    deploy_model_card,
    seed_flags,
    seed_side_flags,
    seed_sweep,
    seed_world,
)
from tests.support.review_app import OPERATOR, PASSWORD, app_for, use_cheap_hasher
from tests.support.screens import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)
    monkeypatch.setattr("pantau.review.web.routes.dashboard.utcnow", lambda: NOW)


@pytest.fixture
def chromium_path() -> str:
    path = require_chromium()
    return path


@pytest.fixture
def served(tmp_path: Path, isolated_settings: Path) -> Iterator[str]:
    deploy_model_card(isolated_settings, DEFAULT_MODEL_FAIRNESS)
    url = f"sqlite:///{tmp_path / 'dash.sqlite3'}"
    migrate.upgrade(url)
    engine: Engine = make_engine(url)
    with session_scope(engine) as s:
        users.add_user(
            session=s, actor=OPERATOR, username="auditor", role="auditor", password=PASSWORD
        )
        world = seed_world(s)
        seed_flags(s, world)
        seed_sweep(s, world)
        seed_side_flags(s, world, skewed=True)
    with serve_app(app_for(engine)) as base:
        yield base
    engine.dispose()


def test_dashboard_and_fairness_screenshots(
    served: str, chromium_path: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    external: list[str] = []
    shots = screenshot_dir(tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on(
                "request",
                lambda r: None if r.url.startswith(served) else external.append(r.url),
            )
            page.goto(served + "/login?next=%2Fdasbor")
            page.fill("input[name=username]", "auditor")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(served + "/dasbor")
            page.wait_for_load_state("networkidle")
            assert page.inner_text("h1") == "Dasbor"
            images = page.locator("img[src^='/dasbor/grafik/']")
            assert images.count() == len(CHARTS)
            widths = images.evaluate_all("els => els.map(e => e.naturalWidth)")
            assert all(w > 0 for w in widths), widths  # every chart decoded as an image
            ranking = page.inner_text("table.ranking")
            assert "<script>alert('dinas')</script>" in ranking  # shown as text, not run
            page.screenshot(path=str(shots / "review-dashboard.png"), full_page=True)

            page.click("a[href='/dasbor/keadilan']")
            page.wait_for_url(served + "/dasbor/keadilan")
            warning = page.inner_text(".fairness-warning")
            assert "paslon-2" in warning and "Peringatan" in warning
            swaps = page.inner_text("body")
            assert "Pilkada DKI 2017 (tukar antar-pasangan 2017)" in swaps
            assert "1738" in swaps and "heldout:pilkada_dki2017" not in swaps
            page.screenshot(path=str(shots / "review-fairness.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == []
    assert external == []
    assert (shots / "review-dashboard.png").stat().st_size > 20_000
