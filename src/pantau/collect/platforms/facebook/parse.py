"""Facebook (Comet): Relay preloads in page HTML and ``/api/graphql/`` bodies -> records. Pure.

A logged-out profile or Page embeds ``ProfileCometTimelineFeedQuery`` results as
``{"__bbox": {"result": {"data": ...}}}`` inside ``<script>`` calls; ``/api/graphql/`` pages
return the same ``data`` (often several JSON documents, one per line). Each
``timeline_list_feed_units.edges[].node`` is a ``Story``: its fields are scattered through
``comet_sections``, so they are looked up by name inside the story (never inside its
``attached_story``, which is the shared post). Login walls are reported in ``ParseResult.wall``.

On a post page a logged-in session also loads ``CommentsListComponentsPaginationQuery``
(``data.node`` = the post's ``Feedback``; its ``comment_rendering_instance_for_feed_location`` or
``comment_list_renderer`` holds ``comments.edges[].node`` Comment nodes) and
``CometUFIReactionsDialogQuery`` (``reactors.edges[].node`` users). The post they belong to is the
Feedback id (base64 ``feedback:{post_id}``) or, failing that, the caller's ``subject_id``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlparse

from pantau.collect.parsekit import (
    JsonObj,
    as_obj,
    as_text,
    first,
    from_unix,
    hashtags_in,
    mentions_in,
    opt_id,
    opt_int,
    opt_str,
    require_id,
    walk,
)
from pantau.collect.records import (
    WALL_LOGIN,
    AccountRecord,
    EdgeRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)
from pantau.errors import ParseError

PLATFORM = "facebook"
_DECODER = json.JSONDecoder()
_SKIP = frozenset({"attached_story"})
OP_COMMENTS = "CommentsListComponentsPaginationQuery"
OP_REACTORS = "CometUFIReactionsDialogQuery"
# Where Comet puts a Feedback's comment connection (the feed and the permalink renderers).
_COMMENT_HOLDERS = ("comment_rendering_instance_for_feed_location", "comment_list_renderer")

Edges = dict[tuple[str, str, str, str], EdgeRecord]


def parse(body: bytes | str, *, op: str = "", url: str = "", subject_id: str = "") -> ParseResult:
    """Parse one Facebook page or GraphQL body."""
    text = as_text(body)
    # Anything that is not JSON is read as a page (HTML, or a recording of one).
    is_page = not text.lstrip().startswith(("{", "[", "for (;;);"))
    documents = list(_bboxes(text)) if is_page else list(_json_documents(text, url or op))
    posts: dict[str, PostRecord] = {}
    metrics: dict[str, MetricsRecord] = {}
    accounts: dict[str, AccountRecord] = {}
    edges: Edges = {}
    cursors: dict[str, str] = {}
    kind = "" if is_page else _feedback_op(op, text)
    for doc in documents if kind else ():
        _feedback_doc(doc, kind, subject_id, posts, metrics, accounts, edges, cursors)
    for doc in documents if not kind else ():
        for node in walk(doc):
            feed = node.get("timeline_list_feed_units")
            if isinstance(feed, dict):
                info = as_obj(feed.get("page_info"))
                if info.get("has_next_page") and info.get("end_cursor"):
                    cursors["next"] = opt_str(info.get("end_cursor"))
            if node.get("__typename") == "Story" and opt_id(node.get("post_id")):
                _story(node, posts, metrics, accounts, edges)
    wall = WALL_LOGIN if is_page and not posts and is_login_wall(text) else ""
    return ParseResult(
        platform=PLATFORM,
        op=op or kind or ("page" if is_page else "graphql"),
        accounts=list(accounts.values()),
        posts=list(posts.values()),
        metrics=list(metrics.values()),
        edges=list(edges.values()),
        cursors=cursors,
        wall=wall,
    )


def is_login_wall(page: str) -> bool:
    """True when Facebook served its login form instead of the requested content."""
    title = re.search(r"<title[^>]*>(.*?)</title>", page, re.DOTALL | re.I)
    if title and re.search(r"log\s*in(to)?\s*(to\s*)?facebook", title.group(1), re.I):
        return True
    return bool(re.search(r"id=\"login_form\"|name=\"login\"|/login/\?next=", page)) and (
        "timeline_list_feed_units" not in page
    )


def _bboxes(page: str) -> Iterator[Any]:
    """Every ``"__bbox": {...}`` object embedded in the page's scripts."""
    for match in re.finditer(r"\"__bbox\":\s*", page):
        try:
            obj, _ = _DECODER.raw_decode(page, match.end())
        except ValueError:
            continue
        yield obj


def _json_documents(text: str, item: str) -> Iterator[Any]:
    """One or more JSON documents (``/api/graphql/`` streams them line by line)."""
    text = text.strip()
    if text.startswith("for (;;);"):
        text = text[len("for (;;);") :]
    pos, found = 0, False
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            obj, pos = _DECODER.raw_decode(text, pos)
        except ValueError as exc:
            if found:
                return
            raise ParseError(f"body is not JSON: {exc}", platform=PLATFORM, item=item) from exc
        found = True
        yield obj


