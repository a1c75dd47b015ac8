"""Text normalisation for the cue matcher: case, Unicode forms, slang, elongation, numbers.

:func:`normalize` lower-cases a text (NFKC), expands a small slang lexicon and keeps, for every
character of the result, the span of the original it came from, so matches on the normal form
are reported (and replaced) at their place in the original text. Elongation ("prabowooo",
"pilihhhh") is not rewritten here: :func:`flexible` builds patterns in which every letter may
repeat, which keeps legitimate double letters ("maaf", "Ummat") intact.

Ballot numbers are recognised by :func:`find_ballot_numbers`: a bare number counts only after a
ballot context word ("no", "nomor urut", "paslon", "coblos", "pilih", "salam", ...), or as a
zero-padded "01".."09" that is not part of a time, date or address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A deliberately small lexicon of common Indonesian social-media spellings (written for pantau;
# it only needs the words that carry election context or surround cues).
SLANG: dict[str, str] = {
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "yg": "yang",
    "bgt": "banget",
    "bngt": "banget",
    "dr": "dari",
    "utk": "untuk",
    "untk": "untuk",
    "sm": "sama",
    "dgn": "dengan",
    "dg": "dengan",
    "krn": "karena",
    "krna": "karena",
    "jgn": "jangan",
    "jngn": "jangan",
    "nmr": "nomor",
    "nmer": "nomor",
    "nomer": "nomor",
    "plh": "pilih",
    "pilihlah": "pilih",
    "cblos": "coblos",
    "nyoblos": "coblos",
    "org": "orang",
    "aja": "saja",
    "aj": "saja",
    "sy": "saya",
    "gw": "saya",
    "gue": "saya",
    "tp": "tapi",
    "jd": "jadi",
    "bs": "bisa",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "blm": "belum",
    "lg": "lagi",
    "dpt": "dapat",
    "kalo": "kalau",
    "klo": "kalau",
    "skrg": "sekarang",
    "msh": "masih",
    "emg": "memang",
    "pilpress": "pilpres",
}

NUMBER_WORDS: dict[str, int] = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
WORDS_FOR_NUMBER = {n: w for w, n in NUMBER_WORDS.items()}

# Honorifics written in several ways; a cue "Pak Prabowo" also matches "bapak prabowo".
HONORIFICS: dict[str, tuple[str, ...]] = {
    "pak": ("pak", "bapak", "bpk", "pk"),
    "bu": ("bu", "ibu"),
    "bang": ("bang", "abang", "bg"),
    "prof": ("prof", "profesor", "professor"),
    "kang": ("kang", "akang"),
    "mas": ("mas", "mz"),
}

_TOKEN = re.compile(r"[^\W_]+")
_RUNS = re.compile(r"(.)\1{2,}")
_WORD_CHAR = r"[^\W_]"
SEP = r"[\s\-_.,/&+']{0,3}"


@dataclass(frozen=True)
class NormText:
    """A normalised text with, for every character, the original span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of the normal-form slice ``[start, end)``."""
        return self.starts[start], self.ends[end - 1]

    def all_upper(self, start: int, end: int) -> bool:
        """Whether every letter of the slice was written in capitals in the original."""
        letters = [
            unicodedata.normalize("NFKC", self.original[self.starts[i]]).isupper()
            for i in range(start, end)
            if self.text[i].isalpha()
        ]
        return bool(letters) and all(letters)


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_INVISIBLE = frozenset({"Mn", "Me", "Cf"})
_Folded = tuple[list[str], list[int], list[int]]


def _fold_char(c: str, i: int, out: _Folded) -> None:
    chars, starts, ends = out
    for ch in unicodedata.normalize("NFKC", c).lower():
        if unicodedata.category(ch) in _INVISIBLE:
            continue  # combining marks, keycaps, emoji selectors, zero-width joiners
        # Strip accents (é -> e) but keep the character count one-to-one.
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        chars.append(base if base.isascii() else ch)
        starts.append(i)
        ends.append(i + 1)


def _fold(text: str) -> _Folded:
    out: _Folded = ([], [], [])
    chars, starts, ends = out
    pos = 0
    # ASCII runs (most of any text) are folded in bulk; other characters one by one.
    for m in _ASCII_RUNS.finditer(text):
        for i in range(pos, m.start()):
            _fold_char(text[i], i, out)
        chars.extend(m.group().lower())
        starts.extend(range(m.start(), m.end()))
        ends.extend(range(m.start() + 1, m.end() + 1))
        pos = m.end()
    for i in range(pos, len(text)):
        _fold_char(text[i], i, out)
    return out


_REPEATS = re.compile(r"(.)\1+")


def squeeze(text: str) -> str:
    """Every run of one character as one ("prabowooo" -> "prabowo", "maaf" -> "maf").

    A cue pattern can only match where its squeezed anchor token occurs in the squeezed text,
    which lets the matcher skip most patterns with a substring test.
    """
    return _REPEATS.sub(r"\1", text)


def collapse_runs(token: str) -> str:
    """ "pilihhhh" -> "pilih": runs of three or more of one character become one."""
    return _RUNS.sub(r"\1", token)


def _slang(token: str) -> str | None:
    replacement = SLANG.get(token)
    if replacement is None and len(token) > 3 and token[-1] == token[-2] == token[-3]:
        replacement = SLANG.get(collapse_runs(token))  # "gkkk", "bgttt"
    return None if replacement == token else replacement


def normalize(text: str) -> NormText:
    """Lower-case NFKC text with slang expanded, keeping the map back to ``text``."""
    chars, starts, ends = _fold(text)
    folded = "".join(chars)
    out: list[str] = []
    o_starts: list[int] = []
    o_ends: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(folded):
        replacement = _slang(m.group())
        if replacement is None:
            continue
        out.append(folded[pos : m.start()])
        o_starts += starts[pos : m.start()]
        o_ends += ends[pos : m.start()]
        out.append(replacement)
        o_starts += [starts[m.start()]] * len(replacement)
        o_ends += [ends[m.end() - 1]] * len(replacement)
        pos = m.end()
    out.append(folded[pos:])
    o_starts += starts[pos:]
    o_ends += ends[pos:]
    return NormText("".join(out), tuple(o_starts), tuple(o_ends), text)


def normalize_phrase(phrase: str) -> str:
    """The comparable form of a cue phrase: folded, lower-case, single spaces."""
    return " ".join("".join(_fold(phrase)[0]).split())


def phrase_tokens(phrase: str) -> list[str]:
    return _TOKEN.findall(normalize_phrase(phrase))


def hashtag_tokens(tag: str) -> list[str]:
    """``#PrabowoGibran2024`` -> ``["prabowo", "gibran", "2024"]`` (camel case and digits)."""
    body = tag.lstrip("#")
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+", body)
    return [p.lower() for p in parts] or [body.lower()]


