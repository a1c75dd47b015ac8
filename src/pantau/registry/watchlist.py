"""Watch lists: which elections, pairs and parties exist, their cues and watched accounts.

A watch list is one YAML file in ``config/watchlists/`` (schema in ``docs/watchlists.md``).
:func:`load_watchlists` reads a directory, validates every file against the schema and the
cross-file rules, and either returns every watch list or raises one :class:`WatchlistError`
naming every problem as ``<file>: <path in the document>: <reason>``.

Rules beyond the schema: keys unique across files, ballot numbers unique per contest, party keys
referenced exist, watched handles unique per platform, and **symmetry**: every pair of a contest
has the same number of cues of each kind (the lists are parallel, which the counterfactual swap
relies on) and campaign accounts of the same kinds on the same platforms.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError

from pantau.errors import WatchlistError
from pantau.registry.textnorm import ballot_number_in, normalize_phrase

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pantau.registry.watchlist_sync import SyncReport

PAIR_CUE_KINDS = ("names", "nicknames", "hashtags", "slogans", "ballot_numbers", "hand_signs")
KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]
Phrase = Annotated[StrictStr, Field(min_length=1, max_length=200)]
Hashtag = Annotated[StrictStr, Field(pattern=r"^#[^\s#]+$", max_length=100)]
Handle = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9._]{1,100}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _slogan_from_str(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class Slogan(_Strict):
    """A slogan; one made of common words (``perubahan``) sets ``needs_context``."""

    text: Phrase
    needs_context: bool = False
    exclude: list[Phrase] = Field(default_factory=list)


class PairCues(_Strict):
    names: list[Phrase] = Field(min_length=1)
    nicknames: list[Phrase] = Field(min_length=1)
    hashtags: list[Hashtag] = Field(min_length=1)
    slogans: list[Annotated[Slogan, BeforeValidator(_slogan_from_str)]] = Field(min_length=1)
    ballot_numbers: list[Phrase] = Field(min_length=1)
    hand_signs: list[Phrase] = Field(min_length=1)

    def phrases(self, kind: str) -> list[str]:
        if kind == "slogans":
            return [s.text for s in self.slogans]
        values: list[str] = getattr(self, kind)
        return values


class PartyCues(_Strict):
    names: list[Phrase] = Field(min_length=1)
    hashtags: list[Hashtag] = Field(default_factory=list)


class AccountEntry(_Strict):
    platform: Literal["x", "instagram", "facebook", "tiktok"]
    handle: Handle
    native_id: StrictStr | None = None
    kind: Literal["official_campaign", "candidate", "party", "campaign_team", "volunteer"]
    official: bool = False
    campaign_related: bool = True
    note: str = ""


class Party(_Strict):
    key: Key
    name: Phrase
    ballot_number: int | None = Field(default=None, ge=1, le=99)
    cues: PartyCues
    accounts: list[AccountEntry] = Field(default_factory=list)


class Pair(_Strict):
    key: Key
    ballot_number: int = Field(ge=1, le=99)
    name: Phrase
    members: list[Phrase] = Field(min_length=1)
    parties: list[Key] = Field(default_factory=list)
    cues: PairCues
    accounts: list[AccountEntry] = Field(min_length=1)


class Contest(_Strict):
    key: Key
    office: Phrase
    region_code: str = ""
    region_name: str = ""
    context: list[Phrase] = Field(default_factory=list)
    pairs: list[Pair] = Field(min_length=2)


class ElectionInfo(_Strict):
    key: Key
    name: Phrase
    kind: Literal["pilpres", "pileg", "pilkada"]
    voting_date: date | None = None
    campaign_start: date | None = None
    campaign_end: date | None = None


class Watchlist(_Strict):
    """One validated watch-list file (``source_file``/``source_sha256`` set by the loader)."""

    election: ElectionInfo
    parties: list[Party] = Field(default_factory=list)
    contests: list[Contest] = Field(min_length=1)
    source_file: str = ""
    source_sha256: str = ""

    def pairs(self) -> Iterable[tuple[Contest, Pair]]:
        for contest in self.contests:
            for pair in contest.pairs:
                yield contest, pair


# Loading -------------------------------------------------------------------------------------


def _loc(parts: Iterable[int | str]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _parse_file(path: Path) -> Watchlist:
    raw = path.read_bytes()
    name = path.name
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise WatchlistError(f"{name}: {where}invalid YAML: {problem}") from exc
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise WatchlistError(f"{name}: the document must be a mapping, not {kind}")
    if "source_file" in data or "source_sha256" in data:
        raise WatchlistError(f"{name}: source_file/source_sha256 are set by the loader")
    try:
        doc = Watchlist.model_validate(data)
    except ValidationError as exc:
        lines = [f"{name}: {_loc(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise WatchlistError("\n".join(lines)) from exc
    return doc.model_copy(
        update={"source_file": name, "source_sha256": hashlib.sha256(raw).hexdigest()}
    )


def load_watchlists(directory: Path) -> list[Watchlist]:
    """Read and validate every ``*.yaml``/``*.yml`` in ``directory`` (sorted by file name)."""
    if not directory.is_dir():
        raise WatchlistError(f"{directory}: not a directory of watch lists")
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        raise WatchlistError(f"{directory}: no watch-list files (*.yaml)")
    problems: list[str] = []
    watchlists: list[Watchlist] = []
    for path in files:
        try:
            watchlists.append(_parse_file(path))
        except WatchlistError as exc:
            problems.append(str(exc))
    if not problems:
        problems = check_watchlists(watchlists)
    if problems:
        lines = "\n".join(problems).splitlines()
        raise WatchlistError(
            f"{len(lines)} problem(s) in the watch lists in {directory}:\n" + "\n".join(lines)
        )
    return watchlists


# Rules beyond the schema ---------------------------------------------------------------------


def check_watchlists(watchlists: list[Watchlist]) -> list[str]:
    """Every cross-field and cross-file problem, as ``file: path: reason`` lines."""
    problems: list[str] = []
    for wl in watchlists:
        problems += _check_file(wl)
    problems += _check_unique_keys(watchlists)
    problems += _check_party_refs(watchlists)
    problems += _check_handles(watchlists)
    return problems


def _check_file(wl: Watchlist) -> list[str]:
    f = wl.source_file
    problems: list[str] = []
    for ci, contest in enumerate(wl.contests):
        where = f"{f}: contests[{ci}]"
        numbers = Counter(p.ballot_number for p in contest.pairs)
        for pi, pair in enumerate(contest.pairs):
            if numbers[pair.ballot_number] > 1:
                problems.append(
                    f"{where}.pairs[{pi}].ballot_number: {pair.ballot_number} is used by "
                    f"{numbers[pair.ballot_number]} pairs of contest {contest.key!r}"
                )
            problems += _check_pair(f"{where}.pairs[{pi}]", pair)
        problems += _check_symmetry(where, contest)
        problems += _check_shared_phrases(where, contest)
    return problems


def _check_pair(where: str, pair: Pair) -> list[str]:
    problems: list[str] = []
    for i, form in enumerate(pair.cues.ballot_numbers):
        if ballot_number_in(form) != pair.ballot_number:
            problems.append(
                f"{where}.cues.ballot_numbers[{i}]: {form!r} does not name ballot number "
                f"{pair.ballot_number}"
            )
    for kind in PAIR_CUE_KINDS:
        seen: dict[str, int] = {}
        for i, phrase in enumerate(pair.cues.phrases(kind)):
            norm = normalize_phrase(phrase)
            if not norm.strip("# "):
                problems.append(f"{where}.cues.{kind}[{i}]: {phrase!r} has no letters or digits")
            elif norm in seen:
                problems.append(
                    f"{where}.cues.{kind}[{i}]: {phrase!r} repeats {kind}[{seen[norm]}]"
                )
            seen.setdefault(norm, i)
    return problems


def _check_symmetry(where: str, contest: Contest) -> list[str]:
    """Pairs of one contest get the same kinds of entries: equal cue counts, same accounts."""
    problems: list[str] = []
    first = contest.pairs[0]
    for pi, pair in enumerate(contest.pairs[1:], start=1):
        for kind in PAIR_CUE_KINDS:
            n0, n = len(first.cues.phrases(kind)), len(pair.cues.phrases(kind))
            if n != n0:
                problems.append(
                    f"{where}.pairs[{pi}].cues.{kind}: asymmetric: {pair.key!r} has {n} "
                    f"{kind}, {first.key!r} has {n0} (the lists are parallel across pairs)"
                )
        mine, theirs = _account_shape(pair), _account_shape(first)
        if mine != theirs:
            missing = ", ".join(f"{k} on {p}" for k, p in sorted(theirs - mine)) or "-"
            extra = ", ".join(f"{k} on {p}" for k, p in sorted(mine - theirs)) or "-"
            problems.append(
                f"{where}.pairs[{pi}].accounts: asymmetric: {pair.key!r} lacks [{missing}] "
                f"and has extra [{extra}] compared with {first.key!r}"
            )
    return problems


def _account_shape(pair: Pair) -> set[tuple[str, str]]:
    # Institutional accounts (campaign_related: false) exist only for candidates who hold an
    # office, so they are outside the symmetry rule.
    return {(a.kind, a.platform) for a in pair.accounts if a.campaign_related}


def _check_shared_phrases(where: str, contest: Contest) -> list[str]:
    owner: dict[str, str] = {}
    problems: list[str] = []
    for pair in contest.pairs:
        for kind in PAIR_CUE_KINDS:
            if kind == "ballot_numbers":
                continue
            for phrase in pair.cues.phrases(kind):
                norm = normalize_phrase(phrase)
                other = owner.setdefault(norm, pair.key)
                if other != pair.key:
                    problems.append(
                        f"{where}: cue {phrase!r} of {pair.key!r} is also a cue of {other!r} "
                        "in the same contest"
                    )
    return problems


def _check_unique_keys(watchlists: list[Watchlist]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}

    def claim(kind: str, key: str, where: str) -> None:
        first = seen.setdefault((kind, key), where)
        if first != where:
            problems.append(f"{where}: {kind} key {key!r} is already used at {first}")

    for wl in watchlists:
        f = wl.source_file
        claim("election", wl.election.key, f"{f}: election.key")
        for pi, party in enumerate(wl.parties):
            claim("side", party.key, f"{f}: parties[{pi}].key")
        for ci, contest in enumerate(wl.contests):
            claim("contest", f"{wl.election.key}/{contest.key}", f"{f}: contests[{ci}].key")
            for pi, pair in enumerate(contest.pairs):
                claim("side", pair.key, f"{f}: contests[{ci}].pairs[{pi}].key")
    return problems


def _check_party_refs(watchlists: list[Watchlist]) -> list[str]:
    known = {party.key for wl in watchlists for party in wl.parties}
    problems: list[str] = []
    for wl in watchlists:
        for ci, contest in enumerate(wl.contests):
            for pi, pair in enumerate(contest.pairs):
                for ki, key in enumerate(pair.parties):
                    if key not in known:
                        problems.append(
                            f"{wl.source_file}: contests[{ci}].pairs[{pi}].parties[{ki}]: "
                            f"unknown party {key!r} (define it under `parties:` in a watch list)"
                        )
    return problems


def _check_handles(watchlists: list[Watchlist]) -> list[str]:
    seen: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for wl in watchlists:
        for where, account in iter_accounts(wl):
            first = seen.setdefault((account.platform, account.handle.lower()), where)
            if first != where:
                problems.append(
                    f"{where}: {account.platform} handle {account.handle!r} is already "
                    f"watched at {first}"
                )
    return problems


def iter_accounts(wl: Watchlist) -> Iterable[tuple[str, AccountEntry]]:
    """Every watched account of a watch list with its location (``file: path``)."""
    for pi, party in enumerate(wl.parties):
        for ai, account in enumerate(party.accounts):
            yield f"{wl.source_file}: parties[{pi}].accounts[{ai}]", account
    for ci, contest in enumerate(wl.contests):
        for pi, pair in enumerate(contest.pairs):
            for ai, account in enumerate(pair.accounts):
                yield f"{wl.source_file}: contests[{ci}].pairs[{pi}].accounts[{ai}]", account


def sync_watchlists(*, session: Session, watchlists: list[Watchlist]) -> SyncReport:
    """Upsert the watch lists into the registry tables (see :mod:`.watchlist_sync`)."""
    from pantau.registry.watchlist_sync import sync_watchlists as sync

    return sync(session=session, watchlists=watchlists)
