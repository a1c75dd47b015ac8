"""The shipped watch lists: they load, are symmetric, and sync idempotently on both databases."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from pantau.config import PROJECT_ROOT
from pantau.registry.models import Contest, Election, Side, WatchedAccount
from pantau.registry.watchlist import (
    PAIR_CUE_KINDS,
    Watchlist,
    check_watchlists,
    load_watchlists,
    sync_watchlists,
)
from pantau.registry.watchlist_sync import SyncReport
from pantau.store.db import make_engine, session_scope

SHIPPED = PROJECT_ROOT / "config" / "watchlists"
CONTESTS = {
    "pilpres-2024/presiden": ["anies-muhaimin", "prabowo-gibran", "ganjar-mahfud"],
    "pilkada-dki-jakarta-2024/gubernur-dki-jakarta": [
        "ridwankamil-suswono",
        "dharma-kun",
        "pramono-rano",
    ],
}


@pytest.fixture(scope="module")
def shipped() -> list[Watchlist]:
    return load_watchlists(SHIPPED)


def test_shipped_pairs_and_ballot_numbers(shipped: list[Watchlist]) -> None:
    found = {
        f"{wl.election.key}/{c.key}": [(p.key, p.ballot_number) for p in c.pairs]
        for wl in shipped
        for c in wl.contests
    }
    assert found == {k: [(key, n) for n, key in enumerate(v, 1)] for k, v in CONTESTS.items()}


def test_shipped_coalitions(shipped: list[Watchlist]) -> None:
    parties = {p.key: set(p.parties) for wl in shipped for _, p in wl.pairs()}
    assert {"nasdem", "pkb", "pks"} <= parties["anies-muhaimin"]
    assert {"gerindra", "golkar", "pan", "demokrat"} <= parties["prabowo-gibran"]
    assert {"pdip", "ppp", "perindo", "hanura"} <= parties["ganjar-mahfud"]
    assert parties["dharma-kun"] == set()  # independents
    assert {"pdip"} <= parties["pramono-rano"]


def test_shipped_watch_lists_are_symmetric(shipped: list[Watchlist]) -> None:
    for wl in shipped:
        for contest in wl.contests:
            for kind in PAIR_CUE_KINDS:
                counts = {len(p.cues.phrases(kind)) for p in contest.pairs}
                assert len(counts) == 1 and counts != {0}, (contest.key, kind, counts)
            shapes = [
                Counter((a.kind, a.platform) for a in p.accounts if a.campaign_related)
                for p in contest.pairs
            ]
            kinds_platforms = [set(s) for s in shapes]
            assert all(s == kinds_platforms[0] for s in kinds_platforms)
            platforms = {platform for _, platform in kinds_platforms[0]}
            assert platforms == {"x", "instagram", "facebook", "tiktok"}
            assert {"candidate", "official_campaign"} <= {k for k, _ in kinds_platforms[0]}
            for pair in contest.pairs:
                assert any(a.official for a in pair.accounts)


def test_the_loader_refuses_an_asymmetric_shipped_file(shipped: list[Watchlist]) -> None:
    pilpres = next(wl for wl in shipped if wl.election.key == "pilpres-2024")
    contest = pilpres.contests[0]
    first = contest.pairs[0]
    lopsided = first.model_copy(
        update={
            "cues": first.cues.model_copy(update={"hashtags": first.cues.hashtags[:1]}),
            "accounts": [a for a in first.accounts if a.platform != "tiktok"],
        }
    )
    broken = pilpres.model_copy(
        update={"contests": [contest.model_copy(update={"pairs": [lopsided, *contest.pairs[1:]]})]}
    )
    problems = check_watchlists([broken, *(wl for wl in shipped if wl is not pilpres)])
    assert any("pairs[1].cues.hashtags: asymmetric" in p for p in problems)
    assert any("pairs[1].accounts: asymmetric" in p and "on tiktok" in p for p in problems)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with session_scope(engine) as s:
        out = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
            for t in (Election, Contest, Side, WatchedAccount)
        }
    engine.dispose()
    return out


def _sync(url: str, watchlists: list[Watchlist]) -> SyncReport:
    engine = make_engine(url)
    with session_scope(engine) as s:
        report = sync_watchlists(session=s, watchlists=watchlists)
    engine.dispose()
    return report


def test_sync_is_idempotent(any_db_url: str, shipped: list[Watchlist]) -> None:
    first = _sync(any_db_url, shipped)
    sides = sum(len(wl.parties) + sum(len(c.pairs) for c in wl.contests) for wl in shipped)
    accounts = sum(
        len(p.accounts) for wl in shipped for p in [*wl.parties, *(p for _, p in wl.pairs())]
    )
    assert _counts(any_db_url) == {
        "election": 2,
        "contest": 2,
        "side": sides,
        "watched_account": accounts,
    }
    assert len(first.added) == 2 + 2 + sides + accounts
    second = _sync(any_db_url, shipped)
    assert str(second) == f"0 added, 0 updated, 0 removed, {len(first.added)} unchanged"
    assert _counts(any_db_url)["side"] == sides


def test_sync_updates_and_removes(any_db_url: str, shipped: list[Watchlist]) -> None:
    _sync(any_db_url, shipped)
    pilkada = next(wl for wl in shipped if wl.election.key.startswith("pilkada"))
    contest = pilkada.contests[0]
    renamed = contest.pairs[0].model_copy(update={"name": "RIDO (renamed)"})
    trimmed = contest.pairs[2].model_copy(
        update={"accounts": [a for a in contest.pairs[2].accounts if a.handle != "setkabgoid"]}
    )
    changed = pilkada.model_copy(
        update={
            "contests": [contest.model_copy(update={"pairs": [renamed, contest.pairs[1], trimmed]})]
        }
    )
    report = _sync(any_db_url, [changed])  # the pilpres list is gone from the set
    assert "side ridwankamil-suswono" in report.updated
    assert "watched_account x/@setkabgoid" in report.removed
    assert "election pilpres-2024" in report.removed
    assert "side prabowo-gibran" in report.removed
    assert "side gerindra" in report.removed
    engine = make_engine(any_db_url)
    with session_scope(engine) as s:
        keys = set(s.scalars(select(Side.key)))
        name = s.scalar(select(Side.name).where(Side.key == "ridwankamil-suswono"))
        elections = set(s.scalars(select(Election.key)))
    engine.dispose()
    assert keys == {"ridwankamil-suswono", "dharma-kun", "pramono-rano"}
    assert name == "RIDO (renamed)"
    assert elections == {"pilkada-dki-jakarta-2024"}


def test_synced_rows_carry_the_watch_list_facts(any_db_url: str, shipped: list[Watchlist]) -> None:
    _sync(any_db_url, shipped)
    engine = make_engine(any_db_url)
    with session_scope(engine) as s:
        side = s.scalars(select(Side).where(Side.key == "prabowo-gibran")).one()
        assert side.kind == "pair"
        assert side.ballot_number == 2
        assert side.contest is not None and side.contest.election.key == "pilpres-2024"
        assert "#PrabowoGibran2024" in side.cues["hashtags"]
        assert side.members[1] == "Gibran Rakabuming Raka"
        party = s.scalars(select(Side).where(Side.key == "gerindra")).one()
        assert (party.kind, party.contest_id) == ("party", None)
        institutional = s.scalars(
            select(WatchedAccount).where(WatchedAccount.handle == "Kemhan_RI")
        ).one()
        assert institutional.campaign_related is False
        official = s.scalars(
            select(WatchedAccount).where(WatchedAccount.side_id == side.id, WatchedAccount.official)
        ).all()
        assert {a.platform for a in official} == {"x", "instagram", "facebook", "tiktok"}
        election = s.scalars(select(Election).where(Election.key == "pilpres-2024")).one()
        assert election.source_file == "pilpres-2024.yaml"
        assert str(election.voting_date) == "2024-02-14"
    engine.dispose()
