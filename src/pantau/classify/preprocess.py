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
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from pantau.errors import ModelError

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
        if not isinstance(mask, bool) or not isinstance(historical, list):
            raise ModelError(f"{where}: mask_cues must be true/false and historical a list")
        from pantau.classify.historical import HISTORICAL_CONTESTS

        unknown = [h for h in historical if h not in HISTORICAL_CONTESTS]
        if unknown:
            raise ModelError(
                f"{where}: unknown past contests {unknown} (known: {sorted(HISTORICAL_CONTESTS)})"
            )
        return cls(mask_cues=mask, historical=tuple(str(h) for h in historical))


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
    """Masks with the watch-list matcher first, then each past contest's matcher."""

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
    return CueMasker([watchlist_matcher, *(historical_matcher(h) for h in prep.historical)])


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
