"""Real Chromium against the review app served by uvicorn: sign in, screenshot the home page,
and check that hostile names and audit details show as inert literal text (no dialog fires).

Screenshots (review-home.png, review-audit-xss.png) land in ``docs/screenshots/`` when
``PANTAU_UPDATE_SCREENSHOTS=1``, else in the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pantau.config import PROJECT_ROOT
from pantau.review import audit, users
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.browser import require_chromium, serve_app
from tests.support.review_app import OPERATOR, PASSWORD, app_for, use_cheap_hasher
from tests.support.screens import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS_FILE = PROJECT_ROOT / "tests" / "data" / "xss_payloads.txt"


def payloads() -> list[str]:
    return [p for p in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines() if p.strip()]


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture
def chromium_path() -> str:
    path = require_chromium()
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        users.add_user(
            session=s,
            actor=OPERATOR,
            username="admin",
            role="admin",
            password=PASSWORD,
            display_name="Admin Demo",
        )
        for i, payload in enumerate(payloads()):
            users.add_user(
                session=s,
                actor=OPERATOR,
                username=f"hostile{i}",
                role="analyst",
                password=PASSWORD,
                display_name=payload,
            )
            audit.record(
                session=s,
                actor="system:test",
                action="test.hostile",
                subject_type="post",
                subject_id=str(i),
                detail={"text": payload},
            )
    yield engine
    engine.dispose()


@pytest.fixture
def served(seeded: Engine) -> Iterator[str]:
    with serve_app(app_for(seeded)) as base:
        yield base


def test_login_screenshot_and_inert_hostile_text(
    served: str, chromium_path: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    shots = screenshot_dir(tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="id-ID")

            def on_dialog(dialog: object) -> None:
                dialogs.append(getattr(dialog, "message", "?"))
                dialog.dismiss()  # type: ignore[attr-defined]

            page.on("dialog", on_dialog)
            page.goto(served + "/")
            assert page.url.startswith(served + "/login?next=")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(served + "/")
            assert page.inner_text("h1") == "Beranda"
            counts = page.inner_text("section.counts")
            assert "Pengguna aktif" in counts
            assert str(len(payloads()) + 1) in counts  # real count: admin + hostile users
            page.screenshot(path=str(shots / "review-home.png"), full_page=True)

            page.goto(served + "/users")
            table = page.inner_text("table.grid")
            for payload in payloads():
                assert payload in table, payload

            page.goto(served + "/audit")
            table = page.inner_text("table.grid")
            for payload in payloads():
                assert payload in table, payload
            assert page.locator("table.grid img, table.grid svg, table.grid iframe").count() == 0
            page.screenshot(path=str(shots / "review-audit-xss.png"), full_page=False)

            assert (shots / "review-home.png").stat().st_size > 10_000
            page.click("button:has-text('Keluar')")
            page.wait_for_url(served + "/login?keluar=1")
            assert "Anda telah keluar." in page.inner_text("main")
        finally:
            browser.close()
    assert dialogs == []
