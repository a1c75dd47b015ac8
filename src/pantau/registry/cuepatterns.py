"""Compiling watch lists into the patterns and side facts the cue matcher runs on.

Separate from :mod:`pantau.registry.cues` so that the matching rules read on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pantau.registry.textnorm import (
    HONORIFICS,
    SEP,
    flexible,
    hashtag_tokens,
    phrase_tokens,
    squeeze,
)
from pantau.registry.watchlist import Watchlist

# Watch-list cue lists -> the hit kind they produce.
KIND_OF_LIST = {
    "names": "name",
    "nicknames": "nickname",
    "hashtags": "hashtag",
    "slogans": "slogan",
    "hand_signs": "hand_sign",
}
KINDS = ("name", "nickname", "hashtag", "slogan", "ballot_number", "hand_sign", "party")
# When two hits of equal length overlap, the more specific kind wins.
PRIORITY = {k: i for i, k in enumerate(("hashtag", "hand_sign", "slogan", "nickname", "party"))}
PRIORITY.update({"name": 5, "ballot_number": 6})

# Words that put a text in an election frame; a slogan made of common words ("perubahan",
# "lanjutkan") counts only beside one of these or beside a strong cue of its own contest.
ELECTION_WORDS = (
    "pemilu",
    "pilpres",
    "pilkada",
    "pilgub",
    "pileg",
    "capres",
    "cawapres",
    "cagub",
    "cawagub",
    "paslon",
    "kampanye",
    "coblos",
    "pilih",
    "memilih",
    "dukung",
    "mendukung",
    "menangkan",
    "memenangkan",
    "relawan",
    "timses",
    "pendukung",
    "koalisi",
    "presiden",
    "gubernur",
)


@dataclass(frozen=True)
class SideInfo:
    """What the matcher knows about one side (pair or party)."""

    key: str
    kind: str  # pair | party
    contest: str | None  # "<election>/<contest>" for pairs
    ballot_number: int | None
    cues: dict[str, tuple[str, ...]]  # hit kind -> cue phrases in watch-list order
    parties: tuple[str, ...] = ()  # a pair's coalition party keys


@dataclass(frozen=True)
class CuePattern:
    """One cue phrase, compiled; ``owners`` are the (side, index in its list) that list it."""

    regex: re.Pattern[str]
    kind: str
    cue: str
    owners: tuple[tuple[str, int], ...]
    acronym: bool  # all capitals in the watch list: matches only in capitals ("AMIN" vs "amin")
    weak: bool  # a lone first name: a hit, but never election context (namesakes)
    needs_context: bool
    excludes: tuple[re.Pattern[str], ...]
    anchor: str  # squeezed token every match contains ("" when none is fixed)


def _is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# Acronyms that are also everyday words in capitals ("AMIN" ends many prayers): they count only
# with election context, like slogans made of common words.
EVERYDAY_ACRONYMS = frozenset({"amin"})


def _everyday_acronym(phrase: str) -> bool:
    return _is_acronym(phrase) and phrase.lower() in EVERYDAY_ACRONYMS


def _anchor(phrase: str) -> str:
    tokens = hashtag_tokens(phrase) if phrase.startswith("#") else phrase_tokens(phrase)
    fixed = [t for t in tokens if t not in HONORIFICS]
    return squeeze(max(fixed, key=len)) if fixed else ""


def _compile(kind: str, phrase: str) -> re.Pattern[str]:
    if phrase.startswith("#"):
        # Hashtags: "#Prabowo_Gibran2024", "# AMIN"; the tag must end where the cue ends.
        return re.compile(r"#\s?" + flexible(hashtag_tokens(phrase), sep=r"[_\-.]?"))
    if _is_acronym(phrase):
        # Acronyms are not elongated: "AAMIIN" is a prayer, not "AMIN".
        body = SEP.join(re.escape(t) for t in phrase_tokens(phrase))
        return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")
    return re.compile(flexible(phrase_tokens(phrase)))


@dataclass
class _Spec:
    kind: str
    cue: str
    owners: list[tuple[str, int]]
    needs_context: bool = False
    excludes: tuple[str, ...] = ()


def compile_watchlists(
    watchlists: list[Watchlist],
) -> tuple[dict[str, SideInfo], list[CuePattern], dict[str, re.Pattern[str]]]:
    """Side facts, cue patterns and per-contest context patterns of the watch lists."""
    sides: dict[str, SideInfo] = {}
    specs: dict[tuple[str, str], _Spec] = {}
    contexts: dict[str, re.Pattern[str]] = {}

    def add(
        kind: str,
        phrase: str,
        side: str,
        index: int,
        needs_context: bool = False,
        excludes: tuple[str, ...] = (),
    ) -> None:
        tag = phrase.startswith("#")
        key = (kind, phrase.lower() if tag else " ".join(phrase_tokens(phrase)))
        spec = specs.setdefault(key, _Spec(kind, phrase, [], needs_context, excludes))
        if all(owner != side for owner, _ in spec.owners):
            spec.owners.append((side, index))

    for wl in watchlists:
        for party in wl.parties:
            phrases = (*party.cues.names, *party.cues.hashtags)
            sides[party.key] = SideInfo(party.key, "party", None, None, {"party": phrases})
            for i, phrase in enumerate(phrases):
                add("party", phrase, party.key, i)
        for contest, pair in wl.pairs():
            ckey = f"{wl.election.key}/{contest.key}"
            if contest.context:
                contexts[ckey] = re.compile(
                    "|".join(flexible(phrase_tokens(c)) for c in contest.context)
                )
            cues = {kind: tuple(pair.cues.phrases(name)) for name, kind in KIND_OF_LIST.items()}
            sides[pair.key] = SideInfo(
                pair.key, "pair", ckey, pair.ballot_number, cues, tuple(pair.parties)
            )
            for name, kind in KIND_OF_LIST.items():
                if kind == "slogan":
                    for i, slogan in enumerate(pair.cues.slogans):
                        add(
                            kind,
                            slogan.text,
                            pair.key,
                            i,
                            slogan.needs_context,
                            tuple(slogan.exclude),
                        )
                else:
                    for i, phrase in enumerate(pair.cues.phrases(name)):
                        add(kind, phrase, pair.key, i)
    patterns = [
        CuePattern(
            regex=_compile(spec.kind, spec.cue),
            kind=spec.kind,
            cue=spec.cue,
            owners=tuple(spec.owners),
            acronym=not spec.cue.startswith("#") and _is_acronym(spec.cue),
            weak=spec.kind == "name" and len(phrase_tokens(spec.cue)) == 1,
            needs_context=spec.needs_context or _everyday_acronym(spec.cue),
            excludes=tuple(_compile("slogan", e) for e in spec.excludes),
            anchor=_anchor(spec.cue),
        )
        for spec in specs.values()
    ]
    return sides, patterns, contexts


ELECTION_CONTEXT = re.compile("|".join(flexible([w]) for w in ELECTION_WORDS))
