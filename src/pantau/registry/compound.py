"""Candidates' names run together with other words in a hashtag: ``#TolakAnies``,
``#AhokPenistaAgama``, ``#GemoyForPresiden``.

No watch list can list every such tag, so the distinctive words of the candidates' names and
nicknames are found inside hashtags by rule. The cue matcher (:mod:`.cues`) reports them as
name hits (targets) and swaps them (``#TolakAnies`` -> ``#TolakPrabowo``, the counterfactual
test); the classifier's preprocessing masks them (``#Tolak[CALON]``), with the names of the
past contests too, for models that ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Honorifics written before names ("Pak Prabowo", "Cak Imin"): never a distinctive name word.
HONORIFICS = (
    "pak",
    "bapak",
    "bpk",
    "bu",
    "ibu",
    "mas",
    "mbak",
    "bang",
    "abang",
    "kang",
    "gus",
    "cak",
    "prof",
    "abah",
    "om",
    "bung",
    "kak",
    "mbah",
    "pakde",
    "bude",
    "uda",
    "uni",
    "habib",
    "kyai",
    "kiai",
    "ustadz",
    "buya",
    "h",
    "dr",
)

# Name words that are also everyday words or common given names and surnames: inside a
# hashtag they say nothing about a candidate (#DharmaWanita, #17Agustus, #KataSandi,
# #PurnamaSidi, #AminAmin, #SelamatUlangTahunRaka; "MD" is also a doctor's title).
COMMON_NAME_WORDS = frozenset(
    {
        "agus",
        "amin",
        "anung",
        "bowo",
        "doel",
        "dharma",
        "emil",
        "hidayat",
        "joko",
        "kamil",
        "karno",
        "md",
        "murni",
        "pakde",
        "pram",
        "purnama",
        "raka",
        "rano",
        "saiful",
        "sandi",
        "tjahaja",
        "widodo",
    }
)
_COMMON_LONGEST_FIRST = tuple(sorted(COMMON_NAME_WORDS, key=lambda w: (-len(w), w)))
_WORD_RE = re.compile(r"[^\W\d_]+")
TAG_RE = re.compile(r"#(\w+)")


def name_words(phrases: Iterable[str]) -> frozenset[str]:
    """The distinctive words of candidates' names and nicknames, lower-cased: words of four
    letters or more, acronyms written in capitals (AHY, RK), and each phrase of several words
    run together as a hashtag writes it ("Pram-Doel" -> "pramdoel", "Mas Pram" -> "maspram",
    "Ridwan Kamil" -> "ridwankamil"), less honorifics and :data:`COMMON_NAME_WORDS`. The
    phrases run together keep every side's names maskable in a tag even where each word alone
    is common ("#TolakPramDoel" as well as "#TolakRIDO")."""
    words: set[str] = set()
    for phrase in phrases:
        if phrase.startswith(("@", "#")):
            continue
        parts = _WORD_RE.findall(phrase)
        for word in parts:
            if len(word) >= 4 or (len(word) >= 2 and word.isupper()):
                words.add(word.lower())
        glued = "".join(parts).lower()
        if len(parts) > 1 and len(glued) >= 5:
            words.add(glued)
    return frozenset(words - set(HONORIFICS) - COMMON_NAME_WORDS)


# Short name words glue to other words by chance (#Muslimin holds "imin", #WORK "rk"), so
# they count only at a word boundary; a long one (or Ahok, which tags glue to a lower-case
# word: #saveahok, #temanahok) counts wherever it ends a word.
_GLUED = frozenset({"ahok"})


class CompoundHashtags:
    """Masks a candidate's name words inside a hashtag that runs them together with other
    words, keeping the other words: #AhokPenistaAgama becomes #[CALON]PenistaAgama and
    #TolakRido #Tolak[CALON] (the stance stays visible, the name does not); a tag that is only
    names becomes [TAGAR] (:func:`canonical`).

    A word counts where it ends the tag or is followed by a capital (a new word in a
    CamelCase tag), a digit or another name word; a word of under five letters must also
    start the tag, a CamelCase word, or follow a digit or another name word. So
    #AhokPanikAhokKalah, #saveahok, #TetapAHY, #CakImin and #AniesBaswedan2017 are masked;
    #Agustusan, #DharmaWanita and #Muslimin are not. In a tag written all in capitals a
    capital says nothing, so only the end, a digit or another name word counts."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted(set(words), key=lambda w: (-len(w), w)))

    def _ends_word(self, tag: str, low: str, end: int, capitals: bool) -> bool:
        return (
            end == len(tag)
            or tag[end].isdigit()
            or (tag[end].isupper() and not capitals)
            or any(low.startswith(w, end) for w in self.words)
        )

    def _starts_word(self, tag: str, low: str, start: int, capitals: bool) -> bool:
        return (
            start == 0
            or tag[start - 1].isdigit()
            or (tag[start].isupper() and not capitals and tag[start - 1].islower())
            or any(low.endswith(w, 0, start) for w in self.words)
        )

    def words_in(self, tag: str) -> list[tuple[int, int, str]]:
        """Each name word the tag (without ``#``) holds: start, end and the word, in order
        (none where lower case changes the tag's length, "İ": the offsets would not fit)."""
        low, capitals = tag.lower(), tag.isupper()
        if len(low) != len(tag):
            return []
        taken: list[tuple[int, int, str]] = []
        for word in self.words:
            start = low.find(word)
            while start >= 0:
                end = start + len(word)
                loose = len(word) >= 5 or word in _GLUED
                if (
                    not any(s < end and start < e for s, e, _ in taken)
                    and self._ends_word(tag, low, end, capitals)
                    and (loose or self._starts_word(tag, low, start, capitals))
                ):
                    taken.append((start, end, word))
                start = low.find(word, start + 1)
        return sorted(taken)

    def spans(self, tag: str) -> list[tuple[int, int]]:
        """Where the tag (without ``#``) holds name words, adjacent ones joined, each with the
        common name words run together with it: "#AniesSandi", "#TolakPramonoRano" and
        "#SaveAhokPurnama" hide "Sandi", "Rano" and "Purnama" too, which would otherwise tell
        one candidate's masked tag from another's."""
        low, capitals = tag.lower(), tag.isupper()
        joined: list[tuple[int, int]] = []
        for s, e, _ in self.words_in(tag):
            s, e = self._with_common_neighbours(tag, low, capitals, s, e)
            if joined and joined[-1][1] >= s:
                joined[-1] = (joined[-1][0], max(e, joined[-1][1]))
            else:
                joined.append((s, e))
        return joined

    def _with_common_neighbours(
        self, tag: str, low: str, capitals: bool, start: int, end: int
    ) -> tuple[int, int]:
        grown = True
        while grown:
            grown = False
            for w in _COMMON_LONGEST_FIRST:
                if low.startswith(w, end) and self._ends_word(tag, low, end + len(w), capitals):
                    end, grown = end + len(w), True
                elif low.endswith(w, 0, start) and self._starts_word(
                    tag, low, start - len(w), capitals
                ):
                    start, grown = start - len(w), True
                if grown:
                    break
        return start, end

    def _mask_tag(self, match: re.Match[str]) -> str:
        tag = match.group(1)
        out, pos = ["#"], 0
        for s, e in self.spans(tag):
            out += [tag[pos:s], "[CALON]"]
            pos = e
        return "".join([*out, tag[pos:]])

    def mask(self, text: str) -> str:
        if not self.words or "#" not in text:
            return text
        return TAG_RE.sub(self._mask_tag, text)


