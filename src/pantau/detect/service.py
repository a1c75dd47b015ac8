"""Detection: turn the observations of registered ASN accounts into flags.

:func:`run_detection` reads posts and edges of registered, active ASN accounts in batches,
builds one :class:`~pantau.detect.rules.context.ObservationContext` per item (the newest
prediction, the cue match of the ASN's own text, the posts it points at), runs every rule and
stores each candidate as a :class:`~pantau.detect.models.Flag` unless a flag with the same key
exists. Re-running it never duplicates a flag; it only adds evidence links that appeared since.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from pantau.collect.models import CrawlRun, Edge, EvidenceLink, Post
from pantau.config import get_settings
from pantau.detect.models import Flag, FlagEvidence
from pantau.detect.observations import (
    AccountBook,
    Owner,
    edge_batches,
    edge_view,
    handles_by_id,
    latest_suggestions,
    load_accounts,
    load_watch_index,
    post_batches,
    post_view,
    posts_by_key,
    referenced_ids,
)
from pantau.detect.rules import detect_all
from pantau.detect.rules.context import (
    COMMENT_KINDS,
    FlagCandidate,
    ObservationContext,
    PostView,
    WatchIndex,
)
from pantau.errors import InputRejected
from pantau.registry.cues import CueMatcher, default_matcher
from pantau.store.db import utcnow

# Edge verbs that a stored post of the same actor usually describes too (a reply is a post
# and a comment edge): the post is examined, the edge only when no such post was collected.
POST_BACKED_VERBS: dict[str, frozenset[str]] = {
    "comment": COMMENT_KINDS,
    "repost": frozenset({"repost"}),
    "quote": frozenset({"quote"}),
}


@dataclass
class DetectStats:
    """What one detection run did."""

    new_flags: Counter[str] = field(default_factory=Counter)  # per act code
    already_flagged: int = 0  # candidates whose flag existed (re-runs)
    skipped: int = 0  # items examined that yielded no candidate
    posts_examined: int = 0
    edges_examined: int = 0
    edges_covered_by_posts: int = 0
    evidence_linked: int = 0

    @property
    def total_new(self) -> int:
        return sum(self.new_flags.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "new_flags": dict(sorted(self.new_flags.items())),
            "total_new": self.total_new,
            "already_flagged": self.already_flagged,
            "skipped": self.skipped,
            "posts_examined": self.posts_examined,
            "edges_examined": self.edges_examined,
            "edges_covered_by_posts": self.edges_covered_by_posts,
            "evidence_linked": self.evidence_linked,
        }


def deadline_for(first_detected_at: datetime, days: int | None = None) -> datetime:
    """The referral deadline: first detected + ``review.referral_deadline_days`` (UTC).

    Bawaslu registers a report only within 7 days of the act becoming known; the first
    detection is when it became known to the operator.
    """
    if first_detected_at.tzinfo is None:
        raise InputRejected(f"naive datetime {first_detected_at!r}: detection times are UTC")
    if days is None:
        days = get_settings().review.referral_deadline_days
    return first_detected_at.astimezone(UTC) + timedelta(days=days)


def run_detection(
    *,
    session: Session,
    run_id: int | None = None,
    now: datetime | None = None,
    matcher: CueMatcher | None = None,
) -> DetectStats:
    """Flag the acts in the observations of registered ASN accounts; idempotent.

    ``run_id`` limits the work to what the crawl run saw (posts seen since its start, edges
    seen in it) and is recorded on new flags; ``None`` examines everything. ``now`` is the
    first-detected time of new flags (default: the current UTC time).
    """
    if now is None:
        now = utcnow()
    elif now.tzinfo is None:
        raise InputRejected(f"naive datetime {now!r}: detection times are UTC")
    now = now.astimezone(UTC)
    deadline = deadline_for(now)
    since = _run_start(session, run_id)
    job = _Job(
        session=session,
        book=load_accounts(session),
        watch=load_watch_index(session),
        matcher=matcher or default_matcher(),
        now=now,
        deadline=deadline,
        run_id=run_id,
    )
    for post_batch in post_batches(session, job.book, since):
        job.posts(post_batch)
    for edge_batch in edge_batches(session, job.book, run_id):
        job.edges(edge_batch)
    session.flush()
    return job.stats


def _run_start(session: Session, run_id: int | None) -> datetime | None:
    if run_id is None:
        return None
    started = session.scalar(select(CrawlRun.started_at).where(CrawlRun.id == run_id))
    if started is None:
        raise InputRejected(f"crawl run {run_id} does not exist")
    return started


# An observation ready for the rules, with what its flag records besides the candidate.
@dataclass(frozen=True)
class _Item:
    owner: Owner
    platform: str
    item_type: str
    item_id: str
    item_url: str
    ctx: ObservationContext


@dataclass
class _Job:
    session: Session
    book: AccountBook
    watch: WatchIndex
    matcher: CueMatcher
    now: datetime
    deadline: datetime
    run_id: int | None
    stats: DetectStats = field(default_factory=DetectStats)

    # -- building contexts ------------------------------------------------------------------

    def posts(self, batch: Sequence[tuple[Post, Owner]]) -> None:
        views = [(post_view(p), owner) for p, owner in batch]
        refs = {(v.platform, r) for v, _ in views for r in referenced_ids(v)}
        targets = self._with_handles(posts_by_key(self.session, refs))
        wanted = {(v.platform, v.post_id) for v, _ in views} | set(targets)
        suggestions = latest_suggestions(self.session, wanted)
        items = []
        for view, owner in views:
            found = tuple(
                targets[(view.platform, r)]
                for r in referenced_ids(view)
                if (view.platform, r) in targets
            )
            ctx = ObservationContext(
                account=owner.view,
                watch=self.watch,
                post=view,
                suggestion=suggestions.get((view.platform, view.post_id)),
                cues=self.matcher.match(_own_text(view)),
                target_posts=found,
                target_suggestion=(
                    suggestions.get((found[0].platform, found[0].post_id)) if found else None
                ),
            )
            items.append(_Item(owner, view.platform, "post", view.post_id, view.url, ctx))
        self.stats.posts_examined += len(items)
        self._store(items)

    def edges(self, batch: Sequence[tuple[Edge, Owner]]) -> None:
        views = [(edge_view(e), owner) for e, owner in batch]
        covered = self._covered(views)
        post_keys = {(v.platform, v.target_id) for v, _ in views if v.target_type == "post"}
        account_keys = {(v.platform, v.target_id) for v, _ in views if v.target_type == "account"}
        targets = self._with_handles(posts_by_key(self.session, post_keys))
        suggestions = latest_suggestions(self.session, set(targets))
        profiles = handles_by_id(self.session, account_keys)
        items = []
        for view, owner in views:
            self.stats.edges_examined += 1
            if (view.platform, view.actor_id, view.verb, view.target_id) in covered:
                self.stats.edges_covered_by_posts += 1
                continue
            key = (view.platform, view.target_id)
            target = targets.get(key) if view.target_type == "post" else None
            handle, profile_url = profiles.get(key, ("", ""))
            ctx = ObservationContext(
                account=owner.view,
                watch=self.watch,
                edge=view,
                target_posts=(target,) if target is not None else (),
                target_suggestion=suggestions.get(key) if target is not None else None,
                target_handle=handle,
            )
            url = target.url if target is not None else profile_url
            items.append(_Item(owner, view.platform, "edge", view.item_id, url, ctx))
        self._store(items)

    def _with_handles(
        self, posts: dict[tuple[str, str], PostView]
    ) -> dict[tuple[str, str], PostView]:
        """Authors' handles from their collected profiles where a post lacks one, so that a
        watched account listed by handle alone is still recognised."""
        missing = {(p.platform, p.author_id) for p in posts.values() if not p.author_handle}
        if not missing:
            return posts
        handles = handles_by_id(self.session, missing)
        return {
            key: (
                replace(p, author_handle=handles[(p.platform, p.author_id)][0])
                if not p.author_handle and (p.platform, p.author_id) in handles
                else p
            )
            for key, p in posts.items()
        }

    def _covered(self, views: Sequence[tuple[Any, Owner]]) -> set[tuple[str, str, str, str]]:
        """(platform, actor, verb, target) of edges that a collected post already shows."""
        wanted = [v for v, _ in views if v.verb in POST_BACKED_VERBS and v.target_type == "post"]
        actors: dict[str, set[str]] = {}
        for v in wanted:
            actors.setdefault(v.platform, set()).add(v.actor_id)
        covered: set[tuple[str, str, str, str]] = set()
        for platform, ids in sorted(actors.items()):
            targets = sorted({v.target_id for v in wanted if v.platform == platform})
            rows = self.session.execute(
                select(
                    Post.author_id,
                    Post.kind,
                    Post.parent_post_id,
                    Post.root_post_id,
                    Post.quoted_post_id,
                    Post.reposted_post_id,
                ).where(
                    Post.platform == platform,
                    Post.author_id.in_(sorted(ids)),
                    Post.kind.in_(sorted(set().union(*POST_BACKED_VERBS.values()))),
                    or_(
                        Post.parent_post_id.in_(targets),
                        Post.root_post_id.in_(targets),
                        Post.quoted_post_id.in_(targets),
                        Post.reposted_post_id.in_(targets),
                    ),
                )
            )
            for actor, kind, *pointed in rows:
                for verb, kinds in POST_BACKED_VERBS.items():
                    if kind in kinds:
                        covered.update((platform, actor, verb, t) for t in pointed if t)
        return covered

    # -- storing ----------------------------------------------------------------------------

    def _store(self, items: list[_Item]) -> None:
        found: list[tuple[_Item, FlagCandidate]] = []
        for item in items:
            candidates = detect_all(item.ctx)
            if not candidates:
                self.stats.skipped += 1
            found.extend((item, c) for c in candidates)
        if not found:
            return
        existing = self._existing([_key(item, c) for item, c in found])
        flags: list[Flag] = []
        for item, candidate in found:
            key = _key(item, candidate)
            flag = existing.get(key)
            if flag is None:
                flag = self._new_flag(item, candidate)
                self.session.add(flag)
                existing[key] = flag
                self.stats.new_flags[candidate.act_code] += 1
            else:
                self.stats.already_flagged += 1
            flags.append(flag)
        self.session.flush()
        self._link_evidence(flags)

    def _existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Flag]:
        """Flags already stored under ``keys`` (the unique key leads with the item: indexed)."""
        out: dict[tuple[Any, ...], Flag] = {}
        wanted = set(keys)
        items: dict[tuple[str, str], set[str]] = {}
        for key in keys:
            items.setdefault((key[1], key[2]), set()).add(key[3])
        for (platform, item_type), ids in sorted(items.items()):
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                stmt = select(Flag).where(
                    Flag.platform == platform,
                    Flag.item_type == item_type,
                    Flag.item_id.in_(ordered[start : start + 500]),
                )
                for flag in self.session.scalars(stmt):
                    key = _flag_key(flag)
                    if key in wanted:
                        out[key] = flag
        return out

    def _new_flag(self, item: _Item, c: FlagCandidate) -> Flag:
        s = item.ctx.suggestion if item.item_type == "post" else None
        if s is None and c.uses_model:
            s = item.ctx.target_suggestion
        priority = round(c.confidence * c.severity, 6)
        return Flag(
            civil_servant_id=item.owner.view.civil_servant_id,
            account_id=item.owner.view.id,
            agency_id=item.owner.agency_id,
            region_code=item.owner.region_code,
            act_code=c.act_code,
            platform=item.platform,
            item_type=item.item_type,
            item_id=item.item_id,
            item_url=item.item_url,
            target_side=c.target_side,
            target_handle=c.target_handle,
            target_is_official=c.target_is_official,
            suggestion_label=s.label if s else None,
            suggestion_score=s.score if s else None,
            model_version=s.model_version if s else None,
            reasons=list(c.reasons),
            severity=c.severity,
            priority=priority,
            queue_rank=-priority,
            act_time=c.act_time,
            first_detected_at=self.now,
            deadline_at=self.deadline,
            status="open",
            run_id=self.run_id,
        )

    def _link_evidence(self, flags: list[Flag]) -> None:
        """Every capture linked to a flag's item becomes that flag's evidence (once)."""
        by_item: dict[tuple[str, str, str], list[Flag]] = {}
        for flag in flags:
            by_item.setdefault((flag.platform, flag.item_type, flag.item_id), []).append(flag)
        links = _evidence_links(self.session, list(by_item))
        if not links:
            return
        flag_ids = sorted({f.id for f in flags})
        rows = self.session.execute(
            select(FlagEvidence.flag_id, FlagEvidence.capture_id).where(
                FlagEvidence.flag_id.in_(flag_ids)
            )
        )
        have = {(flag_id, capture_id) for flag_id, capture_id in rows}
        for key, captures in links.items():
            for flag in by_item.get(key, []):
                for capture_id, role in captures:
                    if (flag.id, capture_id) not in have:
                        have.add((flag.id, capture_id))
                        self.session.add(
                            FlagEvidence(
                                flag_id=flag.id,
                                capture_id=capture_id,
                                role=role,
                                linked_at=self.now,
                            )
                        )
                        self.stats.evidence_linked += 1
        self.session.flush()


def _evidence_links(
    session: Session, items: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[tuple[int, str]]]:
    out: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    keys = sorted(set(items))
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(
                EvidenceLink.platform,
                EvidenceLink.item_type,
                EvidenceLink.item_id,
                EvidenceLink.capture_id,
                EvidenceLink.role,
            )
            .where(
                tuple_(EvidenceLink.platform, EvidenceLink.item_type, EvidenceLink.item_id).in_(
                    chunk
                )
            )
            .order_by(EvidenceLink.capture_id)
        )
        for platform, item_type, item_id, capture_id, role in rows:
            out.setdefault((platform, item_type, item_id), []).append((capture_id, role))
    return out


def _own_text(post: PostView) -> str:
    return "\n".join((post.text, *post.alt_texts))


def _key(item: _Item, c: FlagCandidate) -> tuple[Any, ...]:
    return (
        c.act_code,
        item.platform,
        item.item_type,
        item.item_id,
        item.owner.view.id,
        c.target_side,
    )


def _flag_key(flag: Flag) -> tuple[Any, ...]:
    return (
        flag.act_code,
        flag.platform,
        flag.item_type,
        flag.item_id,
        flag.account_id,
        flag.target_side,
    )


def list_flags(
    *, session: Session, status: str | None = None, act_code: str | None = None, limit: int = 50
) -> list[Flag]:
    """Flags in queue order (deadline, then priority high first), optionally filtered."""
    stmt = select(Flag)
    if status is not None:
        stmt = stmt.where(Flag.status == status)
    if act_code is not None:
        stmt = stmt.where(Flag.act_code == act_code.upper())
    stmt = stmt.order_by(Flag.deadline_at, Flag.queue_rank, Flag.id).limit(limit)
    return list(session.scalars(stmt))
