"""The collector interface: one collector per platform (yt-dlp style).

A collector declares

- ``url_patterns``: which URLs it claims (a test checks no two collectors claim the same URL);
- ``api_patterns``: which responses the pages load are the platform's data (captured as evidence
  and parsed);
- ``capabilities``: for each act whether the platform lets us observe it and whether a logged-in
  monitoring session is needed (DOMAIN.md, "What each platform lets us see");

and offers three operations, each a public method wrapping private hooks:
:meth:`Collector.account_posts`, :meth:`Collector.post_engagement`, :meth:`Collector.following`.
Stray exceptions from a hook become one :class:`~pantau.errors.CollectError` naming the platform
and the item. Pages, browser contexts and limits are passed in, never created here.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, TypeVar

from pantau.collect.records import ParseResult
from pantau.errors import CollectError, LoginWallError, ParseError, TruncatedResponseError

if TYPE_CHECKING:
    from pantau.collect.browser import CapturePage

COLLECTOR_VERSION = "pantau-collect/0.1"


class Act(StrEnum):
    POSTS = "posts"
    COMMENTS = "comments"
    SHARES = "shares"
    LIKES_GIVEN = "likes_given"
    LIKERS_OF_POST = "likers_of_post"
    FOLLOWING = "following"


@dataclass(frozen=True)
class Capability:
    observable: bool
    needs_login: bool = False
    note: str = ""

    def usable(self, *, logged_in: bool) -> bool:
        return self.observable and (logged_in or not self.needs_login)


@dataclass(frozen=True)
class RawCapture:
    """One body the page loaded, exactly as served."""

    url: str
    op: str
    body: bytes
    content_type: str = "application/json"
    kind: str = "payload"  # payload | page
    status: int = 200

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class Fetched:
    """What one operation captured, each capture with its parse."""

    platform: str
    operation: str
    item: str
    captures: list[tuple[RawCapture, ParseResult]] = field(default_factory=list)
    pages: int = 0
    subject_id: str = ""  # whose list this is (post id for engagement), when known
    complete: bool = True  # False when pagination stopped at max_pages with more to read
    subject_handle: str = ""  # whose list this is, by handle: its id is learned from the page

    def learn_subject(self, result: ParseResult) -> None:
        """Take the subject's id from the page (list payloads such as TikTok's user/list name
        the account only by secUid, so the parser needs the id to build the edges)."""
        if self.subject_id or not self.subject_handle:
            return
        for account in result.accounts:
            if account.handle.lower() == self.subject_handle.lower():
                self.subject_id = account.account_id
                return

    @property
    def results(self) -> list[ParseResult]:
        return [result for _, result in self.captures]


@dataclass(frozen=True)
class PostRef:
    """A post whose engagement is collected (a watched account's post)."""

    post_id: str
    url: str
    author_handle: str = ""
    author_id: str = ""


T = TypeVar("T")


class Collector(ABC):
    platform: ClassVar[str]
    real_hosts: ClassVar[tuple[str, ...]]
    # Path patterns (after the host) of the URLs this collector claims; examples in ``tests``.
    path_patterns: ClassVar[tuple[str, ...]]
    api_patterns: ClassVar[tuple[str, ...]]
    capabilities: ClassVar[Mapping[Act, Capability]]
    example_urls: ClassVar[tuple[str, ...]]

    def __init__(self, *, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._api = [re.compile(p) for p in self.api_patterns]

    # -- declarations --------------------------------------------------------------------
    @classmethod
    def url_regexes(cls, base_url: str | None = None) -> list[re.Pattern[str]]:
        hosts = [re.escape(h) for h in cls.real_hosts]
        if base_url:
            hosts.append(re.escape(re.sub(r"^https?://", "", base_url.rstrip("/"))))
        host = "(?:" + "|".join(hosts) + ")"
        return [re.compile(rf"^https?://{host}{p}(?:[?#].*)?$") for p in cls.path_patterns]

    @classmethod
    def claims(cls, url: str, base_url: str | None = None) -> bool:
        return any(r.match(url) for r in cls.url_regexes(base_url))

    def is_api(self, path: str) -> bool:
        return any(r.search(path) for r in self._api)

    def capability(self, act: Act) -> Capability:
        return self.capabilities[act]

    # -- URLs ------------------------------------------------------------------------------
    @abstractmethod
    def profile_url(self, handle: str) -> str: ...

    def posts_url(self, handle: str, *, logged_in: bool) -> str:
        """The page listing an account's own posts (and comments, where shown)."""
        return self.profile_url(handle)

    def following_url(self, handle: str) -> str:
        return self.profile_url(handle).rstrip("/") + "/following"

    # -- operations (public: checks and error wrapping) ------------------------------------
    async def account_posts(
        self,
        *,
        page: CapturePage,
        handle: str,
        since: datetime | None,
        overlap: timedelta,
        logged_in: bool = False,
    ) -> Fetched:
        """An account's posts, comments and shares newer than ``since - overlap``."""
        url = self.posts_url(handle, logged_in=logged_in)
        return await self._run(handle, lambda: self._account_posts(page, url, since, overlap))

    async def post_engagement(
        self, *, page: CapturePage, post: PostRef, logged_in: bool
    ) -> Fetched:
        """Likers, commenters and resharers of a (watched account's) post, as far as visible."""
        return await self._run(post.url, lambda: self._post_engagement(page, post, logged_in))

    async def following(self, *, page: CapturePage, handle: str, logged_in: bool) -> Fetched:
        """An account's following list (a snapshot; diffed by the service)."""
        cap = self.capability(Act.FOLLOWING)
        if not cap.usable(logged_in=logged_in):
            raise LoginWallError(
                "following list needs a logged-in monitoring session",
                platform=self.platform,
                item=handle,
            )
        return await self._run(handle, lambda: self._following(page, handle))

    async def _run(self, item: str, hook: Callable[[], Awaitable[T]]) -> T:
        try:
            return await hook()
        except CollectError:
            raise
        except Exception as exc:  # a collector bug or a page surprise: one typed error
            raise CollectError(
                f"{type(exc).__name__}: {exc}", platform=self.platform, item=item
            ) from exc

    # -- hooks (private, per platform) -----------------------------------------------------
    async def _account_posts(
        self, page: CapturePage, url: str, since: datetime | None, overlap: timedelta
    ) -> Fetched:
        fetched = Fetched(self.platform, "posts", url)
        await page.open(url, fetched=fetched, collector=self)
        self._require_data(fetched)
        await page.paginate(fetched=fetched, collector=self, since=since, overlap=overlap)
        return fetched

    def _require_data(self, fetched: Fetched) -> None:
        """A profile always yields at least its account: no records at all means the page or
        its responses were not what the platform serves (never "nothing found")."""
        if all(result.is_empty for result in fetched.results) and not self._has_empty_list(fetched):
            raise TruncatedResponseError(
                f"no platform data in the page or its {len(fetched.captures) - 1} response(s)",
                platform=self.platform,
                item=fetched.item,
            )

    @abstractmethod
    async def _post_engagement(
        self, page: CapturePage, post: PostRef, logged_in: bool
    ) -> Fetched: ...

    async def _following(self, page: CapturePage, handle: str) -> Fetched:
        fetched = Fetched(self.platform, "following", handle, subject_handle=handle)
        await page.open(self.following_url(handle), fetched=fetched, collector=self)
        self._require_data(fetched)
        await page.paginate(fetched=fetched, collector=self, since=None, overlap=timedelta(0))
        return fetched

    def _has_empty_list(self, fetched: Fetched) -> bool:
        """Whether the captures show a well-formed but empty list (platform-specific)."""
        return False

    # Operations after which the platform's page always issues another data request (a profile
    # lookup, then the timeline it keys). Collection waits for that follow-up instead of
    # guessing from a quiet period, which a loaded machine can stretch.
    leading_ops: ClassVar[frozenset[str]] = frozenset()

    def awaits_follow_up(self, op: str, parsed: ParseResult) -> bool:
        """Whether a page that has just loaded ``op`` will request more data: a leading op that
        found a public account (a private one's page stops there, as on the real sites)."""
        return (
            op in self.leading_ops
            and bool(parsed.accounts)
            and not any(account.is_private for account in parsed.accounts)
        )

    def op_for(self, url: str) -> str:
        """The operation name a captured URL represents (X: the GraphQL op in the path)."""
        path = re.sub(r"^https?://[^/]+", "", url).split("?", 1)[0]
        graphql = re.search(r"/graphql/[^/]+/(\w+)$", path)
        if graphql:  # X: the operation name follows the rotating query id
            return graphql.group(1)
        for marker in ("/api/v1/", "/api/"):
            if marker in path:  # Instagram / TikTok: the endpoint, ids masked
                rest = path.split(marker, 1)[1].strip("/")
                return re.sub(r"\d{5,}", "{id}", rest) or "api"
        return path.strip("/").split("/")[-1] or "page"


def all_collectors() -> list[type[Collector]]:
    from pantau.collect.platforms.facebook.collector import FacebookCollector
    from pantau.collect.platforms.instagram.collector import InstagramCollector
    from pantau.collect.platforms.tiktok.collector import TikTokCollector
    from pantau.collect.platforms.x.collector import XCollector

    return [XCollector, InstagramCollector, FacebookCollector, TikTokCollector]


def collector_for(platform: str, *, base_url: str) -> Collector:
    for cls in all_collectors():
        if cls.platform == platform:
            return cls(base_url=base_url)
    raise CollectError(f"no collector for platform {platform!r}", platform=platform)


def parse_raw(platform: str, capture: RawCapture, *, subject_id: str = "") -> ParseResult:
    """Parse one capture with the stage's pure parsers; ``raw_ref`` is the capture's hash.

    The parsers pick the payload shape from the URL or the body; a page whose HTML carries no
    data the parser knows (an X app shell) yields an empty result rather than an error.
    """
    from pantau.collect.parse import parse_capture

    try:
        result = parse_capture(
            platform, capture.body, url=capture.url, subject_id=subject_id, raw_ref=capture.sha256
        )
    except ParseError:
        if capture.kind != "page":
            raise
        return ParseResult(platform=platform, op="page", raw_ref=capture.sha256)
    return result