# --- whose names a hashtag holds (the cue matcher) -------------------------------------------


@dataclass(frozen=True)
class NamePhrase:
    """A name or nickname of one side, as the cue matcher lists it."""

    side: str
    kind: str  # name | nickname
    cue: str
    index: int  # position in the side's list of that kind (swaps are parallel by it)


@dataclass(frozen=True)
class TagName:
    """A stretch of a hashtag naming a side; ``start``/``end`` index the text."""

    start: int
    end: int
    phrases: tuple[NamePhrase, ...]  # one per side the stretch may name


class TagNames:
    """Finds the sides' names run together with other words in hashtags.

    A distinctive name word (:func:`name_words`, found where :class:`CompoundHashtags` finds
    one: "anies", or a phrase run together, "ridwankamil") names every side whose names or
    nicknames hold it, each by its shortest phrase holding it ("#TolakAnies" -> the name
    "Anies", "#RidwanKamilGubernur" -> "Ridwan Kamil")."""

    def __init__(self, phrases: Iterable[NamePhrase]) -> None:
        owners: dict[str, dict[str, NamePhrase]] = {}
        for phrase in phrases:
            for word in name_words([phrase.cue]):
                best = owners.setdefault(word, {})
                current = best.get(phrase.side)
                if current is None or len(phrase.cue) < len(current.cue):
                    best[phrase.side] = phrase
        self.by_word = {w: tuple(best[k] for k in sorted(best)) for w, best in owners.items()}
        self.finder = CompoundHashtags(self.by_word)

    def find(self, text: str, taken: Iterable[tuple[int, int]] = ()) -> list[TagName]:
        """Names in the hashtags of ``text`` whose tag overlaps no span in ``taken``."""
        if "#" not in text:
            return []
        busy = list(taken)
        out: list[TagName] = []
        for m in TAG_RE.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in busy):
                continue  # a listed hashtag or a name the patterns found covers it
            for s, e, word in self.finder.words_in(m.group(1)):
                out.append(TagName(m.start(1) + s, m.start(1) + e, self.by_word[word]))
        return out
