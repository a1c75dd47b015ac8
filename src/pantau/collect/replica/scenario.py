"""The replica's scenario: who exists on which platform, what they posted, liked and follow.

A scenario is a YAML file (format in ``docs/replica.md``) loaded into plain dataclasses. Ids are
strings; when the file leaves an id out, a stable one is derived from the platform and handle
(or post key) so that re-loading the same file always yields the same ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from pantau.errors import InputRejected, RowError

PLATFORMS: tuple[str, ...] = ("x", "instagram", "tiktok", "facebook")
POST_KINDS: tuple[str, ...] = ("original", "repost", "quote", "reply")
HASHTAG_RE = re.compile(r"#(\w+)")
MENTION_RE = re.compile(r"@([\w.]+)")

# Digits of generated native ids per platform (the real ranges: X snowflakes, IG pks, ...).
_ACCOUNT_ID_DIGITS = {"x": 19, "instagram": 11, "tiktok": 19, "facebook": 15}
_POST_ID_DIGITS = {"x": 19, "instagram": 19, "tiktok": 19, "facebook": 16}


def stable_id(*parts: str, digits: int) -> str:
    """A deterministic numeric id string of ``digits`` digits (no leading zero)."""
    h = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:12], "big")
    low = 10 ** (digits - 1)
    return str(low + h % (9 * low))


@dataclass
class Account:
    platform: str
    handle: str
    id: str
    name: str
    bio: str = ""
    private: bool = False
    exists: bool = True
    verified: bool = False
    campaign: bool = False
    created_at: datetime = datetime(2019, 1, 15, 8, 0, tzinfo=UTC)
    followers: int | None = None
    open_favorite: bool = False  # TikTok: liked-videos tab public
    following_visibility: int = 1  # TikTok: 1 = everyone may see the following list, 2 = only me
    sec_uid: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.handle.lower())


@dataclass
class Post:
    platform: str
    id: str
    author: str  # handle
    time: datetime
    text: str = ""
    kind: str = "original"
    reposted: str | None = None
    quoted: str | None = None
    reply_to: str | None = None  # for kind=reply (X replies, comments on every platform)
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    pinned: bool = False
    like_count: int | None = None  # shown count; default: likes in the scenario
    views: int = 0

    @property
    def is_comment(self) -> bool:
        return self.kind == "reply"


@dataclass(frozen=True)
class Like:
    platform: str
    account: str  # liker handle
    post: str  # post id


@dataclass(frozen=True)
class Follow:
    platform: str
    account: str  # follower handle
    target: str  # followed handle


@dataclass
class _Index:
    """Lookup tables over a scenario's lists (handles lower-cased)."""

    sig: tuple[tuple[int, int], ...]
    accounts: dict[tuple[str, str], Account] = field(default_factory=dict)
    by_id: dict[tuple[str, str], Account] = field(default_factory=dict)
    posts: dict[tuple[str, str], Post] = field(default_factory=dict)
    by_author: dict[tuple[str, str], list[Post]] = field(default_factory=dict)
    replies: dict[tuple[str, str], list[Post]] = field(default_factory=dict)
    reposters: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    quotes: dict[tuple[str, str], int] = field(default_factory=dict)
    likers: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    liked: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    following: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    followers: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def build(cls, scn: Scenario, sig: tuple[tuple[int, int], ...]) -> _Index:
        ix = cls(sig)
        for acc in scn.accounts:
            ix.accounts.setdefault(acc.key, acc)
            ix.by_id.setdefault((acc.platform, acc.id), acc)
            if acc.sec_uid:
                ix.by_id.setdefault((acc.platform, acc.sec_uid), acc)
        for post in scn.posts:
            ix.posts.setdefault((post.platform, post.id), post)
            ix.by_author.setdefault((post.platform, post.author.lower()), []).append(post)
            if post.reply_to:
                ix.replies.setdefault((post.platform, post.reply_to), []).append(post)
            if post.reposted:
                ix.reposters.setdefault((post.platform, post.reposted), []).append(post.author)
            if post.quoted:
                key = (post.platform, post.quoted)
                ix.quotes[key] = ix.quotes.get(key, 0) + 1
        for items in ix.by_author.values():
            items.sort(key=lambda p: (p.time, p.id), reverse=True)
        for items in ix.replies.values():
            items.sort(key=lambda p: (p.time, p.id))
        for like in scn.likes:
            ix.likers.setdefault((like.platform, like.post), []).append(like.account)
            ix.liked.setdefault((like.platform, like.account.lower()), []).append(like.post)
        for fol in scn.follows:
            ix.following.setdefault((fol.platform, fol.account.lower()), []).append(fol.target)
            key = (fol.platform, fol.target.lower())
            ix.followers[key] = ix.followers.get(key, 0) + 1
        return ix