def flexible_token(token: str) -> str:
    """A token whose letters may repeat (elongation); digits are literal."""
    if token in HONORIFICS:
        return (
            "(?:"
            + "|".join(flexible_token(v) for v in HONORIFICS[token] if v != token)
            + ("|" + "".join(re.escape(c) + ("+" if c.isalpha() else "") for c in token) + ")")
        )
    return "".join(re.escape(c) + ("+" if c.isalpha() else "") for c in token)


def flexible(tokens: list[str], sep: str = SEP) -> str:
    """A pattern for a phrase: flexible tokens, loose separators, word boundaries."""
    body = sep.join(flexible_token(t) for t in tokens)
    return rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})"


# Ballot numbers -------------------------------------------------------------------------------

_CONTEXT_WORDS = (
    "paslon",
    "pasangan calon",
    "pasangan",
    "capres",
    "cawapres",
    "cagub",
    "cawagub",
    "calon",
    "kandidat",
    "nomor urut",
    "nomor",
    "no",
    "nr",
    "urut",
    "coblos",
    "pilih",
    "dukung",
    "salam",
)
_CTX = "(?:" + "|".join(flexible_token(w).replace(r"\ ", r"\s+") for w in _CONTEXT_WORDS) + ")"
_NUM = r"(?P<num>0?[1-9]|" + "|".join(flexible_token(w) for w in NUMBER_WORDS) + ")"
# A number followed by a month or a unit is a date or a quantity ("01 jun", "pilih 2 macam").
_NOT_AFTER = (
    r"januari|jan|februari|feb|maret|mar|april|apr|mei|juni|jun|juli|jul|agustus|agu|agt|ags|"
    r"september|sept|sep|oktober|okt|november|nov|desember|des|jam|menit|detik|hari|minggu|"
    r"bulan|tahun|periode|kali|orang|buah|macam|porsi|kg|gram|km|meter|liter|persen|ribu|juta|"
    r"rb|jt|x"
)
_RANKING_AFTER = re.compile(r"\s+(?:di|dihati|se[a-z]+|dari|buat|untuk|bukan)(?![^\W_])")
_QUANTITY_AFTER = re.compile(rf"\s*%|\s+(?:{_NOT_AFTER})(?!{_WORD_CHAR})")
_NUM_END = rf"(?!{_WORD_CHAR}|[.,:/\-]\d)"
BALLOT_IN_CONTEXT = re.compile(
    rf"(?<!{_WORD_CHAR}){_CTX}(?:[\s.:#]{{0,3}}{_CTX})*[\s.:#\-]{{0,3}}{_NUM}{_NUM_END}"
)
BALLOT_PADDED = re.compile(rf"(?<![\w.,:/\-])(?P<num>0[1-9]){_NUM_END}")
# Words after which a zero-padded number is a time, date or address, not a ballot number.
_NOT_BALLOT_BEFORE = re.compile(
    r"(?<![^\W_])(?:jam|pukul|pkl|tanggal|tgl|tg|bulan|bln|rt|rw|lantai|lt|kamar|gang|gg|blok|kelas|"
    r"ruang|jalur|antrian|antrean|halaman|hal|bab|pasal|ayat|menit|detik|"
    r"senin|selasa|rabu|kamis|jumat|sabtu|minggu)\W{0,3}$"
)
# "no. 2" shortly after a street word is a house number.
_ADDRESS_BEFORE = re.compile(
    r"(?<![^\W_])(?:jalan|jln|jl|gang|gg|blok|komplek|kompleks|perumahan|perum|ruko|kav|"
    r"kavling)(?![^\W_])[^\n]{0,40}$"
)
# After these everyday words a number word ("pilih dua") or a number followed by a unit or
# month ("pilih 2 macam", "no 1 jam") is not a ballot number; after the others it always is.
_EVERYDAY_CONTEXT = {"pilih", "dukung", "salam", "no", "nomor", "nr"}


