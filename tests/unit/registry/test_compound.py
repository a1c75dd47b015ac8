"""Names run together in hashtags: the finder on its own, and how a swapped name is written."""

from __future__ import annotations

import pytest

from pantau.registry.compound import NamePhrase, TagName, TagNames, glue

A = NamePhrase("side-a", "name", "Budi Santoso", 1)
A_SHORT = NamePhrase("side-a", "name", "Budi", 3)
B = NamePhrase("side-b", "nickname", "Bang Budi", 0)  # another side shares the word "budi"
C = NamePhrase("side-c", "name", "Wati", 3)


@pytest.fixture(scope="module")
def finder() -> TagNames:
    return TagNames([A, A_SHORT, B, C])


def test_a_word_names_every_side_that_holds_it(finder: TagNames) -> None:
    text = "Ayo #TolakBudi!"
    [found] = finder.find(text)
    assert (text[found.start : found.end], found.phrases) == ("Budi", (A_SHORT, B))


def test_a_phrase_written_out_names_only_its_side(finder: TagNames) -> None:
    text = "#BudiSantosoMenang #BangBudiJuara #WatiKalah"
    found = finder.find(text)
    assert [(text[t.start : t.end], t.phrases) for t in found] == [
        ("BudiSantoso", (A,)),
        ("BangBudi", (B,)),
        ("Wati", (C,)),
    ]


def test_taken_spans_and_text_without_tags_find_nothing(finder: TagNames) -> None:
    assert finder.find("Budi Santoso datang") == []
    text = "#TolakWati dan #BudiSantoso"
    assert finder.find(text, [(0, 10)]) == [TagName(text.index("Budi"), len(text), (A,))]


@pytest.mark.parametrize(
    ("cue", "like", "like_cue", "written"),
    [
        ("Abah Anies", "Gemoy", "Gemoy", "AbahAnies"),
        ("Abah Anies", "gemoy", "Gemoy", "abahanies"),
        ("Abah Anies", "GEMOY", "Gemoy", "ABAHANIES"),
        ("Dharma-Kun", "RIDO", "RIDO", "DharmaKun"),  # capitals of an acronym say nothing
        ("RK", "Pramono", "Pramono Anung", "RK"),  # an acronym stays one
        ("Ma'ruf Amin", "Prabowo", "Prabowo", "MaRufAmin"),
    ],
)
def test_glue_writes_a_name_as_a_hashtag_would(
    cue: str, like: str, like_cue: str, written: str
) -> None:
    assert glue(cue, like, like_cue=like_cue) == written