def _find(node: Any, key: str, want: type | tuple[type, ...] = object) -> Any:
    """The first value under ``key`` (pre-order) whose type is ``want``, skipping shares."""
    stack: list[Any] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            value = cur.get(key)
            if value is not None and isinstance(value, want):
                return value
            stack.extend(reversed([v for k, v in cur.items() if k not in _SKIP]))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))
    return None


def _attached(story: JsonObj) -> JsonObj | None:
    for candidate in (story.get("attached_story"), _find_attached(story)):
        if isinstance(candidate, dict) and opt_id(candidate.get("post_id") or candidate.get("id")):
            return candidate
    return None


def _find_attached(story: JsonObj) -> Any:
    for node in walk(story.get("comet_sections")):
        value = node.get("attached_story")
        if isinstance(value, dict):
            return value
    return None


def _story(
    story: JsonObj,
    posts: dict[str, PostRecord],
    metrics: dict[str, MetricsRecord],
    accounts: dict[str, AccountRecord],
    edges: Edges,
) -> str:
    post_id = require_id(story.get("post_id"), platform=PLATFORM, item="story", field="post_id")
    actors = _find(story, "actors", list) or []
    actor = as_obj(actors[0]) if actors else {}
    author = _account(actor)
    if author is not None:
        accounts.setdefault(author.account_id, author)
    shared = _attached(story)
    shared_id = None
    if shared is not None and opt_id(shared.get("post_id")):
        shared_id = _story({**shared, "__typename": "Story"}, posts, metrics, accounts, edges)
    text = opt_str(first(_find(_find(story, "message", dict), "text", str), ""))
    created = from_unix(_find(story, "creation_time", (int, float, str)))
    record = PostRecord(
        platform=PLATFORM,
        post_id=post_id,
        author_id=author.account_id if author else "",
        kind="repost" if shared_id else "original",
        author_handle=author.handle if author else "",
        created_at=created,
        text=text,
        url=_permalink(story),
        reposted_post_id=shared_id,
        hashtags=hashtags_in(text),
        mentions=mentions_in(text),
    )
    previous = posts.get(post_id)
    if previous is None or _filled(record) >= _filled(previous):
        posts[post_id] = record
    counts = MetricsRecord(
        platform=PLATFORM,
        post_id=post_id,
        likes=opt_int(_find(_find(story, "reaction_count", dict), "count")),
        comments=opt_int(
            first(
                _find(_find(story, "comment_count", dict), "total_count"),
                _find(_find(story, "comment_rendering_instance", dict), "total_count"),
            )
        ),
        reposts_shares=opt_int(_find(_find(story, "share_count", dict), "count")),
    )
    if post_id not in metrics or counts.likes is not None:
        metrics[post_id] = counts
    if shared_id and author is not None:
        edge = EdgeRecord(
            PLATFORM, author.account_id, "repost", "post", shared_id, "timeline(account)", created
        )
        edges[(edge.actor_id, "repost", "post", shared_id)] = edge
    return post_id


def _filled(record: PostRecord) -> int:
    return sum(bool(v) for v in (record.text, record.created_at, record.author_id, record.url))


def _permalink(story: JsonObj) -> str:
    for key in ("wwwURL", "permalink_url", "url"):
        value = _find(story, key, str)
        if value and "facebook.com" in value and not re.search(r"/people/|profile\.php", value):
            return str(value)
    return ""


def _account(actor: JsonObj) -> AccountRecord | None:
    actor_id = opt_id(actor.get("id"))
    if actor_id is None:
        return None
    url = opt_str(actor.get("url"))
    return AccountRecord(
        platform=PLATFORM,
        account_id=actor_id,
        handle=_vanity(url),
        display_name=opt_str(actor.get("name")),
        url=url,
        avatar_url=opt_str(_find(actor.get("profile_picture"), "uri", str) or ""),
    )


def _vanity(url: str) -> str:
    """``facebook.com/<vanity>`` -> vanity; ``/people/...`` and ``profile.php`` have none."""
    if not url:
        return ""
    path = unquote(urlparse(url).path).strip("/")
    if not path or path.startswith(("people/", "profile.php", "pages/", "groups/")):
        return ""
    return path.split("/")[0]


# -- comments and reactors of one post (logged-in post page) ------------------------------------


def _feedback_op(op: str, text: str) -> str:
    """The feedback operation a GraphQL body answers: from the friendly name, else sniffed."""
    if op in (OP_COMMENTS, OP_REACTORS):
        return op
    if any(f'"{key}"' in text for key in _COMMENT_HOLDERS):
        return OP_COMMENTS
    if re.search(r'"reactors":\{[^{}]*"edges"', text) and "timeline_list_feed_units" not in text:
        return OP_REACTORS
    return ""