@dataclass
class Scenario:
    accounts: list[Account] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    likes: list[Like] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    source: str = "<memory>"
    _index: _Index | None = field(default=None, repr=False, compare=False)

    # -- lookups (through an index rebuilt whenever a list grows or shrinks) ----------------
    def _ix(self) -> _Index:
        sig = tuple((id(x), len(x)) for x in (self.accounts, self.posts, self.likes, self.follows))
        if self._index is None or self._index.sig != sig:
            self._index = _Index.build(self, sig)
        return self._index

    def account(self, platform: str, handle: str) -> Account | None:
        return self._ix().accounts.get((platform, handle.lower().lstrip("@")))

    def account_by_id(self, platform: str, native_id: str) -> Account | None:
        """By native id, or (TikTok) by ``secUid``."""
        return self._ix().by_id.get((platform, native_id))

    def post(self, platform: str, post_id: str) -> Post | None:
        return self._ix().posts.get((platform, post_id))

    def timeline(self, platform: str, handle: str, *, with_replies: bool = False) -> list[Post]:
        """The account's own posts (no comments unless ``with_replies``), newest first."""
        items = self._ix().by_author.get((platform, handle.lower()), [])
        return list(items) if with_replies else [p for p in items if not p.is_comment]

    def comments_on(self, platform: str, post_id: str) -> list[Post]:
        """Comments (replies) on a post, oldest first."""
        return list(self._ix().replies.get((platform, post_id), []))

    def _accounts(self, platform: str, handles: list[str]) -> list[Account]:
        return [a for h in dict.fromkeys(handles) if (a := self.account(platform, h))]

    def reposters_of(self, platform: str, post_id: str) -> list[Account]:
        return self._accounts(platform, self._ix().reposters.get((platform, post_id), []))

    def quote_count(self, platform: str, post_id: str) -> int:
        return self._ix().quotes.get((platform, post_id), 0)

    def likers_of(self, platform: str, post_id: str) -> list[Account]:
        return self._accounts(platform, self._ix().likers.get((platform, post_id), []))

    def liked_by(self, platform: str, handle: str) -> list[Post]:
        ids = self._ix().liked.get((platform, handle.lower()), [])
        return [p for i in dict.fromkeys(ids) if (p := self.post(platform, i))]

    def like_count(self, post: Post) -> int:
        if post.like_count is not None:
            return post.like_count
        return len(self.likers_of(post.platform, post.id))

    def following_of(self, platform: str, handle: str) -> list[Account]:
        return self._accounts(platform, self._ix().following.get((platform, handle.lower()), []))

    def follower_count(self, acc: Account) -> int:
        if acc.followers is not None:
            return acc.followers
        return self._ix().followers.get((acc.platform, acc.handle.lower()), 0)

    # -- mutation (tests extend a running scenario) --------------------------------------------
    def add_account(self, acc: Account) -> Account:
        if self.account(acc.platform, acc.handle) is not None:
            raise InputRejected(f"account {acc.platform}:{acc.handle} already in the scenario")
        self.accounts.append(acc)
        return acc

    def add_post(self, post: Post) -> Post:
        if self.post(post.platform, post.id) is not None:
            raise InputRejected(f"post {post.platform}:{post.id} already in the scenario")
        if self.account(post.platform, post.author) is None:
            raise InputRejected(f"post {post.id}: unknown author {post.platform}:{post.author}")
        self.posts.append(post)
        return post


# -- loading -------------------------------------------------------------------------------------


