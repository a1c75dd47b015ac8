"""Evidence screenshots: render a post page (images allowed) and store the PNG.

The PNG goes into the evidence store (content-addressed, SHA-256 recorded at capture, custody
event) and is linked to the item it shows, with role ``screenshot``.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from pantau.collect.base import COLLECTOR_VERSION, all_collectors
from pantau.collect.browser import PUBLIC, Browser, MonitoringSession
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture
from pantau.config import Settings, get_settings
from pantau.errors import CollectError, CollectTimeoutError

_POST_ID = (
    re.compile(r"/status/(\d+)"),
    re.compile(r"/video/(\d+)"),
    re.compile(r"/posts/([A-Za-z0-9]+)"),
    re.compile(r"/(?:p|reel|tv)/([A-Za-z0-9_-]+)"),
)


def platform_of(url: str, settings: Settings) -> str:
    """The platform whose collector claims ``url`` (real site or configured base URL)."""
    for cls in all_collectors():
        if cls.claims(url, settings.collect.base_urls.get(cls.platform)):
            return cls.platform
    raise CollectError(f"no collector claims {url}", item=url)


def item_id_of(url: str) -> str:
    for pattern in _POST_ID:
        match = pattern.search(urlsplit(url).path)
        if match:
            return match.group(1)
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


async def snapshot_async(
    *,
    session: Session,
    browser: Browser,
    evidence: EvidenceStore,
    url: str,
    platform: str,
    item_id: str,
    item_type: str = "post",
    monitoring: MonitoringSession = PUBLIC,
    captured_by: str = "pantau-collector",
    run_id: int | None = None,
) -> Capture:
    async with browser.page(monitoring, platform=platform, item=url, screenshots=True) as page:
        try:
            await page.page.goto(url, wait_until="load")
            await page.page.wait_for_load_state("networkidle", timeout=browser.timeout_s * 1000)
        except Exception as exc:  # Playwright errors: typed, with the URL
            raise CollectTimeoutError(
                f"could not render {url} for a screenshot: {exc}", platform=platform, item=url
            ) from exc
        png = await page.screenshot()
    capture = evidence.put(
        session=session,
        data=png,
        kind="screenshot",
        content_type="image/png",
        platform=platform,
        url=url,
        op_name="snapshot",
        monitoring_session=monitoring.name,
        collector_version=COLLECTOR_VERSION,
        captured_by=captured_by,
        run_id=run_id,
    )
    evidence.link(
        session=session,
        capture=capture,
        platform=platform,
        item_type=item_type,
        item_id=item_id,
        role="screenshot",
    )
    return capture


def snapshot(
    url: str,
    *,
    session: Session,
    platform: str | None = None,
    item_id: str | None = None,
    settings: Settings | None = None,
    captured_by: str = "pantau-collector",
    run_id: int | None = None,
) -> Capture:
    """Render ``url`` and store its PNG screenshot, linked to the post it shows."""
    settings = settings or get_settings()
    platform = platform or platform_of(url, settings)
    item = item_id or item_id_of(url)

    async def main() -> Capture:
        async with Browser.from_settings(settings) as browser:
            return await snapshot_async(
                session=session,
                browser=browser,
                evidence=EvidenceStore(settings.evidence_path),
                url=url,
                platform=platform,
                item_id=item,
                captured_by=captured_by,
                run_id=run_id,
            )

    return asyncio.run(main())
