"""Reading observations for detection: registered accounts, the watch index, posts and edges
of registered ASN accounts in id-ordered batches, predictions and referenced posts.

Only registered, active ASN accounts are examined (DOMAIN.md safeguard 2). A post or edge
belongs to one when its author/actor id is the account's ``native_id``; an account registered
by handle alone is matched through the collected profile with that handle (``SocialAccount``)
or, for posts, the post's ``author_handle``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from pantau.classify.models import Prediction
from pantau.collect.models import Edge, Post, SocialAccount
from pantau.detect.rules.context import (
    AccountView,
    EdgeView,
    PostView,
    Suggestion,
    WatchedView,
    WatchIndex,
)
from pantau.registry.models import Account, CivilServant, Side, WatchedAccount

BATCH = 500
Row = TypeVar("Row", Post, Edge)


@dataclass(frozen=True)
class Owner:
    """A registered account with the civil servant's agency and region (copied to flags)."""

    view: AccountView
    agency_id: int | None
    region_code: str


@dataclass
class AccountBook:
    """Active registered accounts by id, by (platform, native id) and by (platform, handle)."""

    by_id: dict[int, Owner] = field(default_factory=dict)
    by_native: dict[tuple[str, str], Owner] = field(default_factory=dict)
    by_handle: dict[tuple[str, str], Owner] = field(default_factory=dict)
    # Accounts without a native id: the ids their handle resolved to, per platform.
    fallback_ids: dict[str, set[str]] = field(default_factory=dict)
    fallback_handles: dict[str, set[str]] = field(default_factory=dict)

    def owner(self, platform: str, native_id: str, handle: str = "") -> Owner | None:
        found = self.by_native.get((platform, native_id))
        if found is None and handle:
            found = self.by_handle.get((platform, handle.lstrip("@").lower()))
        return found


def load_accounts(session: Session) -> AccountBook:
    book = AccountBook()
    rows = session.execute(
        select(Account, CivilServant.agency_id, CivilServant.region_code)
        .join(CivilServant, CivilServant.id == Account.civil_servant_id)
        .where(Account.active.is_(True))
    )
    for account, agency_id, region in rows:
        view = AccountView(
            account.id,
            account.civil_servant_id,
            account.platform,
            account.handle,
            account.native_id,
        )
        owner = Owner(view, agency_id, region or "")
        book.by_id[account.id] = owner
        book.by_handle[(account.platform, account.handle.lstrip("@").lower())] = owner
        if account.native_id:
            book.by_native[(account.platform, account.native_id)] = owner
        else:
            book.fallback_handles.setdefault(account.platform, set()).add(
                account.handle.lstrip("@").lower()
            )
    _resolve_handles(session, book)
    return book


def _resolve_handles(session: Session, book: AccountBook) -> None:
    """Native ids for accounts registered by handle, from the profiles collection saw."""
    for platform, handles in book.fallback_handles.items():
        for chunk in _chunks(sorted(handles)):
            rows = session.execute(
                select(SocialAccount.account_id, SocialAccount.handle).where(
                    SocialAccount.platform == platform, func.lower(SocialAccount.handle).in_(chunk)
                )
            )
            for native_id, handle in rows:
                owner = book.by_handle[(platform, handle.lower())]
                book.by_native.setdefault((platform, native_id), owner)
                book.fallback_ids.setdefault(platform, set()).add(native_id)


def load_watch_index(session: Session) -> WatchIndex:
    rows = session.execute(select(WatchedAccount, Side.key).join(Side))
    accounts = [
        WatchedView(
            platform=w.platform,
            handle=w.handle,
            side=side,
            kind=w.kind,
            native_id=w.native_id,
            official=w.official,
            campaign_related=w.campaign_related,
        )
        for w, side in rows
    ]
    kinds = {key: kind for key, kind in session.execute(select(Side.key, Side.kind))}
    return WatchIndex.build(accounts, kinds)


# -- batches --------------------------------------------------------------------------------


def post_batches(
    session: Session, book: AccountBook, since: datetime | None
) -> Iterator[list[tuple[Post, Owner]]]:
    """Posts of registered accounts, in id order, ``BATCH`` at a time."""
    joined = (
        select(Post)
        .join(Account, and_(Account.platform == Post.platform, Account.native_id == Post.author_id))
        .where(Account.active.is_(True))
    )
    where = None if since is None else Post.last_seen_at >= since
    yield from _keyset(session, joined, Post.id, where, book)
    for platform in sorted(set(book.fallback_handles)):
        ids = sorted(book.fallback_ids.get(platform, ()))
        handles = sorted(book.fallback_handles[platform])
        stmt = select(Post).where(
            Post.platform == platform,
            or_(Post.author_id.in_(ids), func.lower(Post.author_handle).in_(handles)),
        )
        yield from _keyset(session, stmt, Post.id, where, book)


