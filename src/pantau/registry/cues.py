"""The cue matcher: which sides (pairs, parties) a text mentions, and by which cues.

Used by the classifier (targets, counterfactual fairness swaps, masking for training) and by
the detection rules (``ATTRIBUTE``: hashtags, ballot numbers, hand signs). How it decides:

- Text is normalised (:mod:`pantau.registry.textnorm`): case, Unicode forms, slang; every
  letter of a cue may be elongated ("prabowooo"); hashtags tolerate ``_`` and ``# AMIN``.
- Overlapping matches: the longest wins ("Koalisi Indonesia Maju" over "Indonesia Maju",
  "salam 2 jari" over the ballot number "2").
- Cues written in capitals in the watch list (``AMIN``, ``RK``, ``PKS``) match only in capitals
  and unelongated, because "amin"/"AAMIIN" is also a prayer word; "AMIN" in capitals also needs
  election context (``EVERYDAY_ACRONYMS``).
- Ballot numbers: a bare number counts only in a ballot context ("coblos 2", "nomor urut 2"),
  or zero-padded ("02") when not a time, date or address ("jam 02", "tgl 02", "02.00").
- Slogans made of common words (``needs_context`` in the watch list: "perubahan",
  "lanjutkan") count only when the text also holds an election word (pemilu, pilpres, coblos,
  dukung, ...) or a strong cue of the same contest, and never inside one of their ``exclude``
  phrases ("perubahan iklim"). A lone first name ("Anies") is a name hit but is not strong:
  it never turns a namesake's text into a slogan hit.
- Shared cues (ballot numbers and hand signs: "02" is Prabowo-Gibran in Pilpres and
  Dharma-Kun in Pilkada DKI) are resolved by the other cues of a contest in the same text, then
  by named parties (coalitions), then by the contest's context words ("pilpres", "cagub"); if
  that leaves more than one side, every candidate side is reported and ``ambiguous`` is set.
- Hashtags that run a candidate's name together with other words (``#TolakAnies``,
  ``#GemoyForPresiden``, ``#RidwanKamilGubernur``), which no watch list can list in full, are
  found by rule (:mod:`pantau.registry.compound`) and reported by :meth:`CueMatcher.match` as
  name hits of that side where no listed cue covers them; :meth:`CueMatcher.mask` masks the
  name and keeps the tag's other words (``#Tolak[CALON]``), :meth:`CueMatcher.swap` puts the
  other side's parallel name in its place (``#TolakPrabowo``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pantau.config import get_settings
from pantau.errors import WatchlistError
from pantau.registry.compound import NamePhrase, TagName, TagNames
from pantau.registry.cuepatterns import (
    ELECTION_CONTEXT,
    PRIORITY,
    CuePattern,
    SideInfo,
    compile_watchlists,
)
from pantau.registry.textnorm import (
    WORDS_FOR_NUMBER,
    NormText,
    find_ballot_numbers,
    normalize,
    squeeze,
)
from pantau.registry.watchlist import Watchlist, load_watchlists

PLACEHOLDERS = {
    "name": "[CALON]",
    "nickname": "[CALON]",
    "hashtag": "[TAGAR]",
    "slogan": "[SLOGAN]",
    "ballot_number": "[NOMOR]",
    "hand_sign": "[SALAM]",
    "party": "[PARTAI]",
}


@dataclass(frozen=True)
class CueHit:
    """One cue of one side found in a text; ``start``/``end`` index the original text."""

    side: str
    kind: str
    cue: str
    matched_text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "kind": self.kind,
            "cue": self.cue,
            "matched_text": self.matched_text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class CueMatch:
    """The sides a text mentions (sorted keys), every hit, and whether a shared cue stayed open."""

    sides: tuple[str, ...]
    hits: tuple[CueHit, ...]
    ambiguous: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "sides": list(self.sides),
            "ambiguous": self.ambiguous,
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass
class _Found:
    """A match before resolution; spans index the normalised text."""

    start: int
    end: int
    pattern: CuePattern | None  # None for ballot numbers
    kind: str
    cue: str
    owners: tuple[tuple[str, int], ...]
    number: int | None = None
    ambiguous: bool = False

    @property
    def strong(self) -> bool:
        return self.pattern is None or not (self.pattern.weak or self.pattern.needs_context)


class CueMatcher:
    """Finds, swaps and masks the cues of the sides in a set of watch lists."""

    def __init__(self, watchlists: list[Watchlist]) -> None:
        self.sides, self._patterns, self._contexts = compile_watchlists(watchlists)
        self._by_number: dict[int, list[str]] = {}
        for side in self.sides.values():
            if side.kind == "pair" and side.ballot_number is not None:
                self._by_number.setdefault(side.ballot_number, []).append(side.key)
        self._tag_names = TagNames(
            NamePhrase(side.key, kind, cue, index)
            for side in self.sides.values()
            if side.kind == "pair"
            for kind in ("name", "nickname")
            for index, cue in enumerate(side.cues.get(kind, ()))
        )

    @classmethod
    def from_watchlists(cls, watchlists: list[Watchlist]) -> CueMatcher:
        return cls(watchlists)

    # Public ----------------------------------------------------------------------------------

    def match(self, text: str) -> CueMatch:
        hits: list[CueHit] = []
        ambiguous = False
        for start, end, f in self._located(text):
            if isinstance(f, TagName):
                owners = [(p.side, p.kind, p.cue) for p in f.phrases]
                ambiguous |= len(owners) > 1
            else:
                owners = [(side, f.kind, f.cue) for side, _ in f.owners]
                ambiguous |= f.ambiguous
            hits += [
                CueHit(side, kind, cue, text[start:end], start, end) for side, kind, cue in owners
            ]
        hits.sort(key=lambda h: (h.start, h.side))
        sides = tuple(sorted({h.side for h in hits}))
        return CueMatch(sides, tuple(hits), ambiguous)

    def swap(self, text: str, a: str, b: str) -> str:
        """Exchange every cue of side ``a`` with the corresponding cue of ``b``, and back.

        Cue lists are parallel across the pairs of a contest (the loader checks equal counts),
        so the i-th nickname becomes the other side's i-th nickname, a number the other number
        in the same form ("02" -> "01", "dua" -> "satu"): the text still reads naturally.
        """
        for key in (a, b):
            if key not in self.sides:
                raise WatchlistError(
                    f"unknown side {key!r} (known: {', '.join(sorted(self.sides))})"
                )
        out: list[str] = []
        pos = 0
        for start, end, f in self._located(text):
            matched = text[start:end]
            if isinstance(f, TagName):
                replacement = self._tag_counterpart(matched, f, a, b)
            else:
                keys = {side for side, _ in f.owners}
                if (a in keys) == (b in keys):
                    continue
                source, target = (a, b) if a in keys else (b, a)
                index = dict(f.owners)[source]
                replacement = self._counterpart(
                    matched, f, self.sides[source], index, self.sides[target]
                )
            if replacement is not None:
                out += [text[pos:start], replacement]
                pos = end
        out.append(text[pos:])
        return "".join(out)

    def mask(self, text: str, *, in_tags: bool = True) -> str:
        """Replace every cue with a neutral placeholder (``[CALON]``, ``[NOMOR]``, ...); a name
        inside a hashtag keeps the tag's other words (``#Tolak[CALON]``), or stays as written
        when not ``in_tags`` (the classifier's preprocessing masks those itself, last)."""
        out: list[str] = []
        pos = 0
        for start, end, f in self._located(text, in_tags=in_tags):
            kind = f.phrases[0].kind if isinstance(f, TagName) else f.kind
            out += [text[pos:start], PLACEHOLDERS[kind]]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    # Finding ---------------------------------------------------------------------------------

    def _located(
        self, text: str, *, in_tags: bool = True
    ) -> list[tuple[int, int, _Found | TagName]]:
        """Every cue with its span in ``text``: the patterns' finds, then names in hashtags
        that none of them covers, in text order."""
        norm = normalize(text)
        located: list[tuple[int, int, _Found | TagName]] = [
            (*norm.span(f.start, f.end), f) for f in self._find(norm)
        ]
        if in_tags:
            taken = [(start, end) for start, end, _ in located]
            located += [(t.start, t.end, t) for t in self._tag_names.find(text, taken)]
        return sorted(located, key=lambda item: item[0])

    def _find(self, norm: NormText) -> list[_Found]:
        chosen = _longest_first(self._raw(norm))
        chosen = [f for f in chosen if not _excluded(f, norm.text)]
        chosen = self._apply_context(chosen, norm.text)
        self._resolve_shared(chosen, norm.text)
        return sorted(chosen, key=lambda f: f.start)

    def _raw(self, norm: NormText) -> list[_Found]:
        found: list[_Found] = []
        squeezed = squeeze(norm.text)
        for p in self._patterns:
            if p.anchor not in squeezed:
                continue
            for m in p.regex.finditer(norm.text):
                if p.acronym and not norm.all_upper(m.start(), m.end()):
                    continue
                found.append(_Found(m.start(), m.end(), p, p.kind, p.cue, p.owners))
        for start, end, number in find_ballot_numbers(norm.text):
            owners = tuple((side, 0) for side in self._by_number.get(number, ()))
            if owners:
                found.append(
                    _Found(start, end, None, "ballot_number", f"{number:02d}", owners, number)
                )
        return found

    def _contest(self, side: str) -> str | None:
        return self.sides[side].contest

    def _apply_context(self, found: list[_Found], text: str) -> list[_Found]:
        needy = [f for f in found if f.pattern is not None and f.pattern.needs_context]
        if not needy:
            return found
        strong = {self._contest(s) for f in found if f.strong for s, _ in f.owners}
        words = [m.span() for m in ELECTION_CONTEXT.finditer(text)]
        needy_ids = {id(f) for f in needy}
        kept = []
        for f in found:
            if id(f) in needy_ids:
                outside = any(e <= f.start or s >= f.end for s, e in words)
                if not outside and not {self._contest(s) for s, _ in f.owners} & strong:
                    continue
            kept.append(f)
        return kept

    def _resolve_shared(self, found: list[_Found], text: str) -> None:
        """Place shared cues: by other cues' contests, then parties, then context words."""
        shared = [f for f in found if len(f.owners) > 1]
        if not shared:
            return
        contests = {self._contest(s) for f in found if len(f.owners) == 1 for s, _ in f.owners}
        contests.discard(None)
        parties = {s for f in found if f.kind == "party" for s, _ in f.owners}
        context = {c for c, rx in self._contexts.items() if rx.search(text)}
        tests: tuple[Callable[[str], bool], ...] = (
            lambda side: self._contest(side) in contests,
            lambda side: bool(parties & set(self.sides[side].parties)),
            lambda side: self._contest(side) in context,
        )
        for f in shared:
            for keep in tests:
                narrowed = tuple(o for o in f.owners if keep(o[0]))
                if narrowed:
                    f.owners = narrowed
                    break
            f.ambiguous = len(f.owners) > 1

    # Swapping --------------------------------------------------------------------------------

    def _tag_counterpart(self, matched: str, t: TagName, a: str, b: str) -> str | None:
        """A name inside a hashtag becomes the other side's parallel name, run together."""
        phrases = {p.side: p for p in t.phrases}
        if (a in phrases) == (b in phrases):
            return None
        source, target = (a, b) if a in phrases else (b, a)
        phrase = phrases[source]
        choices = self.sides[target].cues.get(phrase.kind, ())
        if not choices:
            return None
        counterpart = choices[phrase.index % len(choices)]
        camel = "".join(w[:1].upper() + w[1:] for w in _ALNUM.findall(counterpart))
        if _is_capitals(phrase.cue):
            return camel  # "#TolakRIDO" -> "#TolakDharmaKun": an acronym's capitals say nothing
        return _with_case_of(matched, camel)

    def _counterpart(
        self, matched: str, f: _Found, source: SideInfo, index: int, target: SideInfo
    ) -> str | None:
        if f.kind == "ballot_number":
            if target.ballot_number is None:
                return None
            return _render_number(matched, target.ballot_number)
        choices = target.cues.get(f.kind, ())
        if not choices:
            return None
        counterpart = choices[index % len(choices)]
        own = source.cues.get(f.kind, ())
        if index < len(own) and (matched == own[index] or _is_capitals(own[index])):
            # Written as listed (or an acronym, which only matches in capitals): the
            # counterpart as listed, so that swapping back restores the text.
            return counterpart
        return _with_case_of(matched, counterpart)


def _longest_first(found: list[_Found]) -> list[_Found]:
    """Non-overlapping matches, longest first (ties: the more specific kind)."""
    order = sorted(found, key=lambda f: (-(f.end - f.start), PRIORITY[f.kind], f.start))
    taken: list[tuple[int, int]] = []
    chosen: list[_Found] = []
    for f in order:
        if all(f.end <= s or f.start >= e for s, e in taken):
            taken.append((f.start, f.end))
            chosen.append(f)
    return chosen


def _excluded(f: _Found, text: str) -> bool:
    if f.pattern is None or not f.pattern.excludes:
        return False
    for rx in f.pattern.excludes:
        for m in rx.finditer(text):
            if m.start() < f.end and m.end() > f.start:
                return True
    return False


_ALNUM = re.compile(r"[^\W_]+")


def _is_capitals(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _with_case_of(matched: str, cue: str) -> str:
    letters = [c for c in matched.lstrip("#") if c.isalpha()]
    if _is_capitals(cue):
        return cue  # an acronym stays in capitals (it only matches that way)
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return cue.upper()
    if letters and all(c.islower() for c in letters):
        return cue.lower()
    if letters and letters[0].isupper() and cue[:1].islower():
        return cue[0].upper() + cue[1:]  # sentence case ("Sat set" -> "Perubahan")
    return cue


def _render_number(matched: str, number: int) -> str:
    if matched.isdigit():
        return f"{number:02d}" if matched.startswith("0") else str(number)
    return _with_case_of(matched, WORDS_FOR_NUMBER.get(number, str(number)))


@lru_cache(maxsize=4)
def _matcher_for(directory: Path, stamp: tuple[tuple[str, int, int], ...]) -> CueMatcher:
    return CueMatcher.from_watchlists(load_watchlists(directory))


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    if not directory.is_dir():
        return ()
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def default_matcher() -> CueMatcher:
    """The matcher for ``get_settings().watchlist_dir``, rebuilt only when its files change."""
    directory = get_settings().watchlist_dir.resolve()
    return _matcher_for(directory, _stamp(directory))
