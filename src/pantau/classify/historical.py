"""Cues of past contests (Pilpres 2019, Pilkada DKI 2017) for the public training rows.

The watch lists (and so ``pantau.registry.cues``) cover only the contests we monitor; the
public election sets are about earlier ones. This matcher has the same interface
(``match(text).sides``, ``swap(text, a, b)``, ``mask(text)``) so
``corpus.augment_with_swaps(examples, historical_matcher("pilpres-2019"),
contests=HISTORICAL_CONTESTS["pilpres-2019"])`` balances those rows across their sides too.

One matcher per contest on purpose: Sandiaga Uno ran in both, so "Sandi" belongs to
``anies-sandi`` in 2017 texts and to ``prabowo-sandi`` in 2019 texts. Cue lists are parallel
across the sides of a contest (the i-th cue of one side swaps with the i-th of another).
Slogans and movement hashtags (``#2019GantiPresiden``) are left out: swapping them would
change what a text says, not only whom it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pantau.errors import InputRejected

_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "pilpres-2019": {
        "jokowi-amin": (
            "Jokowi-Ma'ruf",
            "Jokowi-Maruf",
            "Jokowi-Amin",
            "Joko Widodo",
            "Ma'ruf Amin",
            "Maruf Amin",
            "Jokowi",
            "Ma'ruf",
            "Maruf",
            "Pakde",
            "@jokowi",
            "@KHMarufAmin_",
            "#JokowiAmin",
            "JokowiAmin",
            "Jkw",
            "01",
        ),
        "prabowo-sandi": (
            "Prabowo-Sandi",
            "Prabowo-Sandiaga",
            "Prabowo-Uno",
            "Prabowo Subianto",
            "Sandiaga Uno",
            "Sandiaga Uno",
            "Prabowo",
            "Sandiaga",
            "Sandi",
            "Wowo",
            "@prabowo",
            "@sandiuno",
            "#PrabowoSandi",
            "PrabowoSandi",
            "Bowo",
            "02",
        ),
    },
    "pilkada-dki-2017": {
        "agus-sylvi": (
            "Agus-Sylvi",
            "Agus-Silvy",
            "Agus Harimurti Yudhoyono",
            "Sylviana Murni",
            "AHY",
            "Agus",
            "Sylvi",
            "Silvy",
            "@AgusYudhoyono",
            "@sylviana_murni",
            "#AgusSylvi",
            "#AgusSilvy",
            "#AHY",
            "AgusSylvi",
        ),
        "ahok-djarot": (
            "Ahok-Djarot",
            "Basuki-Djarot",
            "Basuki Tjahaja Purnama",
            "Djarot Saiful Hidayat",
            "Ahok",
            "Basuki",
            "Djarot",
            "Badja",
            "@basuki_btp",
            "@djarotsaiful",
            "#AhokDjarot",
            "#BaDja",
            "#Ahok",
            "AhokDjarot",
        ),
        "anies-sandi": (
            "Anies-Sandi",
            "Anies-Sandiaga",
            "Anies Baswedan",
            "Sandiaga Uno",
            "Anies",
            "Baswedan",
            "Sandi",
            "Sandiaga",
            "@aniesbaswedan",
            "@sandiuno",
            "#AniesSandi",
            "#AniesSandiaga",
            "#Anies",
            "AniesSandi",
        ),
    },
}

HISTORICAL_CONTESTS: dict[str, tuple[tuple[str, ...], ...]] = {
    election: (tuple(sides),) for election, sides in _CUES.items()
}


@dataclass(frozen=True)
class HistoricalMatch:
    sides: tuple[str, ...]


def _placeholder(cue: str) -> str:
    if cue.startswith("#"):
        return "[TAGAR]"
    return "[NOMOR]" if cue.isdigit() else "[CALON]"


def _number_pattern(cue: str) -> str:
    """A zero-padded ballot number, not part of a time, date or amount."""
    return rf"(?<![\w.:/,]){re.escape(cue)}(?![\w.:/,]\d|\w)"


def _name_body(cue: str) -> str:
    return re.escape(cue).replace("\\-", r"\s*-\s*").replace("'", "['’`]?")


def _regex(cues: list[str]) -> re.Pattern[str]:
    """One alternation, group ``c<n>`` for ``cues[n]`` (tried in that order). The names share
    one look-behind (a name starts where no word, ``#`` or ``@`` precedes), tested once per
    position rather than once per name: 4-7x faster on the corpus, with the same masks and swaps
    of its 8,862 texts. No name starts with a digit, so trying the numbers after the names
    changes no match."""
    names = [(n, c) for n, c in enumerate(cues) if not c.isdigit()]
    if any(c[0].isdigit() for _, c in names):
        raise ValueError("a name cue starting with a digit would compete with the numbers")
    alternatives = "|".join(f"(?P<c{n}>{_name_body(c)})" for n, c in names)
    parts = [rf"(?<![\w#@])(?:{alternatives})(?!\w)"] if names else []
    parts += [f"(?P<c{n}>{_number_pattern(c)})" for n, c in enumerate(cues) if c.isdigit()]
    return re.compile("|".join(parts), re.IGNORECASE)


def _cased_like(matched: str, cue: str) -> str:
    if matched.isupper() and not cue.isupper():
        return cue.upper()
    if matched.islower() and not cue.islower():
        return cue.lower()
    return cue


class HistoricalMatcher:
    """Finds, swaps and masks the cues of one past contest's sides."""

    def __init__(self, election: str) -> None:
        if election not in _CUES:
            raise InputRejected(f"unknown past election {election!r} (known: {sorted(_CUES)})")
        self.sides = _CUES[election]
        pairs = [(side, i, cue) for side, cues in self.sides.items() for i, cue in enumerate(cues)]
        pairs.sort(key=lambda p: -len(p[2]))  # longest first: "Prabowo-Sandi" before "Prabowo"
        self._owners = [(side, i) for side, i, _ in pairs]
        self._regex = _regex([cue for _, _, cue in pairs])

    def _hits(self, text: str) -> list[tuple[re.Match[str], str, int]]:
        out = []
        for m in self._regex.finditer(text):
            side, index = self._owners[int((m.lastgroup or "c0")[1:])]
            out.append((m, side, index))
        return out

    def match(self, text: str) -> HistoricalMatch:
        return HistoricalMatch(tuple(sorted({side for _, side, _ in self._hits(text)})))

    def swap(self, text: str, a: str, b: str) -> str:
        """Exchange every cue of ``a`` with the corresponding cue of ``b``, and back."""
        for key in (a, b):
            if key not in self.sides:
                raise InputRejected(f"unknown side {key!r} (known: {sorted(self.sides)})")
        out: list[str] = []
        pos = 0
        for m, side, index in self._hits(text):
            if side not in (a, b):
                continue
            target = self.sides[b if side == a else a][index]
            out += [text[pos : m.start()], _cased_like(m.group(0), target)]
            pos = m.end()
        return "".join([*out, text[pos:]])

    def mask(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for m, side, index in self._hits(text):
            out += [text[pos : m.start()], _placeholder(self.sides[side][index])]
            pos = m.end()
        return "".join([*out, text[pos:]])


@lru_cache(maxsize=4)
def historical_matcher(election: str) -> HistoricalMatcher:
    """The matcher of ``"pilpres-2019"`` or ``"pilkada-dki-2017"``."""
    return HistoricalMatcher(election)