def number_value(text: str) -> int:
    """``"02"`` -> 2, ``"duaaa"`` -> 2."""
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS[collapse_runs(text)]


def _everyday(context: list[str], number: str, text: str, end: int) -> bool:
    """Whether a number after only everyday words is not a ballot number after all."""
    if not set(context) <= _EVERYDAY_CONTEXT:
        return False  # "coblos", "paslon", "nomor urut", ...: always a ballot number
    if not number.isdigit() and context[-1] != "nomor":
        return True  # "pilih dua macam"
    if _QUANTITY_AFTER.match(text, end):
        return True  # "pilih 2 kali", "no 1 jam"
    # "no. 1 di Bandung", "nomor 1 dihati": a ranking, not a ballot
    return set(context) <= {"no", "nomor", "nr"} and _RANKING_AFTER.match(text, end) is not None


def find_ballot_numbers(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, number)`` of each ballot number in a normalised text, spans on the number."""
    found: dict[tuple[int, int], int] = {}
    for m in BALLOT_IN_CONTEXT.finditer(text):
        context = [
            collapse_runs(w) for w in re.findall(r"[^\W\d_]+", text[m.start() : m.start("num")])
        ]
        if _everyday(context, m.group("num"), text, m.end()):
            continue
        if context[0].startswith("n") and _ADDRESS_BEFORE.search(text, 0, m.start()):
            continue
        found[m.span("num")] = number_value(m.group("num"))
    for m in BALLOT_PADDED.finditer(text):
        if _QUANTITY_AFTER.match(text, m.end()):
            continue
        if _NOT_BALLOT_BEFORE.search(text, 0, m.start()) is None:
            found.setdefault(m.span("num"), int(m.group("num")))
    return sorted((s, e, n) for (s, e), n in found.items())


def ballot_number_in(form: str) -> int | None:
    """The ballot number a listed form names (``"nomor urut 2"`` -> 2), if exactly one."""
    numbers = {n for _, _, n in find_ballot_numbers(normalize(form).text)}
    return numbers.pop() if len(numbers) == 1 else None