def _time(value: Any, where: str, errors: list[RowError], source: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.append(RowError(source, 0, where, str(value), "not an ISO-8601 time"))
        return datetime(1970, 1, 1, tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def make_account(raw: dict[str, Any]) -> Account:
    """Build an account from a scenario mapping, filling a stable id and TikTok secUid."""
    platform = str(raw["platform"])
    handle = str(raw["handle"]).lstrip("@")
    native = str(
        raw.get("id") or stable_id(platform, handle.lower(), digits=_ACCOUNT_ID_DIGITS[platform])
    )
    acc = Account(
        platform=platform,
        handle=handle,
        id=native,
        name=str(raw.get("name") or handle),
        bio=str(raw.get("bio") or ""),
        private=bool(raw.get("private", False)),
        exists=bool(raw.get("exists", True)),
        verified=bool(raw.get("verified", False)),
        campaign=bool(raw.get("campaign", False)),
        followers=raw.get("followers"),
        open_favorite=bool(raw.get("open_favorite", False)),
        following_visibility=int(raw.get("following_visibility", 1)),
    )
    if "created_at" in raw:
        acc.created_at = _time(raw["created_at"], "created_at", [], "")
    acc.sec_uid = str(
        raw.get("sec_uid") or "MS4wLjABAAAA" + hashlib.sha256(native.encode()).hexdigest()[:43]
    )
    return acc


def make_post(
    raw: dict[str, Any], *, errors: list[RowError] | None = None, source: str = ""
) -> Post:
    """Build a post (or comment, ``kind: reply``) from a scenario mapping."""
    errs = errors if errors is not None else []
    platform = str(raw["platform"])
    author = str(raw["author"]).lstrip("@")
    when = _time(raw.get("time", "2026-01-01T00:00:00Z"), "time", errs, source)
    text = str(raw.get("text") or "")
    key = str(raw.get("key") or f"{author}|{when.isoformat()}|{text[:40]}")
    post_id = str(raw.get("id") or stable_id(platform, key, digits=_POST_ID_DIGITS[platform]))
    kind = str(raw.get("kind") or ("reply" if raw.get("reply_to") else "original"))
    return Post(
        platform=platform,
        id=post_id,
        author=author,
        time=when,
        text=text,
        kind=kind,
        reposted=_opt_str(raw.get("reposted")),
        quoted=_opt_str(raw.get("quoted")),
        reply_to=_opt_str(raw.get("reply_to") or raw.get("post")),
        hashtags=list(raw.get("hashtags") or HASHTAG_RE.findall(text)),
        mentions=[m.lstrip("@") for m in (raw.get("mentions") or MENTION_RE.findall(text))],
        pinned=bool(raw.get("pinned", False)),
        like_count=raw.get("like_count"),
        views=int(raw.get("views", 0)),
    )


def _opt_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _check(scn: Scenario, source: str) -> list[RowError]:
    errors: list[RowError] = []

    def bad(section: str, idx: int, col: str, value: str, reason: str) -> None:
        errors.append(RowError(source, idx, f"{section}.{col}", value, reason))

    seen: set[tuple[str, str]] = set()
    for i, acc in enumerate(scn.accounts):
        if acc.platform not in PLATFORMS:
            bad("accounts", i, "platform", acc.platform, f"must be one of {PLATFORMS}")
        if acc.key in seen:
            bad("accounts", i, "handle", acc.handle, "duplicate account")
        seen.add(acc.key)
    post_ids: set[tuple[str, str]] = set()
    for i, post in enumerate(scn.posts):
        if (post.platform, post.id) in post_ids:
            bad("posts", i, "id", post.id, "duplicate post id")
        post_ids.add((post.platform, post.id))
        if (post.platform, post.author.lower()) not in seen:
            bad("posts", i, "author", post.author, "no such account on this platform")
        if post.kind not in POST_KINDS:
            bad("posts", i, "kind", post.kind, f"must be one of {POST_KINDS}")
    for i, post in enumerate(scn.posts):
        for col, ref in (
            ("reposted", post.reposted),
            ("quoted", post.quoted),
            ("reply_to", post.reply_to),
        ):
            if ref is not None and (post.platform, ref) not in post_ids:
                bad("posts", i, col, ref, "no such post on this platform")
    for i, like in enumerate(scn.likes):
        if (like.platform, like.account.lower()) not in seen:
            bad("likes", i, "account", like.account, "no such account")
        if (like.platform, like.post) not in post_ids:
            bad("likes", i, "post", like.post, "no such post")
    for i, fol in enumerate(scn.follows):
        for col, handle in (("account", fol.account), ("target", fol.target)):
            if (fol.platform, handle.lower()) not in seen:
                bad("follows", i, col, handle, "no such account")
    return errors


def scenario_from_dict(data: dict[str, Any], *, source: str = "<memory>") -> Scenario:
    """Build and check a scenario; raise :class:`InputRejected` listing every problem."""
    errors: list[RowError] = []
    scn = Scenario(source=source)
    for i, raw in enumerate(_section(data, "accounts")):
        try:
            scn.accounts.append(make_account(raw))
        except (KeyError, ValueError, TypeError) as exc:
            errors.append(RowError(source, i, "accounts", str(raw)[:80], f"bad account: {exc}"))
    for section in ("posts", "comments"):
        for i, raw in enumerate(_section(data, section)):
            try:
                item = dict(raw)
                if section == "comments":
                    item.setdefault("kind", "reply")
                scn.posts.append(make_post(item, errors=errors, source=source))
            except (KeyError, ValueError, TypeError) as exc:
                errors.append(RowError(source, i, section, str(raw)[:80], f"bad entry: {exc}"))
    for raw in _section(data, "likes"):
        scn.likes.append(
            Like(str(raw["platform"]), str(raw["account"]).lstrip("@"), str(raw["post"]))
        )
    for raw in _section(data, "follows"):
        scn.follows.append(
            Follow(
                str(raw["platform"]),
                str(raw["account"]).lstrip("@"),
                str(raw["target"]).lstrip("@"),
            )
        )
    scn.faults = [dict(f) for f in _section(data, "faults")]
    errors.extend(_check(scn, source))
    if errors:
        raise InputRejected(f"scenario {source} rejected", errors)
    return scn


def _section(data: dict[str, Any], name: str) -> Iterable[dict[str, Any]]:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise InputRejected(f"scenario section {name!r} must be a list")
    return value


def load_scenario(path: Path) -> Scenario:
    """Read a scenario YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputRejected(f"cannot read scenario {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputRejected(f"scenario {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InputRejected(f"scenario {path} must be a mapping with accounts/posts/... sections")
    return scenario_from_dict(data, source=str(path))