def _feedback_nodes(doc: Any) -> Iterator[JsonObj]:
    """Each Feedback node answering the query: ``data.node`` / ``data.feedback`` (Comet's two
    spellings), else any ``Feedback`` found by walking (never a comment's own feedback)."""
    data = as_obj(as_obj(doc).get("data"))
    found = [as_obj(data.get(key)) for key in ("node", "feedback") if as_obj(data.get(key))]
    if not found:
        found = [n for n in walk(data) if n.get("__typename") == "Feedback"][:1]
    yield from found


def _target_post(feedback: JsonObj, subject_id: str) -> str:
    """The post a Feedback belongs to: its id decodes to ``feedback:{post_id}``."""
    raw = opt_str(feedback.get("id"))
    try:
        tag, _, post_id = base64.b64decode(raw + "=" * (-len(raw) % 4)).decode().partition(":")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        tag, post_id = "", ""
    found = opt_id(post_id) if tag == "feedback" else None
    return require_id(
        found or subject_id, platform=PLATFORM, item=raw or "feedback", field="feedback.id"
    )


def _connection(feedback: JsonObj, kind: str) -> JsonObj:
    """The ``{edges, page_info}`` connection of comments or reactors inside a Feedback."""
    if kind == OP_REACTORS:
        return as_obj(feedback.get("reactors"))
    for holder in _COMMENT_HOLDERS:
        comments = as_obj(as_obj(feedback.get(holder)).get("comments"))
        if comments:
            return comments
    return as_obj(feedback.get("comments"))


def _feedback_doc(
    doc: Any,
    kind: str,
    subject_id: str,
    posts: dict[str, PostRecord],
    metrics: dict[str, MetricsRecord],
    accounts: dict[str, AccountRecord],
    edges: Edges,
    cursors: dict[str, str],
) -> None:
    for feedback in _feedback_nodes(doc):
        conn = _connection(feedback, kind)
        if not conn:
            continue
        target = _target_post(feedback, subject_id)
        info = as_obj(conn.get("page_info"))
        if info.get("has_next_page") and info.get("end_cursor"):
            cursors["next"] = opt_str(info.get("end_cursor"))
        for edge in conn.get("edges") or []:
            node = as_obj(as_obj(edge).get("node"))
            if kind == OP_REACTORS:
                _reactor(node, target, accounts, edges)
            else:
                _comment(node, target, posts, metrics, accounts, edges)


def _reactor(node: JsonObj, target: str, accounts: dict[str, AccountRecord], edges: Edges) -> None:
    # Every reaction (Like, Love, Care, ...) is read as a like: the domain has one verb for it.
    account = _account(node)
    if account is None:  # a reactor without an id cannot be keyed
        raise ParseError(
            "missing identity field 'node.id'", platform=PLATFORM, item=f"reactors of {target}"
        )
    accounts.setdefault(account.account_id, account)
    edge = EdgeRecord(PLATFORM, account.account_id, "like", "post", target, "reactors(post)")
    edges[(account.account_id, "like", "post", target)] = edge


def _comment_id(node: JsonObj) -> str | None:
    """``legacy_fbid``, else the tail of the base64 ``comment:{post}_{comment}`` id."""
    legacy = opt_id(node.get("legacy_fbid"))
    if legacy:
        return legacy
    raw = opt_str(node.get("id"))
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    tag, _, rest = decoded.partition(":")
    return opt_id(rest.rpartition("_")[2]) if tag == "comment" else None


def _comment(
    node: JsonObj,
    target: str,
    posts: dict[str, PostRecord],
    metrics: dict[str, MetricsRecord],
    accounts: dict[str, AccountRecord],
    edges: Edges,
) -> None:
    item = f"comments of {target}"
    comment_id = require_id(_comment_id(node), platform=PLATFORM, item=item, field="legacy_fbid")
    author = _account(as_obj(node.get("author")))
    if author is not None:
        accounts.setdefault(author.account_id, author)
    text = opt_str(first(as_obj(node.get("body")).get("text"), ""))
    created = from_unix(first(node.get("created_time"), node.get("creation_time")))
    posts[comment_id] = PostRecord(
        platform=PLATFORM,
        post_id=comment_id,
        author_id=author.account_id if author else "",
        kind="comment",
        author_handle=author.handle if author else "",
        created_at=created,
        text=text,
        url=opt_str(node.get("url")),
        parent_post_id=target,
        root_post_id=target,
        hashtags=hashtags_in(text),
        mentions=mentions_in(text),
    )
    reactors = as_obj(as_obj(node.get("feedback")).get("reactors"))
    metrics[comment_id] = MetricsRecord(
        platform=PLATFORM, post_id=comment_id, likes=opt_int(reactors.get("count"))
    )
    if author is not None:
        edge = EdgeRecord(
            PLATFORM, author.account_id, "comment", "post", target, "comments(post)", created
        )
        edges[(author.account_id, "comment", "post", target)] = edge