def edge_batches(
    session: Session, book: AccountBook, run_id: int | None
) -> Iterator[list[tuple[Edge, Owner]]]:
    """Edges whose actor is a registered account, in id order, ``BATCH`` at a time."""
    where = None if run_id is None else Edge.last_seen_run == run_id
    joined = (
        select(Edge)
        .join(Account, and_(Account.platform == Edge.platform, Account.native_id == Edge.actor_id))
        .where(Account.active.is_(True))
    )
    yield from _keyset(session, joined, Edge.id, where, book)
    for platform, ids in sorted(book.fallback_ids.items()):
        stmt = select(Edge).where(Edge.platform == platform, Edge.actor_id.in_(sorted(ids)))
        yield from _keyset(session, stmt, Edge.id, where, book)


def _keyset(
    session: Session,
    stmt: Select[Row],
    id_col: InstrumentedAttribute[int],
    where: ColumnElement[bool] | None,
    book: AccountBook,
) -> Iterator[list[tuple[Row, Owner]]]:
    """``stmt``'s rows in id order, a batch at a time, each with its registered owner."""
    if where is not None:
        stmt = stmt.where(where)
    last = 0
    while True:
        rows = list(session.scalars(stmt.where(id_col > last).order_by(id_col).limit(BATCH)))
        if not rows:
            return
        last = rows[-1].id
        out = []
        for row in rows:
            if isinstance(row, Post):
                owner = book.owner(row.platform, row.author_id, row.author_handle)
            else:
                owner = book.owner(row.platform, row.actor_id)
            if owner is not None:
                out.append((row, owner))
        yield out


# -- lookups --------------------------------------------------------------------------------


def latest_suggestions(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Suggestion]:
    """The newest prediction per (platform, post id): the model that ran last speaks."""
    out: dict[tuple[str, str], Suggestion] = {}
    for platform, ids in _by_platform(keys).items():
        for chunk in _chunks(ids):
            rows = session.scalars(
                select(Prediction)
                .where(Prediction.platform == platform, Prediction.post_id.in_(chunk))
                .order_by(Prediction.created_at, Prediction.id)
            )
            for p in rows:
                out[(platform, p.post_id)] = Suggestion(
                    p.label, float(p.score), p.model_version, tuple(p.targets or ())
                )
    return out


def posts_by_key(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], PostView]:
    out: dict[tuple[str, str], PostView] = {}
    for platform, ids in _by_platform(keys).items():
        for chunk in _chunks(ids):
            for post in session.scalars(
                select(Post).where(Post.platform == platform, Post.post_id.in_(chunk))
            ):
                out[(platform, post.post_id)] = post_view(post)
    return out


def handles_by_id(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(platform, account id) -> (handle, profile url) of collected profiles."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for platform, ids in _by_platform(keys).items():
        for chunk in _chunks(ids):
            rows = session.execute(
                select(SocialAccount.account_id, SocialAccount.handle, SocialAccount.url).where(
                    SocialAccount.platform == platform, SocialAccount.account_id.in_(chunk)
                )
            )
            for account_id, handle, url in rows:
                out[(platform, account_id)] = (handle, url)
    return out


def post_view(post: Post) -> PostView:
    media = [m for m in post.media or [] if isinstance(m, dict)]
    alts = tuple(
        str(m.get("alt") or m.get("alt_text") or m.get("accessibility_caption") or "")
        for m in media
    )
    return PostView(
        platform=post.platform,
        post_id=post.post_id,
        author_id=post.author_id,
        author_handle=post.author_handle,
        kind=post.kind,
        text=post.text or "",
        url=post.url or "",
        created_at=post.created_at,
        parent_post_id=post.parent_post_id,
        root_post_id=post.root_post_id,
        quoted_post_id=post.quoted_post_id,
        reposted_post_id=post.reposted_post_id,
        hashtags=tuple(post.hashtags or ()),
        mentions=tuple(post.mentions or ()),
        media_count=len(media),
        alt_texts=tuple(a for a in alts if a),
    )


def edge_view(edge: Edge) -> EdgeView:
    return EdgeView(
        platform=edge.platform,
        actor_id=edge.actor_id,
        verb=edge.verb,
        target_type=edge.target_type,
        target_id=edge.target_id,
        event_time=edge.event_time,
        first_seen_at=edge.first_seen_at,
        first_seen_run=edge.first_seen_run,
        gone_since_run=edge.gone_since_run,
    )


def referenced_ids(post: PostView) -> tuple[str, ...]:
    """Posts an item points at, nearest first (the one replied to, then the thread's root)."""
    ids = (post.reposted_post_id, post.quoted_post_id, post.parent_post_id, post.root_post_id)
    return tuple(dict.fromkeys(i for i in ids if i))


def _by_platform(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, set[str]] = {}
    for platform, item in keys:
        grouped.setdefault(platform, set()).add(item)
    return {p: sorted(ids) for p, ids in grouped.items()}


def _chunks(items: Sequence[str], size: int = BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
