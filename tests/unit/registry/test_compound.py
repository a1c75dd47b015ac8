"""Names run together in hashtags: the finder on its own."""

from __future__ import annotations

import pytest

from pantau.registry.compound import CompoundHashtags, NamePhrase, TagName, TagNames

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


def test_a_tag_whose_lower_case_changes_length_is_left_alone() -> None:
    # "İ".lower() is two characters: offsets in the lower-cased tag would not fit the tag.
    assert CompoundHashtags(["budi"]).words_in("BudiİYes") == []
    assert CompoundHashtags(["budi"]).words_in("BudiYes") == [(0, 4, "budi")]
