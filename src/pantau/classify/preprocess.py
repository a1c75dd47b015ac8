"""Text preparation that belongs to a trained model: masking candidate cues.

A model trained with ``mask_cues`` never sees who a text is about: every name, nickname,
ballot number (in ballot context), hashtag, slogan, hand sign and party that the cue matchers
know is replaced by a placeholder (``[CALON]``, ``[NOMOR]``, ``[TAGAR]``, ...) before
tokenising, in training and at every prediction. So the model learns stance, not names, and
swapping one side's cues for another's cannot change its decision for any cue the matchers
know (the counterfactual test in :mod:`.fairness` measures what is left).

The matchers are the configured watch lists (``pantau.registry.cues``) plus the past contests
of :mod:`.historical` that the public training rows are about. The choice is written to
``preprocessing.json`` in the model folder, so ``predict`` prepares texts exactly as training
did; a folder without the file (older models) gets the texts unchanged.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pantau.errors import ModelError
from pantau.registry.compound import HONORIFICS, CompoundHashtags, name_words

if TYPE_CHECKING:
    from pantau.registry.cues import CueMatcher

PREPROCESSING_FILE = "preprocessing.json"
FORMAT_VERSION = 1
DEFAULT_HISTORICAL: tuple[str, ...] = ("pilpres-2019", "pilkada-dki-2017")


class Masker(Protocol):
    def mask(self, text: str) -> str: ...


@dataclass(frozen=True)
class Preprocessing:
    """What a model folder's texts go through before the tokenizer."""

    mask_cues: bool = False
    # Past contests whose cues are masked too (keys of historical.HISTORICAL_CONTESTS).
    historical: tuple[str, ...] = field(default=DEFAULT_HISTORICAL)
    # A known name run together with other words in a hashtag is masked too, the other words
    # kept (#TolakRido -> #Tolak[CALON]; see CompoundHashtags). Off in folders written before
    # it existed.
    compound_hashtags: bool = False

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT_VERSION, **asdict(self)}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Preprocessing:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{where}: not JSON ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            raise ModelError(f"{where}: unknown preprocessing format {data!r:.80}")
        mask = data.get("mask_cues")
        historical = data.get("historical", [])
        compound = data.get("compound_hashtags", False)
        if not isinstance(mask, bool) or not isinstance(historical, list):
            raise ModelError(f"{where}: mask_cues must be true/false and historical a list")
        if not isinstance(compound, bool):
            raise ModelError(f"{where}: compound_hashtags must be true/false")
        from pantau.classify.historical import HISTORICAL_CONTESTS

        unknown = [h for h in historical if h not in HISTORICAL_CONTESTS]
        if unknown:
            raise ModelError(
                f"{where}: unknown past contests {unknown} (known: {sorted(HISTORICAL_CONTESTS)})"
            )
        return cls(
            mask_cues=mask,
            historical=tuple(str(h) for h in historical),
            compound_hashtags=compound,
        )


def save(model_dir: Path, prep: Preprocessing) -> None:
    (model_dir / PREPROCESSING_FILE).write_text(prep.to_json(), encoding="utf-8")


def load(model_dir: Path) -> Preprocessing:
    """The folder's preprocessing; no file means none (texts unchanged)."""
    path = model_dir / PREPROCESSING_FILE
    if not path.is_file():
        return Preprocessing(mask_cues=False, historical=())
    return Preprocessing.from_json(path.read_text(encoding="utf-8"), where=str(path))


# Watch lists spell some nicknames with an honorific ("Pak Prabowo", "Gus Imin") and others
# without ("Anies"), so "Pak Anies" masks to "Pak [CALON]" but "Pak Prabowo" to "[CALON]".
# Masked texts are made canonical so that swapping one side's cues for another's cannot
# change them: see :func:`canonical`.
_PLACEHOLDER = r"\[(?:CALON|TAGAR|SLOGAN|NOMOR|SALAM|PARTAI)\]"
_HONORIFIC_RE = re.compile(
    rf"(?<![\w@#])(?:{'|'.join(HONORIFICS)})\.?\s+(?={_PLACEHOLDER})", re.IGNORECASE
)
_RUN_RE = re.compile(rf"({_PLACEHOLDER})(?:\s*[-&/]?\s*\1)+")
# One matcher masks a name inside a hashtag or handle ("#anies" -> "#[CALON]"), another masks
# the whole hashtag ("#AHY" -> "[TAGAR]") or handle: both become the whole-token form.
_HASHTAG_RE = re.compile(rf"#{_PLACEHOLDER}(?!\w)")
_MENTION_RE = re.compile(rf"@({_PLACEHOLDER})(?!\w)")


