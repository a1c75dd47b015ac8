"""``unrelated`` examples from the general-domain sets (SmSA reviews/comments, EmoT, Netifier).

These sets are not about elections, but each has some political rows (SmSA ~826). A row is
taken only when it contains none of :data:`POLITICAL_TERMS` (a deliberately broad filter: it
only has to keep political rows out, losing some harmless rows costs nothing), and, for
Netifier, only when it is not flagged for SARA or radicalism (often political). The sample is
deterministic: rows ordered by a hash of (seed, dataset, row id).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pantau.classify import datasets
from pantau.classify.corpus import Example

UNRELATED_DATASETS: tuple[str, ...] = ("indonlu_smsa", "indonlu_emot", "netifier")
LABELLER = "selection: political-term filter (pantau.classify.unrelated), not read"

POLITICAL_TERMS: tuple[str, ...] = (
    # elections and institutions
    "pemilu",
    "pilpres",
    "pilkada",
    "pilgub",
    "pileg",
    "capres",
    "cawapres",
    "cagub",
    "caleg",
    "paslon",
    "kampanye",
    "coblos",
    "nyoblos",
    "golput",
    "tps",
    "kpu",
    "bawaslu",
    "quick count",
    "partai",
    "koalisi",
    "oposisi",
    "presiden",
    "wapres",
    "gubernur",
    "bupati",
    "walikota",
    "wali kota",
    "dpr",
    "dprd",
    "mpr",
    "menteri",
    "politik",
    "politisi",
    "rezim",
    "pemerintah",
    "istana",
    "kabinet",
    "demokrasi",
    "suara rakyat",
    "pendukung",
    "relawan",
    # parties
    "pdip",
    "pdi-p",
    "gerindra",
    "golkar",
    "demokrat",
    "nasdem",
    "pkb",
    "pks",
    "ppp",
    "hanura",
    "perindo",
    "psi",
    "berkarya",
    # people and epithets of recent contests
    "jokowi",
    "jkw",
    "widodo",
    "prabowo",
    "sandi",
    "ma'ruf",
    "maruf",
    "ahok",
    "basuki",
    "anies",
    "agus",
    "sylvi",
    "djarot",
    "ganjar",
    "mahfud",
    "gibran",
    "muhaimin",
    "cak imin",
    "ridwan",
    "emil",
    "suswono",
    "pramono",
    "rano",
    "dharma",
    "megawati",
    "sby",
    "yudhoyono",
    "amien",
    "cebong",
    "kampret",
    "kadrun",
    "buzzer",
    "212",
    "fpi",
    "hti",
    "khilafah",
    "ganti presiden",
)
_POLITICAL_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in POLITICAL_TERMS) + r")\b", re.IGNORECASE
)


def is_political(text: str) -> bool:
    return _POLITICAL_RE.search(text) is not None


def _eligible(row: datasets.Row) -> bool:
    if is_political(row.text) or len(row.text) < 15:
        return False
    if row.dataset == "netifier":
        return row.meta.get("sara") != "1" and row.meta.get("radikalisme") != "1"
    return True


def select_unrelated(
    *, datasets_dir: Path, per_dataset: int = 500, seed: int = 13
) -> list[Example]:
    """Up to ``per_dataset`` non-political rows of each general set, labelled ``unrelated``."""
    out: list[Example] = []
    for name in UNRELATED_DATASETS:
        if not (datasets_dir / name).is_dir():
            continue
        rows = [r for r in datasets.load_rows(name, datasets_dir=datasets_dir) if _eligible(r)]
        rows.sort(key=lambda r: hashlib.sha256(f"{seed}:{name}:{r.row_id}".encode()).hexdigest())
        out.extend(
            Example(
                id=f"{name}:{r.row_id}",
                text=r.text,
                label="unrelated",
                targets=(),
                source=name,
                labeller=LABELLER,
            )
            for r in rows[:per_dataset]
        )
    return out
