"""The replica's pages in real Chromium: their scripts load the JSON routes and page on scroll."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

from pantau.collect.replica import Replica, run_replica
from pantau.config import get_settings
from tests.unit.collect.replica_data import make_scenario, pid

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium() -> Path:
    path = Path(get_settings().collect.chromium_path)
    if not path.is_file():
        pytest.skip(f"Chromium not installed at {path} (run scripts/install-system-deps.sh)")
    return path


@pytest.fixture
def replica() -> Iterator[Replica]:
    with run_replica(make_scenario()) as rep:
        yield rep


async def _articles(page: Page, url: str, scrolls: int) -> list[str]:
    await page.goto(url, wait_until="load")
    await page.wait_for_function("document.body.dataset.loaded !== undefined", timeout=10_000)
    for _ in range(scrolls):
        if await page.evaluate("document.body.dataset.loaded") == "all":
            break
        before = await page.locator("article").count()
        await page.evaluate(
            "window.scrollTo(0, document.body.scrollHeight);"
            "window.dispatchEvent(new Event('scroll'))"
        )
        await page.wait_for_function(
            f"document.querySelectorAll('article').length > {before}"
            " || document.body.dataset.loaded === 'all'",
            timeout=10_000,
        )
    ids: list[str] = await page.eval_on_selector_all("article", "els => els.map(e => e.dataset.id)")
    return ids


def test_pages_load_every_post_by_scrolling(chromium: Path, replica: Replica) -> None:
    scn = replica.scenario
    expected = {p: [x.id for x in scn.timeline(p, "tim.satu")] for p in replica.base_urls}
    bases = replica.base_urls

    async def run() -> dict[str, list[str]]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page()
            got = {
                "x": await _articles(page, f"{bases['x']}/tim.satu", 5),
                "instagram": await _articles(page, f"{bases['instagram']}/tim.satu/", 5),
                "tiktok": await _articles(page, f"{bases['tiktok']}/@tim.satu", 5),
                "facebook": await _articles(page, f"{bases['facebook']}/tim.satu", 12),
                "comments": await _articles(page, f"{bases['x']}/tim.satu/status/{pid('x', 2)}", 1),
            }
            await browser.close()
            return got

    got = asyncio.run(run())
    # X shows the pinned post first, then the timeline (where the pinned post appears again)
    assert got["x"] == [pid("x", 1), *expected["x"]]
    assert got["instagram"] == expected["instagram"]
    assert got["tiktok"] == expected["tiktok"]
    assert sorted(set(got["facebook"])) == sorted(expected["facebook"])
    assert got["comments"] == [pid("x", 2), pid("x", 700), pid("x", 701)]


def test_login_redirect_and_connection_reset_in_the_browser(
    chromium: Path, replica: Replica
) -> None:
    bases = replica.base_urls
    # every try: Chromium silently retries a request once when a reused connection is reset
    replica.add_fault("tiktok", "reset", route="profile_page")

    async def run() -> tuple[str, str]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page()
            await page.goto(f"{bases['x']}/budi.asn/following")
            landed = page.url
            try:
                await page.goto(f"{bases['tiktok']}/@budi.asn")
                error = ""
            except PlaywrightError as exc:
                error = str(exc)
            await browser.close()
            return landed, error

    landed, error = asyncio.run(run())
    assert "/x/i/flow/login?redirect_after_login=" in landed
    assert "ERR_CONNECTION_RESET" in error or "ERR_EMPTY_RESPONSE" in error