def canonical(text: str) -> str:
    """Masked text in one form: a hashtag or handle that is only a placeholder becomes the
    whole-token placeholder, honorifics before placeholders are dropped, runs merged."""
    text = _MENTION_RE.sub(r"\1", _HASHTAG_RE.sub("[TAGAR]", text))
    return _RUN_RE.sub(r"\1", _HONORIFIC_RE.sub("", text))


class CueMasker:
    """Masks with the watch-list matcher first, then each past contest's matcher, then (if
    asked) hashtags that run a known candidate's name together with other words."""

    def __init__(self, maskers: Sequence[Masker]) -> None:
        self.maskers = tuple(maskers)

    def mask(self, text: str) -> str:
        for masker in self.maskers:
            text = masker.mask(text)
        return canonical(text)


def build_masker(prep: Preprocessing, *, watchlist_matcher: Masker | None = None) -> CueMasker:
    """The masker a model's preprocessing asks for (the configured watch lists by default)."""
    from pantau.classify.historical import historical_matcher

    if watchlist_matcher is None:
        from pantau.registry.cues import default_matcher

        watchlist_matcher = default_matcher()
    past = [historical_matcher(h) for h in prep.historical]
    maskers: list[Masker] = [_ListedCuesOnly.wrap(watchlist_matcher), *past]
    if prep.compound_hashtags:
        phrases = [c for m in past for cues in m.sides.values() for c in cues]
        phrases += _watchlist_names(watchlist_matcher)
        maskers.append(CompoundHashtags(name_words(phrases)))
    return CueMasker(maskers)


class _ListedCuesOnly:
    """The watch-list matcher masking its listed cues only: names run together with other
    words in a hashtag are left to :class:`CompoundHashtags`, which runs last with every
    contest's names, as the models were trained (the watch-list matcher masking "Anies" in
    2017's "#AniesSandiMenang" first would leave "Sandi" unmasked)."""

    def __init__(self, matcher: CueMatcher) -> None:
        self.matcher = matcher

    def mask(self, text: str) -> str:
        return self.matcher.mask(text, in_tags=False)

    @classmethod
    def wrap(cls, matcher: Masker) -> Masker:
        from pantau.registry.cues import CueMatcher

        return cls(matcher) if isinstance(matcher, CueMatcher) else matcher


def _watchlist_names(matcher: Masker) -> list[str]:
    """The pairs' names and nicknames of a watch-list matcher (none for other maskers)."""
    from pantau.registry.cues import CueMatcher

    if not isinstance(matcher, CueMatcher):
        return []
    return [
        phrase
        for side in matcher.sides.values()
        if side.kind == "pair"
        for kind in ("name", "nickname")
        for phrase in side.cues.get(kind, ())
    ]


class TextPreparer:
    """Callable turning raw texts into what the model was trained on."""

    def __init__(self, prep: Preprocessing, *, watchlist_matcher: Masker | None = None) -> None:
        self.prep = prep
        self.masker = (
            build_masker(prep, watchlist_matcher=watchlist_matcher) if prep.mask_cues else None
        )

    def __call__(self, texts: Sequence[str]) -> list[str]:
        if self.masker is None:
            return list(texts)
        return [self.masker.mask(t) for t in texts]


