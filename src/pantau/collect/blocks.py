"""Block detection: turn what a platform answered into typed errors (``pantau.errors``).

A platform that refuses us rarely says so plainly: it redirects to a login page, serves a
captcha, answers HTTP 429 or a JSON error body, or sends an empty or cut-off body. Each case
becomes one :class:`~pantau.errors.CollectError` subclass whose ``reason`` is what
``AccountCrawl.reason`` records, so a blocked account is never reported as clean.

Page checks use markers specific enough not to fire on ordinary pages (every real page's
scripts mention "login", "checkpoint" and "captcha" somewhere).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from pantau.errors import (
    ChallengeError,
    CollectError,
    LoginWallError,
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    TruncatedResponseError,
)

LOGIN_PATHS = re.compile(
    r"^/(?:login(?:\.php)?|i/flow/login|accounts/login|login/device-based)(?:/|$)", re.I
)
CHALLENGE_PATHS = re.compile(r"^/(?:checkpoint|challenge|captcha|account/access)(?:/|$)", re.I)
LOGIN_FORM = re.compile(
    r"<form[^>]+(?:id=\"(?:login_form|loginForm)\"|action=\"[^\"]*/login)", re.I
)
CHALLENGE_MARKERS = re.compile(
    r"<title>\s*(?:Security Check|Verify|Checkpoint)"
    r"|id=\"captcha-verify|data-pantau-block=\"challenge\"",
    re.I,
)
JSON_LOGIN = ("login_required", "require_login", "LoginRequired")
JSON_CHALLENGE = ("checkpoint_required", "challenge_required", "captcha")
JSON_RATE = ("rate limit", "please wait a few minutes", "too many requests")
# X error codes: 88 rate limit, 429 too many requests, 326 locked, 32 not authenticated.
X_RATE_CODES = {88, 429}
X_LOGIN_CODES = {32, 215, 239}
X_CHALLENGE_CODES = {326}


def check_status(*, platform: str, item: str, url: str, status: int) -> None:
    """Raise for an HTTP status that is a refusal (429, 401/403, 404/410)."""
    where = f"HTTP {status} from {url}"
    if status == 429:
        raise RateLimitedError(where, platform=platform, item=item)
    if status in (401, 403):
        raise LoginWallError(where, platform=platform, item=item)
    if status in (404, 410):
        raise NotFoundError(where, platform=platform, item=item)
    if status >= 500:
        raise TruncatedResponseError(f"{where} (server error)", platform=platform, item=item)


def check_url(*, platform: str, item: str, url: str) -> None:
    """Raise when navigation ended on a login or challenge page."""
    path = urlsplit(url).path
    if LOGIN_PATHS.match(path):
        raise LoginWallError(f"redirected to a login page ({url})", platform=platform, item=item)
    if CHALLENGE_PATHS.match(path):
        raise ChallengeError(f"redirected to a challenge ({url})", platform=platform, item=item)


def check_page(*, platform: str, item: str, url: str, html: str, has_data: bool) -> None:
    """Raise when a page is a wall rather than content.

    ``has_data`` says whether any embedded page data or JSON response was found: a logged-out
    Facebook page carries a login form beside real content, which is not a wall.
    """
    check_url(platform=platform, item=item, url=url)
    if not html.strip():
        raise TruncatedResponseError(f"empty page {url}", platform=platform, item=item)
    if CHALLENGE_MARKERS.search(html):
        raise ChallengeError(f"challenge page at {url}", platform=platform, item=item)
    if not has_data and LOGIN_FORM.search(html):
        raise LoginWallError(f"login wall at {url}", platform=platform, item=item)


def check_json(*, platform: str, item: str, url: str, body: bytes) -> object:
    """Decode a JSON body or raise: empty/cut-off bodies, error bodies that mean a block.

    Facebook's ``/api/graphql/`` streams several JSON objects, one per line (the page, then its
    ``page_info`` and deferred parts): such a body decodes to the list of its objects.
    """
    if not body.strip():
        raise TruncatedResponseError(f"empty body from {url}", platform=platform, item=item)
    try:
        data: object = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        data = _json_lines(body)
        if data is None:
            raise TruncatedResponseError(
                f"malformed or truncated JSON from {url} ({len(body)} bytes): {exc}",
                platform=platform,
                item=item,
            ) from exc
    for part in data if isinstance(data, list) else [data]:
        if isinstance(part, dict):
            _check_error_body(platform=platform, item=item, url=url, data=part)
    return data


def _json_lines(body: bytes) -> list[object] | None:
    """The objects of a newline-delimited JSON stream, or None if any line is not JSON."""
    try:
        lines = [line for line in body.decode("utf-8").splitlines() if line.strip()]
        if len(lines) < 2:
            return None
        return [json.loads(line) for line in lines]
    except (ValueError, UnicodeDecodeError):
        return None


def _check_error_body(*, platform: str, item: str, url: str, data: dict[str, object]) -> None:
    errors = data.get("errors")
    if isinstance(errors, list) and errors and not data.get("data"):
        codes = {e.get("code") for e in errors if isinstance(e, dict)}
        text = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
        exc_type: type[CollectError] = CollectError
        if codes & X_RATE_CODES:
            exc_type = RateLimitedError
        elif codes & X_LOGIN_CODES:
            exc_type = LoginWallError
        elif codes & X_CHALLENGE_CODES:
            exc_type = ChallengeError
        raise exc_type(f"error body from {url}: {text}", platform=platform, item=item)
    message = " ".join(
        str(data.get(k, ""))
        for k in (
            "message",
            "error_type",
            "status_msg",
            "error",
            "errorSummary",
            "errorDescription",
        )
    )
    lowered = message.lower()
    if data.get("require_login") is True or any(m.lower() in lowered for m in JSON_LOGIN):
        raise LoginWallError(f"login required at {url}", platform=platform, item=item)
    if any(m in lowered for m in JSON_CHALLENGE):
        raise ChallengeError(
            f"challenge required at {url}: {message}", platform=platform, item=item
        )
    if any(m in lowered for m in JSON_RATE):
        raise RateLimitedError(f"rate limited at {url}: {message}", platform=platform, item=item)


def check_profile(*, platform: str, item: str, exists: bool, is_private: bool | None) -> None:
    """Raise for an account that is gone or private (after a successful parse)."""
    if not exists:
        raise NotFoundError("account not found", platform=platform, item=item)
    if is_private:
        raise PrivateAccountError("account is private", platform=platform, item=item)
