"""One entry point for the pure parsers: ``parse_capture(platform, body, url=, op=)``.

Each platform's ``parse`` picks the payload shape itself (from ``op``, the request URL, or by
sniffing the body), so a collector only says which platform a capture came from. Any stray
error inside a parser becomes one :class:`~pantau.errors.ParseError` naming platform and item.
"""

from __future__ import annotations

from collections.abc import Callable

from pantau.collect.platforms.facebook import parse as facebook
from pantau.collect.platforms.instagram import parse as instagram
from pantau.collect.platforms.tiktok import parse as tiktok
from pantau.collect.platforms.x import parse as x
from pantau.collect.records import PLATFORMS, ParseResult
from pantau.errors import ParseError

Parser = Callable[..., ParseResult]

PARSERS: dict[str, Parser] = {
    "x": x.parse,
    "instagram": instagram.parse,
    "tiktok": tiktok.parse,
    "facebook": facebook.parse,
}
ALIASES = {"twitter": "x", "ig": "instagram", "fb": "facebook", "tt": "tiktok"}


def normalize_platform(platform: str) -> str:
    """``X``/``twitter`` -> ``x`` etc.; unknown names raise :class:`ParseError`."""
    name = ALIASES.get(platform.strip().lower(), platform.strip().lower())
    if name not in PLATFORMS:
        raise ParseError(
            f"unknown platform {platform!r} (expected one of {', '.join(PLATFORMS)})",
            platform=platform,
        )
    return name


def parse_capture(
    platform: str,
    body: bytes | str,
    *,
    url: str = "",
    op: str = "",
    subject_id: str = "",
    raw_ref: str = "",
) -> ParseResult:
    """Parse one captured body of ``platform`` into records.

    ``url`` (the request URL) and ``op`` (e.g. the GraphQL operation name) help pick the
    shape; ``subject_id`` names the account or post a list belongs to when the URL does not
    (who follows / reposted / liked *what*); ``raw_ref`` is the capture's SHA-256.
    """
    name = normalize_platform(platform)
    try:
        result = PARSERS[name](body, op=op, url=url, subject_id=subject_id)
    except ParseError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ParseError(
            f"parser failed: {type(exc).__name__}: {exc}", platform=name, item=url or op
        ) from exc
    return result.with_raw_ref(raw_ref) if raw_ref else result
