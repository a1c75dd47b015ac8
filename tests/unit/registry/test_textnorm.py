"""Normalisation keeps a map to the original text; ballot numbers need a ballot context."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.registry.textnorm import (
    ballot_number_in,
    collapse_runs,
    find_ballot_numbers,
    flexible,
    hashtag_tokens,
    normalize,
    normalize_phrase,
)


def test_slang_is_expanded_and_spans_map_back() -> None:
    text = "Yg plh NMR 2 gk ragu"
    norm = normalize(text)
    assert norm.text == "yang pilih nomor 2 tidak ragu"
    start = norm.text.index("nomor")
    assert norm.span(start, start + len("nomor")) == (7, 10)  # "NMR" in the original
    assert text[slice(*norm.span(start, start + len("nomor")))] == "NMR"


def test_case_and_accents_fold_one_to_one() -> None:
    norm = normalize("ÁNIES Ｂaswedan")
    assert norm.text == "anies baswedan"
    assert norm.all_upper(0, 5) is True
    assert norm.all_upper(6, 14) is False


@given(st.text(max_size=60))
def test_every_normal_character_maps_into_the_original(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    for start, end in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert list(norm.starts) == sorted(norm.starts)


def test_invisible_marks_are_dropped() -> None:
    text = "coblos 2\ufe0f\u20e3 Ane\u0301s\u200d"
    norm = normalize(text)
    assert norm.text == "coblos 2 anes"
    assert find_ballot_numbers(norm.text) == [(7, 8, 2)]
    assert norm.span(9, 13) == (11, 16)  # "Ane\u0301s"


def test_collapse_runs_and_flexible_elongation() -> None:
    assert collapse_runs("pilihhhh") == "pilih"
    assert collapse_runs("maaf") == "maaf"  # a double letter is a spelling, not elongation
    rx = re.compile(flexible(["prabowo"]))
    assert rx.search("prabowooo menang")
    assert rx.search("prabowonya") is None  # word boundary


def test_hashtag_tokens_split_camel_case_and_digits() -> None:
    assert hashtag_tokens("#PrabowoGibran2024") == ["prabowo", "gibran", "2024"]
    assert hashtag_tokens("#AMIN") == ["amin"]
    assert hashtag_tokens("#RKSuswono") == ["rk", "suswono"]


@pytest.mark.parametrize(
    ("form", "number"),
    [
        ("02", 2),
        ("no 2", 2),
        ("no.2", 2),
        ("nmr 2", 2),
        ("nomor urut 2", 2),
        ("paslon 02", 2),
        ("coblos 2", 2),
        ("coblos dua", 2),
        ("nomor duaaa", 2),
        ("salam 3", 3),
        ("paslon nomor urut 1", 1),
        ("jam 2", None),
        ("2024", None),
        ("tgl 02", None),
        ("02.00", None),
        ("02:30", None),
        ("no 2 dan no 3", None),  # two numbers: not one form
        ("pilih dua macam", None),  # a number word needs an unmistakable ballot word
        ("pilih 2 kali", None),
        ("01 jun 2015", None),
        ("jl. melati no. 2", None),
        ("jalan sehat paslon 02", 2),
    ],
)
def test_ballot_number_forms(form: str, number: int | None) -> None:
    assert ballot_number_in(form) == number


def test_ballot_spans_cover_the_number_only() -> None:
    text = normalize("ayo coblos 02 jam 2").text
    assert find_ballot_numbers(text) == [(11, 13, 2)]


def test_normalize_phrase() -> None:
    assert normalize_phrase("  Salam   2 Jari ") == "salam 2 jari"
