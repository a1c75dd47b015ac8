"""Lenient readers shared by the platform parsers.

Only identity fields may fail a parse (:func:`require_id`); every other field goes through
these helpers, which return ``None``/``""`` instead of raising when a platform moves or drops a
field (yt-dlp's "mandatory and optional metafields").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from pantau.collect.records import (
    AccountRecord,
    EdgeRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)
from pantau.errors import ParseError

JsonObj = dict[str, Any]


def load_json(body: bytes | str, *, platform: str, item: str) -> Any:
    """Decode a JSON body; a body that is not JSON is a parse error of the whole capture."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    # Some endpoints prefix JSON with an anti-hijacking guard (``for (;;);``).
    text = text.lstrip()
    for guard in ("for (;;);", "while(1);", ")]}'"):
        if text.startswith(guard):
            text = text[len(guard) :]
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ParseError(f"body is not JSON: {exc}", platform=platform, item=item) from exc


def as_text(body: bytes | str) -> str:
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def dig(obj: Any, *path: str | int) -> Any:
    """``obj[p0][p1]...`` or ``None`` when any step is missing or of the wrong type."""
    cur = obj
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or not -len(cur) <= step < len(cur):
                return None
            cur = cur[step]
        else:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(step)
        if cur is None:
            return None
    return cur


def as_obj(value: Any) -> JsonObj:
    """``value`` if it is a dict, else an empty dict (so ``.get`` chains never fail)."""
    return value if isinstance(value, dict) else {}


def first(*values: Any) -> Any:
    """The first value that is not ``None`` nor an empty string."""
    for value in values:
        if value is not None and value != "":
            return value
    return None


def opt_str(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def opt_id(value: Any) -> str | None:
    """An id as a string (ints kept exact), or ``None`` for missing/zero-like ids."""
    text = opt_str(value).strip()
    return text if text and text not in {"0", "None", "null"} else None


def require_id(value: Any, *, platform: str, item: str, field: str) -> str:
    """An identity field: missing means the record cannot be keyed, so the parse fails."""
    ident = opt_id(value)
    if ident is None:
        raise ParseError(f"missing identity field {field!r}", platform=platform, item=item)
    return ident


def opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip().replace(",", "")
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None


def opt_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def opt_float(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def from_unix(value: Any) -> datetime | None:
    """Unix seconds (or milliseconds) to aware UTC; ``None`` when absent or nonsense."""
    number = opt_float(value)
    if number is None or number <= 0:
        return None
    if number > 1e11:  # milliseconds
        number /= 1000.0
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def from_rfc2822(value: Any) -> datetime | None:
    """X's ``Sat Dec 14 04:35:55 +0000 2013`` (and ordinary RFC-2822) to aware UTC."""
    text = opt_str(value).strip()
    if not text:
        return None
    match = re.fullmatch(r"\w{3} (\w{3}) (\d{1,2}) (\d\d:\d\d:\d\d) ([+-]\d{4}) (\d{4})", text)
    try:
        if match:
            month, day, hms, zone, year = match.groups()
            parsed = datetime.strptime(f"{day} {month} {year} {hms} {zone}", "%d %b %Y %H:%M:%S %z")
        else:
            parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_iso(value: Any) -> datetime | None:
    text = opt_str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]+)")


def hashtags_in(text: str) -> tuple[str, ...]:
    return unique(HASHTAG_RE.findall(text))


def mentions_in(text: str) -> tuple[str, ...]:
    return unique(m.rstrip(".") for m in MENTION_RE.findall(text))


def unique(values: Any) -> tuple[str, ...]:
    """Distinct non-empty strings, first occurrence order."""
    seen: dict[str, None] = {}
    for value in values:
        text = opt_str(value)
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def url_variables(url: str) -> JsonObj:
    """The GraphQL ``variables`` JSON of a request URL, merged over its plain query arguments."""
    if not url:
        return {}
    query = parse_qs(urlparse(url).query)
    out: JsonObj = {k: v[0] for k, v in query.items() if v}
    raw = out.pop("variables", None)
    if raw:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            out.update(decoded)
    return out


def url_path(url: str) -> str:
    return urlparse(url).path if url else ""


def walk(obj: Any) -> Iterator[JsonObj]:
    """Every dict inside ``obj`` (depth first, itself included)."""
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(reversed(list(cur.values())))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))


def script_json(page: str, element_id: str) -> Any:
    """The JSON inside ``<script id="element_id" ...>...</script>``, or ``None``."""
    match = re.search(
        r"<script[^>]*\bid=[\"']" + re.escape(element_id) + r"[\"'][^>]*>(.*?)</script>",
        page,
        re.DOTALL,
    )
    if not match:
        return None
    try:
        return json.loads(
            html.unescape(match.group(1)) if "&quot;" in match.group(1) else match.group(1)
        )
    except ValueError:
        return None


def json_scripts(page: str) -> Iterator[Any]:
    """Every ``<script type="application/json">`` body that decodes (Facebook/Instagram sjs)."""
    for match in re.finditer(
        r"<script[^>]*type=[\"']application/json[\"'][^>]*>(.*?)</script>", page, re.DOTALL
    ):
        try:
            yield json.loads(match.group(1))
        except ValueError:
            continue


class RecordBuilder:
    """Collects one payload's records, de-duplicated by id (the last sighting wins)."""

    def __init__(self, platform: str, op: str) -> None:
        self.platform = platform
        self.op = op
        self.accounts: dict[str, AccountRecord] = {}
        self.posts: dict[str, PostRecord] = {}
        self.metrics: dict[str, MetricsRecord] = {}
        self.edges: dict[tuple[str, str, str, str], EdgeRecord] = {}
        self.cursors: dict[str, str] = {}

    def account(self, record: AccountRecord | None, *, replace: bool = True) -> str | None:
        """Add an account (keeping an earlier, fuller one when ``replace`` is false)."""
        if record is None:
            return None
        if replace or record.account_id not in self.accounts:
            self.accounts[record.account_id] = record
        return record.account_id

    def edge(self, edge: EdgeRecord) -> None:
        self.edges[(edge.actor_id, edge.verb, edge.target_type, edge.target_id)] = edge

    def result(self, wall: str = "") -> ParseResult:
        return ParseResult(
            platform=self.platform,
            op=self.op,
            accounts=list(self.accounts.values()),
            posts=list(self.posts.values()),
            metrics=list(self.metrics.values()),
            edges=list(self.edges.values()),
            cursors=dict(self.cursors),
            wall=wall,
        )
