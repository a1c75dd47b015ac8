"""Table-driven: `pantau watchlist match` finds the right side for every cue of every shipped pair.

The table is generated from the shipped YAML (each cue in a realistic sentence), so adding a
cue the matcher cannot find fails here; the swap round-trip runs over the same sentences.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import PROJECT_ROOT
from pantau.registry.cues import CueMatcher
from pantau.registry.watchlist import load_watchlists

SHIPPED = PROJECT_ROOT / "config" / "watchlists"
WATCHLISTS = load_watchlists(SHIPPED)
HIT_KIND = {
    "names": "name",
    "nicknames": "nickname",
    "hashtags": "hashtag",
    "slogans": "slogan",
    "ballot_numbers": "ballot_number",
    "hand_signs": "hand_sign",
}
TEMPLATES = {
    "names": "Tadi pagi {cue} hadir di acara warga, ramai sekali",
    "nicknames": "Semangat terus {cue}, kami dukung!",
    "hashtags": "Mantap jiwa {cue} 🔥🔥",
    "slogans": "Menjelang {election}: {cue}!",
    "ballot_numbers": "Jangan lupa {cue} ya di {election} nanti",
    "hand_signs": "Foto bareng warga pakai {cue} jelang {election}",
}
ELECTION_WORD = {"pilpres": "pilpres", "pilkada": "pilkada Jakarta"}


def _pair_cases() -> Iterator[Any]:
    for wl in WATCHLISTS:
        election = ELECTION_WORD[wl.election.kind]
        for _, pair in wl.pairs():
            for kind, template in TEMPLATES.items():
                for cue in pair.cues.phrases(kind):
                    text = template.format(cue=cue, election=election)
                    yield pytest.param(text, pair.key, HIT_KIND[kind], id=f"{pair.key}:{cue}")


def _party_cases() -> Iterator[Any]:
    for wl in WATCHLISTS:
        for party in wl.parties:
            for cue in (*party.cues.names, *party.cues.hashtags):
                text = f"Kemarin ada acara {cue} di lapangan kota"
                yield pytest.param(text, party.key, "party", id=f"{party.key}:{cue}")


PAIR_CASES = list(_pair_cases())


@pytest.fixture(scope="module")
def matcher() -> CueMatcher:
    return CueMatcher.from_watchlists(WATCHLISTS)


def _cli_match(text: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["watchlist", "match", text])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_table_covers_every_cue_of_every_pair() -> None:
    expected = sum(
        len(p.cues.phrases(k)) for wl in WATCHLISTS for _, p in wl.pairs() for k in TEMPLATES
    )
    assert len(PAIR_CASES) == expected
    assert expected > 6 * 6 * 3  # six pairs, six kinds, several cues each


@pytest.mark.parametrize(("text", "side", "kind"), PAIR_CASES)
def test_watchlist_match_finds_the_pair(text: str, side: str, kind: str) -> None:
    data = _cli_match(text)
    assert data["sides"] == [side]
    assert data["ambiguous"] is False
    assert kind in {h["kind"] for h in data["hits"] if h["side"] == side}
    for hit in data["hits"]:
        assert text[hit["start"] : hit["end"]] == hit["matched_text"]


@pytest.mark.parametrize(("text", "side", "kind"), list(_party_cases()))
def test_watchlist_match_finds_the_party(text: str, side: str, kind: str) -> None:
    data = _cli_match(text)
    assert data["sides"] == [side]
    assert [h["kind"] for h in data["hits"]] == [kind]


def _same_contest_pairs() -> Iterator[tuple[str, str]]:
    for wl in WATCHLISTS:
        for contest in wl.contests:
            keys = [p.key for p in contest.pairs]
            yield from ((a, b) for a in keys for b in keys if a != b)


@pytest.mark.parametrize(("text", "side", "kind"), PAIR_CASES)
def test_swap_round_trips_and_moves_the_side(
    matcher: CueMatcher, text: str, side: str, kind: str
) -> None:
    for a, b in _same_contest_pairs():
        if a != side:
            continue
        swapped = matcher.swap(text, a, b)
        assert swapped != text
        assert matcher.swap(swapped, a, b) == text
        assert matcher.swap(swapped, b, a) == text
        assert matcher.match(swapped).sides == (b,), swapped


def _contest_pairs() -> list[tuple[str, list[Any]]]:
    out = []
    for wl in WATCHLISTS:
        for contest in wl.contests:
            out.append((ELECTION_WORD[wl.election.kind], list(contest.pairs)))
    return out


@st.composite
def _mixed_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    election, pairs = draw(st.sampled_from(_contest_pairs()))
    a, b = draw(st.permutations(pairs))[:2]
    kinds = draw(st.lists(st.sampled_from(list(TEMPLATES)), min_size=1, max_size=4))
    cues = [draw(st.sampled_from(a.cues.phrases(kind))) for kind in kinds]
    fillers = draw(
        st.lists(
            # Words no cue contains: "bersama" + "Indonesia Maju" would be a slogan of its own.
            st.sampled_from(["ayo", "mantap", "kata warga", "jelas", "tentu"]),
            min_size=len(cues),
            max_size=len(cues),
        )
    )
    parts = [f"{f} {c}" for f, c in zip(fillers, cues, strict=True)]
    return f"Menjelang {election}, " + ", lalu ".join(parts) + "!", a.key, b.key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mixed_texts())
def test_swap_round_trips_on_mixed_cue_texts(
    matcher: CueMatcher, case: tuple[str, str, str]
) -> None:
    text, a, b = case
    swapped = matcher.swap(text, a, b)
    assert matcher.swap(swapped, a, b) == text
    assert matcher.match(text).sides == (a,)
    assert matcher.match(swapped).sides == (b,)
