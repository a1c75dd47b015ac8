"""Plain typed inputs and outputs of the detection rules.

Rules never touch the database: the service turns rows into these views (one
:class:`ObservationContext` per post or edge of a registered ASN account), calls every rule
and stores what they return. That keeps each rule a pure function with table-driven tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pantau.registry.cues import CueMatch

PARTISAN_LABELS = frozenset({"support", "oppose"})
# Post kinds whose text the ASN wrote themselves (a plain repost carries someone else's text).
OWN_TEXT_KINDS = frozenset({"original", "reel", "story", "reply", "comment", "quote"})
OWN_POST_KINDS = frozenset({"original", "reel", "story"})
COMMENT_KINDS = frozenset({"reply", "comment"})
SHARE_KINDS = frozenset({"repost", "quote"})


@dataclass(frozen=True)
class PostView:
    """The fields of a collected post the rules read."""

    platform: str
    post_id: str
    author_id: str
    author_handle: str = ""
    kind: str = "original"
    text: str = ""
    url: str = ""
    created_at: datetime | None = None
    parent_post_id: str | None = None
    root_post_id: str | None = None
    quoted_post_id: str | None = None
    reposted_post_id: str | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # handles without "@" (Instagram: tagged users too)
    media_count: int = 0
    alt_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeView:
    """actor --verb--> target, as the collector recorded it between runs."""

    platform: str
    actor_id: str
    verb: str  # like | repost | quote | comment | follow
    target_type: str  # post | account
    target_id: str
    event_time: datetime | None = None
    first_seen_at: datetime | None = None
    first_seen_run: int | None = None
    gone_since_run: int | None = None

    @property
    def item_id(self) -> str:
        """The edge's name in ``EvidenceLink.item_id`` (``collect.edges.edge_item_id``)."""
        return f"{self.actor_id}:{self.verb}:{self.target_type}:{self.target_id}"


@dataclass(frozen=True)
class AccountView:
    """A registered ASN account (only these are ever examined: DOMAIN.md safeguard 2)."""

    id: int
    civil_servant_id: int
    platform: str
    handle: str
    native_id: str | None = None


@dataclass(frozen=True)
class WatchedView:
    """A watched (campaign-related) account and the side it belongs to."""

    platform: str
    handle: str
    side: str
    kind: str
    native_id: str | None = None
    official: bool = False
    campaign_related: bool = True


@dataclass
class WatchIndex:
    """Watched accounts by (platform, native id) and (platform, lower-case handle)."""

    side_kinds: dict[str, str] = field(default_factory=dict)  # side key -> pair | party
    _by_id: dict[tuple[str, str], WatchedView] = field(default_factory=dict)
    _by_handle: dict[tuple[str, str], WatchedView] = field(default_factory=dict)

    @classmethod
    def build(
        cls, accounts: Iterable[WatchedView], side_kinds: Mapping[str, str] | None = None
    ) -> WatchIndex:
        index = cls(side_kinds=dict(side_kinds or {}))
        for w in accounts:
            if w.native_id:
                index._by_id[(w.platform, w.native_id)] = w
            index._by_handle[(w.platform, w.handle.lstrip("@").lower())] = w
        return index

    def find(
        self, platform: str, account_id: str | None = None, handle: str | None = None
    ) -> WatchedView | None:
        """The watched account with this native id, else this handle (case-insensitive)."""
        if account_id and (found := self._by_id.get((platform, account_id))) is not None:
            return found
        if handle:
            return self._by_handle.get((platform, handle.lstrip("@").lower()))
        return None

    def campaign(
        self, platform: str, account_id: str | None = None, handle: str | None = None
    ) -> WatchedView | None:
        """Like :meth:`find`, but ``None`` for accounts the watch list marks not campaign."""
        found = self.find(platform, account_id, handle)
        return found if found is not None and found.campaign_related else None

    def __len__(self) -> int:
        return len(self._by_handle)


@dataclass(frozen=True)
class Suggestion:
    """The model's latest label for a post (a suggestion, never proof)."""

    label: str
    score: float
    model_version: str
    targets: tuple[str, ...] = ()

    @property
    def partisan(self) -> bool:
        return self.label in PARTISAN_LABELS


@dataclass(frozen=True)
class ObservationContext:
    """Everything a rule may look at for one post or one edge of one registered account."""

    account: AccountView
    watch: WatchIndex
    post: PostView | None = None
    edge: EdgeView | None = None
    suggestion: Suggestion | None = None  # of ``post`` (the ASN's own item)
    cues: CueMatch | None = None  # of the ASN's own text (post text and alt texts)
    # Posts the item points at (replied to, commented on, shared, liked), nearest first.
    target_posts: tuple[PostView, ...] = ()
    target_suggestion: Suggestion | None = None  # of the first target post
    target_handle: str = ""  # follow edges: the followed account's handle, when known


@dataclass(frozen=True)
class FlagCandidate:
    """What a rule found: one act towards one side, with its reasons."""

    act_code: str
    target_side: str = ""  # side key; "" when the rule could not tell
    target_handle: str = ""
    target_is_official: bool = False
    reasons: tuple[str, ...] = ()
    severity: int = 1
    confidence: float = 1.0  # the model's score when the label decided, else the rule's
    uses_model: bool = False
    act_time: datetime | None = None
