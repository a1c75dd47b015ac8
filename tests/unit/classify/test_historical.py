"""Cues of past contests: matching, swapping, masking, and balance of the public rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.classify import corpus
from pantau.classify.historical import _CUES, HISTORICAL_CONTESTS, historical_matcher
from pantau.errors import InputRejected


def test_cue_lists_are_parallel_across_the_sides_of_each_contest() -> None:
    for election, sides in _CUES.items():
        assert len({len(cues) for cues in sides.values()}) == 1, election
    assert HISTORICAL_CONTESTS["pilpres-2019"] == (("jokowi-amin", "prabowo-sandi"),)


@pytest.mark.parametrize(
    ("text", "sides", "swapped", "masked"),
    [
        (
            "Tusuk Prabowo Sandi! 02 menang",
            ("prabowo-sandi",),
            "Tusuk Jokowi Maruf! 01 menang",
            "Tusuk [CALON] [CALON]! [NOMOR] menang",
        ),
        (
            "@jokowi dan @KHMarufAmin_ coblos 01 jam 02.00",
            ("jokowi-amin",),
            "@prabowo dan @sandiuno coblos 02 jam 02.00",
            "[CALON] dan [CALON] coblos [NOMOR] jam 02.00",
        ),
        ("JOKOWI HARGA MATI", ("jokowi-amin",), "PRABOWO HARGA MATI", "[CALON] HARGA MATI"),
        (
            "Jokowi lebih baik dari Prabowo #JokowiAmin",
            ("jokowi-amin", "prabowo-sandi"),
            "Prabowo lebih baik dari Jokowi #PrabowoSandi",
            "[CALON] lebih baik dari [CALON] [TAGAR]",
        ),
        ("harga cabai naik lagi", (), "harga cabai naik lagi", "harga cabai naik lagi"),
    ],
)
def test_pilpres_2019_match_swap_mask(
    text: str, sides: tuple[str, ...], swapped: str, masked: str
) -> None:
    m = historical_matcher("pilpres-2019")
    assert m.match(text).sides == sides
    assert m.swap(text, "jokowi-amin", "prabowo-sandi") == swapped
    assert m.mask(text) == masked


def test_sandi_belongs_to_the_contest_of_the_matcher() -> None:
    text = "Selamat Anies-Sandi, Sandi mantap"
    assert historical_matcher("pilkada-dki-2017").match(text).sides == ("anies-sandi",)
    assert historical_matcher("pilpres-2019").match(text).sides == ("prabowo-sandi",)
    swapped = historical_matcher("pilkada-dki-2017").swap(text, "anies-sandi", "ahok-djarot")
    assert swapped == "Selamat Ahok-Djarot, Djarot mantap"


def test_unknown_names_are_rejected() -> None:
    with pytest.raises(InputRejected, match="unknown past election"):
        historical_matcher("pilpres-2014")
    with pytest.raises(InputRejected, match="unknown side"):
        historical_matcher("pilpres-2019").swap("x", "jokowi-amin", "anies-muhaimin")


def test_swaps_balance_the_labelled_pilpres_rows(shared_dir: Path) -> None:
    rows = corpus.load_labelled("pilpres2019_tweet", datasets_dir=shared_dir / "datasets")
    m = historical_matcher("pilpres-2019")
    out = corpus.augment_with_swaps(rows, m, contests=HISTORICAL_CONTESTS["pilpres-2019"])
    per_side = corpus.side_label_counts(out)
    named = [e for e in rows if m.match(e.text).sides]
    assert len(named) >= 0.75 * len(rows)
    for label in ("support", "oppose"):
        jokowi, prabowo = per_side[("jokowi-amin", label)], per_side[("prabowo-sandi", label)]
        # Only rows whose target the cues miss stay one-sided.
        assert abs(jokowi - prabowo) <= 0.1 * (jokowi + prabowo), (label, jokowi, prabowo)


def test_names_share_one_look_behind_and_numbers_keep_their_own() -> None:
    from pantau.classify.historical import _regex

    regex = _regex(["Prabowo-Sandi", "Prabowo", "02"])
    found = [(m.lastgroup, m.group(0)) for m in regex.finditer("#Prabowo prabowo - sandi 02 02.30")]
    assert found == [("c0", "prabowo - sandi"), ("c2", "02")]  # the longer cue first
    assert [m.lastgroup for m in regex.finditer("xPrabowo @Prabowo 02 02.30 a02")] == ["c2"]
    with pytest.raises(ValueError, match="starting with a digit"):
        _regex(["2019GantiPresiden", "01"])