# --- stand-in names (training only) ----------------------------------------------------------
#
# Masking hides every candidate the matchers know. A later election's candidates are not in
# the matchers until an operator adds their watch list, so their names reach the model as
# written; a model that has only ever seen ``[CALON]`` where a candidate stood reads a bare
# name as no candidate at all (on the held-out Pilkada 2017 rows with that contest's names
# left unmasked, partisan recall fell from 0.70 to 0.43, most of the loss to `unrelated`).
# So a share of the masked training texts gets ordinary names in place of ``[CALON]`` and
# ``[TAGAR]``: names drawn at random for every text, never tied to a label, so the model
# learns that a name is where a candidate stands, not which one. The names are common
# Indonesian given names and surnames that belong to no watched or past candidate.
STAND_IN_GIVEN = (
    "Budi",
    "Hendra",
    "Yusuf",
    "Rudi",
    "Teguh",
    "Wahyu",
    "Irfan",
    "Fajar",
    "Hasan",
    "Joko",
    "Dedi",
    "Slamet",
    "Eko",
    "Arief",
    "Bambang",
    "Taufik",
    "Rahmat",
    "Imam",
    "Andi",
    "Yanto",
    "Rina",
    "Sri",
    "Dewi",
    "Nurul",
    "Siti",
    "Lestari",
    "Wulan",
    "Ratna",
    "Fitri",
    "Indah",
    "Yohanes",
    "Made",
    "Ketut",
    "Dimas",
    "Reza",
    "Ilham",
    "Hadi",
    "Zulkifli",
    "Syahrul",
    "Maria",
)
STAND_IN_SURNAMES = (
    "Santoso",
    "Hartono",
    "Siregar",
    "Nasution",
    "Lubis",
    "Wijaya",
    "Saputra",
    "Setiawan",
    "Kusuma",
    "Pratama",
    "Hidayat",
    "Simanjuntak",
    "Tanjung",
    "Harahap",
    "Sihombing",
    "Gunawan",
    "Rahman",
    "Purnomo",
    "Susilo",
    "Wibowo",
    "Suryadi",
    "Halim",
    "Pohan",
    "Manurung",
    "Sitompul",
)
_STAND_IN_RE = re.compile(r"\[(CALON|TAGAR)\]")
STAND_IN_HONORIFICS = ("Pak", "Bu", "Bang", "Mas", "Kang", "Cak")


def _person(rng: random.Random) -> str:
    given, surname = rng.choice(STAND_IN_GIVEN), rng.choice(STAND_IN_SURNAMES)
    form = rng.random()
    if form < 0.4:
        return given
    if form < 0.7:
        return f"{given} {surname}"
    if form < 0.85:
        return f"{rng.choice(STAND_IN_HONORIFICS)} {given}"
    return surname


def _stand_in(kind: str, rng: random.Random) -> str:
    if kind == "CALON":
        if rng.random() < 0.25:  # a pair, as ballots and campaign posts name them
            return f"{rng.choice(STAND_IN_GIVEN)}-{rng.choice(STAND_IN_GIVEN)}"
        return _person(rng)
    # A hashtag: a name or pair run together, sometimes with a year ("#BudiHartono2029").
    parts = [rng.choice(STAND_IN_GIVEN), rng.choice(STAND_IN_GIVEN + STAND_IN_SURNAMES)]
    tag = "".join(parts[: rng.choice((1, 2, 2))])
    return f"#{tag}{rng.choice(('', '', str(rng.randrange(2024, 2035))))}"


def _cast_in(text: str, rng: random.Random) -> str:
    cast = {k: (_stand_in(k, rng), _stand_in(k, rng)) for k in ("CALON", "TAGAR")}

    def one(m: re.Match[str]) -> str:
        name = cast[m.group(1)][0 if rng.random() < 0.7 else 1]
        before = text[m.start() - 1] if m.start() else " "
        # Inside a hashtag ("#Tolak[CALON]", from CompoundHashtags) the name is run together.
        return re.sub(r"[\s-]", "", name) if before == "#" or before.isalnum() else name

    return _STAND_IN_RE.sub(one, text)


def with_stand_in_names(texts: Sequence[str], *, rate: float, seed: int) -> list[str]:
    """Masked training texts, a share ``rate`` of those holding ``[CALON]`` or ``[TAGAR]``
    with each such placeholder replaced by a stand-in name or hashtag (see above); the rest
    unchanged. Each chosen text gets a cast of two stand-ins, the first used most, as a post
    names its candidate again rather than a new one each time. Deterministic for a seed."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"stand-in rate must be between 0 and 1, not {rate}")
    rng = random.Random(seed)
    out: list[str] = []
    for text in texts:
        if rate and _STAND_IN_RE.search(text) and rng.random() < rate:
            text = _cast_in(text, rng)
        out.append(text)
    return out
