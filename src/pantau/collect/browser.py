"""The browser: one Chromium (Playwright, async API), one context per monitoring session.

- Chromium is Debian's by default (``collect.chromium_path``) with the flags of :data:`FLAGS`.
- Logged-in sessions' storage state (cookies) is kept ENCRYPTED at rest
  (:class:`~pantau.collect.sessions.StorageStateVault`, Fernet, key from
  ``collect.storage_state_key``; a development default only in development mode).
- Images, fonts and media are blocked by route interception, except on pages opened for
  evidence screenshots.
- At most ``max_pages`` pages are open at once (a semaphore); every wait has a timeout.
- :class:`CapturePage` records what a page loads: the document as served and every response
  the collector calls platform data; block checks run on each.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Browser as PwBrowser
from playwright.async_api import (
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from pantau.collect import blocks
from pantau.collect.base import Fetched, RawCapture, parse_raw
from pantau.collect.records import WALL_CHALLENGE, WALL_LOGIN, WALL_RATE_LIMIT, ParseResult
from pantau.collect.sessions import (
    PUBLIC,
    MonitoringSession,
    StorageStateVault,
    fernet_key,
)
from pantau.config import Settings
from pantau.errors import (
    ChallengeError,
    CollectError,
    CollectTimeoutError,
    ConfigError,
    LoginWallError,
    RateLimitedError,
    TruncatedResponseError,
)

if TYPE_CHECKING:
    from pantau.collect.base import Collector

__all__ = [
    "FLAGS",
    "PUBLIC",
    "Browser",
    "CapturePage",
    "MonitoringSession",
    "StorageStateVault",
    "fernet_key",
]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
BLOCKED_TYPES = frozenset({"image", "font", "media"})
WALL_ERRORS: dict[str, type[CollectError]] = {
    WALL_LOGIN: LoginWallError,
    WALL_CHALLENGE: ChallengeError,
    WALL_RATE_LIMIT: RateLimitedError,
}
RESET_MARKERS = ("ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_CLOSED")


# -- the browser -------------------------------------------------------------------------------
class Browser:
    """One Chromium; contexts per monitoring session; a bounded number of open pages."""

    def __init__(
        self,
        *,
        chromium_path: Path,
        timeout_s: float,
        max_pages: int = 2,
        block_resources: bool = True,
        reuse_pages: bool = True,
    ) -> None:
        self.chromium_path = chromium_path
        self.timeout_s = timeout_s
        self.block_resources = block_resources
        self._slots = asyncio.Semaphore(max_pages)
        self._pw: Playwright | None = None
        self._browser: PwBrowser | None = None
        self._contexts: dict[str, BrowserContext] = {}
        self._idle: dict[tuple[str, bool], list[Page]] = {}
        self.reuse_pages = reuse_pages

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> Browser:
        c = settings.collect
        kwargs: dict[str, Any] = {
            "chromium_path": c.chromium_path,
            "timeout_s": c.page_timeout_s,
            "max_pages": c.max_contexts,
            "block_resources": c.block_resources,
        }
        kwargs.update(overrides)
        return cls(**kwargs)

    async def __aenter__(self) -> Browser:
        if not self.chromium_path.is_file():
            raise ConfigError(f"Chromium not found at {self.chromium_path} (collect.chromium_path)")
        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(
            executable_path=str(self.chromium_path),
            args=list(FLAGS),
            timeout=self.timeout_s * 1000,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        self._idle.clear()  # closed with their contexts
        for ctx in self._contexts.values():
            await ctx.close()
        self._contexts.clear()
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._pw is not None:
            await self._pw.stop()
            self._pw = None

    async def context(self, session: MonitoringSession) -> BrowserContext:
        if self._browser is None:
            raise CollectError("browser is not started")
        if session.name not in self._contexts:
            ctx = await self._browser.new_context(
                storage_state=session.storage_state,  # type: ignore[arg-type]
                service_workers="block",
                locale="id-ID",
                timezone_id="Asia/Jakarta",
            )
            ctx.set_default_timeout(self.timeout_s * 1000)
            ctx.set_default_navigation_timeout(self.timeout_s * 1000)
            self._contexts[session.name] = ctx
        return self._contexts[session.name]

    @asynccontextmanager
    async def page(
        self, session: MonitoringSession, *, platform: str, item: str, screenshots: bool = False
    ) -> AsyncIterator[CapturePage]:
        """A page in the session's context; resources blocked unless ``screenshots``.

        Pages are reused within a monitoring session (a new tab costs a renderer process):
        a page goes back to the pool only after a clean run and a trip to ``about:blank``,
        which aborts whatever the last page still had in flight.
        """
        async with self._slots:
            ctx = await self.context(session)
            pool = self._idle.setdefault((session.name, screenshots), [])
            page = pool.pop() if pool else await self._new_page(ctx, screenshots)
            capture = CapturePage(page, platform=platform, item=item, timeout_s=self.timeout_s)
            clean = False
            try:
                yield capture
                clean = True
            finally:
                capture.detach()
                if clean and self.reuse_pages and not page.is_closed():
                    try:
                        await page.goto("about:blank")
                        pool.append(page)
                    except PlaywrightError:
                        await page.close()
                else:
                    await page.close()

    async def _new_page(self, ctx: BrowserContext, screenshots: bool) -> Page:
        page = await ctx.new_page()
        if self.block_resources and not screenshots:
            await page.route("**/*", _block_heavy)
        return page


async def _block_heavy(route: Route) -> None:
    if route.request.resource_type in BLOCKED_TYPES:
        await route.abort()
    else:
        await route.continue_()


# -- a page that records what it loads --------------------------------------------------------
class CapturePage:
    """Wraps one Playwright page: navigate, capture document + data responses, scroll for more."""

    quiet_s = 0.15  # no data request in flight for this long = the page has loaded its data
    more_wait_s = 1.5  # how long a scroll may take to trigger the next page's request

    def __init__(self, page: Page, *, platform: str, item: str, timeout_s: float) -> None:
        self.page = page
        self.platform = platform
        self.item = item
        self.timeout_s = timeout_s
        self.max_pages = 5
        self._collector: Collector | None = None
        self._pending: set[Request] = set()
        self._bodies: list[asyncio.Task[RawCapture | CollectError]] = []
        self._started = False
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_done)
        page.on("requestfailed", self._on_done)
        page.on("response", self._on_response)

    def detach(self) -> None:
        """Stop listening (the page may serve the next account)."""
        self._started = False
        self.page.remove_listener("request", self._on_request)
        self.page.remove_listener("requestfinished", self._on_done)
        self.page.remove_listener("requestfailed", self._on_done)
        self.page.remove_listener("response", self._on_response)
        for task in self._bodies:
            task.cancel()
        self._bodies = []

    # event handlers ------------------------------------------------------------------------
    def _wanted(self, url: str) -> bool:
        if self._collector is None or not self._started:
            return False
        path = re.sub(r"^https?://[^/]+", "", url)
        return self._collector.is_api(path)

    def _on_request(self, request: Request) -> None:
        if request.resource_type in ("fetch", "xhr") and self._wanted(request.url):
            self._pending.add(request)

    def _on_done(self, request: Request) -> None:
        self._pending.discard(request)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.resource_type in ("fetch", "xhr") and self._wanted(response.url):
            self._bodies.append(asyncio.ensure_future(self._read(response)))

    async def _read(self, response: Response) -> RawCapture | CollectError:
        assert self._collector is not None
        url = response.url
        try:
            blocks.check_status(
                platform=self.platform, item=self.item, url=url, status=response.status
            )
            body = await response.body()
        except CollectError as exc:
            return exc
        except PlaywrightError as exc:
            return TruncatedResponseError(
                f"response body of {url} unreadable: {exc.message}",
                platform=self.platform,
                item=self.item,
            )
        op = self._collector.op_for(url)
        ctype = response.headers.get("content-type", "application/json").split(";")[0]
        return RawCapture(url=url, op=op, body=body, content_type=ctype, status=response.status)

    # navigation ----------------------------------------------------------------------------
    async def open(self, url: str, *, fetched: Fetched, collector: Collector) -> None:
        """Navigate to ``url``; record the document and the data responses it triggers."""
        self._collector = collector
        self._started = True
        try:
            response = await self.page.goto(url, wait_until="load")
        except PlaywrightTimeout as exc:
            raise CollectTimeoutError(
                f"page {url} did not load in {self.timeout_s:.0f}s",
                platform=self.platform,
                item=self.item,
            ) from exc
        except PlaywrightError as exc:
            raise self._net_error(url, exc) from exc
        if response is None:
            raise TruncatedResponseError(
                f"no response for {url}", platform=self.platform, item=self.item
            )
        final_url = self.page.url
        blocks.check_url(platform=self.platform, item=self.item, url=final_url)
        blocks.check_status(
            platform=self.platform, item=self.item, url=final_url, status=response.status
        )
        html = await self._body(response, final_url)
        doc = RawCapture(url=final_url, op="page", body=html, content_type="text/html", kind="page")
        parsed = self._parse(doc, fetched)
        fetched.learn_subject(parsed)
        fetched.captures.append((doc, parsed))
        await self._collect_responses(fetched)
        fetched.pages += 1
        has_data = any(not r.is_empty for r in fetched.results)
        blocks.check_page(
            platform=self.platform,
            item=self.item,
            url=final_url,
            html=html.decode("utf-8", "replace"),
            has_data=has_data,
        )

    async def paginate(
        self,
        *,
        fetched: Fetched,
        collector: Collector,
        since: datetime | None,
        overlap: timedelta,
    ) -> None:
        """Scroll for more pages while the oldest non-pinned post is still newer than the
        watermark minus the overlap (pinned posts are old on purpose: they never stop it)."""
        floor = since - overlap if since is not None else None
        while fetched.pages < self.max_pages and _wants_more(fetched, floor):
            before = len(self._bodies)
            await self.page.evaluate(
                "window.scrollTo(0, document.body.scrollHeight);"
                "window.dispatchEvent(new Event('scroll'))"
            )
            if not await self._await_new(before):
                break
            added = len(fetched.captures)
            await self._collect_responses(fetched)
            fetched.pages += 1
            if not any(not r.is_empty for _, r in fetched.captures[added:]):
                break
        fetched.complete = not (fetched.pages >= self.max_pages and _last_has_cursor(fetched))

    async def screenshot(self) -> bytes:
        try:
            return await self.page.screenshot(full_page=True, type="png")
        except PlaywrightTimeout as exc:
            raise CollectTimeoutError(
                "screenshot timed out", platform=self.platform, item=self.item
            ) from exc

    # internals -----------------------------------------------------------------------------
    async def _body(self, response: Response, url: str) -> bytes:
        try:
            return await response.body()
        except PlaywrightError as exc:
            raise self._net_error(url, exc) from exc

    async def _await_new(self, before: int, wait_s: float | None = None) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.more_wait_s if wait_s is None else wait_s)
        while loop.time() < deadline:
            if len(self._bodies) > before or self._pending:
                return True
            await asyncio.sleep(0.02)
        return False

    async def _collect_responses(self, fetched: Fetched) -> None:
        """Wait for the data requests in flight, then read, check and parse every body.

        Pages chain their requests (a profile lookup, then the timeline keyed by its id). After
        a response the collector declares as leading (``Collector.leading_ops``) we wait for the
        follow-up request itself, up to the page timeout, rather than trusting a quiet period.
        """
        assert self._collector is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        while True:
            await self._wait_quiet(deadline)
            tasks, self._bodies = self._bodies, []
            last = await self._absorb(tasks, fetched)
            if last is None or not self._collector.awaits_follow_up(*last):
                return
            if not await self._await_new(0, wait_s=max(0.0, deadline - loop.time())):
                return

    async def _wait_quiet(self, deadline: float) -> None:
        """Until no data request has been in flight for ``quiet_s``."""
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        while self._pending or loop.time() - quiet_since < self.quiet_s:
            if self._pending:
                quiet_since = loop.time()
            await asyncio.sleep(0.01)
            if loop.time() > deadline:
                raise CollectTimeoutError(
                    f"{len(self._pending)} data request(s) still pending after "
                    f"{self.timeout_s:.0f}s: {sorted(r.url for r in self._pending)[:3]}",
                    platform=self.platform,
                    item=self.item,
                )

    async def _absorb(
        self, tasks: list[asyncio.Task[RawCapture | CollectError]], fetched: Fetched
    ) -> tuple[str, ParseResult] | None:
        """Check and parse the gathered bodies; return the last one's (op, parse), if any."""
        seen = {c.sha256 for c, _ in fetched.captures}
        last: tuple[str, ParseResult] | None = None
        for outcome in await asyncio.gather(*tasks):
            if isinstance(outcome, CollectError):
                raise outcome
            blocks.check_json(
                platform=self.platform, item=self.item, url=outcome.url, body=outcome.body
            )
            if outcome.sha256 in seen:
                continue
            seen.add(outcome.sha256)
            parsed = self._parse(outcome, fetched)
            fetched.captures.append((outcome, parsed))
            last = (outcome.op, parsed)
        return last

    def _parse(self, capture: RawCapture, fetched: Fetched) -> ParseResult:
        """Parse a capture; a parser's wall marker becomes the matching typed error."""
        result = parse_raw(self.platform, capture, subject_id=fetched.subject_id)
        wall_error = WALL_ERRORS.get(result.wall)
        if wall_error is not None:
            raise wall_error(
                f"{result.wall.replace('_', ' ')} at {capture.url}",
                platform=self.platform,
                item=self.item,
            )
        return result

    def _net_error(self, url: str, exc: PlaywrightError) -> CollectError:
        message = exc.message
        if any(marker in message for marker in RESET_MARKERS):
            return TruncatedResponseError(
                f"connection reset loading {url}", platform=self.platform, item=self.item
            )
        if "Timeout" in message:
            return CollectTimeoutError(
                f"timed out loading {url}", platform=self.platform, item=self.item
            )
        return CollectError(
            f"loading {url} failed: {message.splitlines()[0]}",
            platform=self.platform,
            item=self.item,
        )


def _wants_more(fetched: Fetched, floor: datetime | None) -> bool:
    """More pages while the newest capture has a next cursor and the watermark is not reached."""
    if not _last_has_cursor(fetched):
        return False
    times = [
        p.created_at
        for r in fetched.results
        for p in r.posts
        if p.created_at is not None and not p.is_pinned and p.kind != "comment"
    ]
    return floor is None or not times or min(times) >= floor


def _last_has_cursor(fetched: Fetched) -> bool:
    """Whether the newest data response (or the page itself, when the data is embedded and
    nothing was fetched) names a next page."""
    payloads = [r for c, r in fetched.captures if c.kind == "payload"]
    last = payloads[-1] if payloads else (fetched.results[-1] if fetched.results else None)
    return last is not None and bool(last.cursors.get("bottom") or last.cursors.get("next"))
