"""Watch-list validation: every bad file under tests/data/watchlists/bad/ is refused, by name."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from pantau.config import PROJECT_ROOT
from pantau.errors import WatchlistError
from pantau.registry.models import PLATFORMS, WATCHED_KINDS
from pantau.registry.watchlist import AccountEntry, load_watchlists

DATA = PROJECT_ROOT / "tests" / "data" / "watchlists"

# case directory -> every line the error must contain (file: path in document: reason)
BAD_CASES: dict[str, list[str]] = {
    "bad-yaml": ["contoh.yaml: line 5, column 7: invalid YAML"],
    "empty-file": ["contoh.yaml: the document must be a mapping, not empty"],
    "top-level-list": ["contoh.yaml: the document must be a mapping, not a list"],
    "not-utf8": ["contoh.yaml: not UTF-8 text"],
    "missing-hashtags": ["contoh.yaml: contests[0].pairs[1].cues.hashtags: Field required"],
    "hashtag-without-hash": [
        "contoh.yaml: contests[0].pairs[0].cues.hashtags[0]: String should match pattern"
    ],
    "unknown-field": ["contoh.yaml: election.colour: Extra inputs are not permitted"],
    "number-not-string": [
        "contoh.yaml: contests[0].pairs[0].cues.ballot_numbers[0]: Input should be a valid string"
    ],
    "unknown-platform": [
        "contoh.yaml: contests[0].pairs[0].accounts[0].platform: Input should be 'x'"
    ],
    "bad-key": ["contoh.yaml: contests[0].pairs[1].key: String should match pattern"],
    "one-pair-only": ["contoh.yaml: contests[0].pairs: List should have at least 2 items"],
    "duplicate-ballot-number": [
        "contoh.yaml: contests[0].pairs[0].ballot_number: 1 is used by 2 pairs",
        "contoh.yaml: contests[0].pairs[1].ballot_number: 1 is used by 2 pairs",
    ],
    "form-names-other-number": [
        "contoh.yaml: contests[0].pairs[1].cues.ballot_numbers[1]: 'nomor urut 3' does not "
        "name ballot number 2"
    ],
    "asymmetric-cues": [
        "contoh.yaml: contests[0].pairs[1].cues.nicknames: asymmetric: 'wati-joko' has 2 "
        "nicknames, 'budi-sari' has 1"
    ],
    "asymmetric-accounts": [
        "contoh.yaml: contests[0].pairs[1].accounts: asymmetric: 'wati-joko' lacks "
        "[official_campaign on tiktok]"
    ],
    "unknown-party": [
        "contoh.yaml: contests[0].pairs[0].parties[1]: unknown party 'partai-hilang'"
    ],
    "duplicate-handle": [
        "contoh.yaml: contests[0].pairs[1].accounts[0]: x handle 'BUDIMAN_contoh' is already "
        "watched at contoh.yaml: contests[0].pairs[0].accounts[0]"
    ],
    "shared-phrase-in-contest": [
        "contoh.yaml: contests[0]: cue 'Bang Budiman' of 'wati-joko' is also a cue of 'budi-sari'"
    ],
    "repeated-cue": [
        "contoh.yaml: contests[0].pairs[1].cues.names[1]: 'wati  kusumaning' repeats names[0]"
    ],
    "duplicate-key-across-files": [
        "b.yaml: contests[0].pairs[0].key: side key 'budi-sari' is already used at a.yaml: "
        "contests[0].pairs[0].key"
    ],
    "several-problems": [
        "2 problem(s)",
        "contoh.yaml: election.kind: Input should be 'pilpres', 'pileg' or 'pilkada'",
        "contoh.yaml: contests[0].pairs[0].cues.hashtags[0]: String should match pattern",
    ],
    "no-files": ["no watch-list files (*.yaml)"],
}


def test_every_bad_case_directory_has_an_expectation() -> None:
    on_disk = {p.name for p in (DATA / "bad").iterdir() if p.is_dir()}
    assert on_disk == set(BAD_CASES)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_watchlist_is_refused_with_file_and_path(case: str) -> None:
    with pytest.raises(WatchlistError) as info:
        load_watchlists(DATA / "bad" / case)
    message = str(info.value)
    for expected in BAD_CASES[case]:
        assert expected in message


def test_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="not a directory of watch lists"):
        load_watchlists(tmp_path / "nope")


def test_valid_fixture_loads_with_source_and_hash() -> None:
    [wl] = load_watchlists(DATA / "valid")
    assert wl.source_file == "contoh-2029.yaml"
    assert len(wl.source_sha256) == 64
    assert [p.key for _, p in wl.pairs()] == ["budi-sari", "wati-joko"]
    # A slogan written as a mapping keeps its flags.
    slogan = wl.contests[0].pairs[0].cues.slogans[0]
    assert (slogan.text, slogan.needs_context) == ("kota bergerak", True)


def test_account_literals_follow_the_table_constraints() -> None:
    fields = AccountEntry.model_fields
    assert set(typing.get_args(fields["platform"].annotation)) == set(PLATFORMS)
    assert set(typing.get_args(fields["kind"].annotation)) == set(WATCHED_KINDS)
