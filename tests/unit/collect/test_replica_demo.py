"""The demo scenario: every roster and watched account, symmetric partisan content."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pantau.collect.replica import load_scenario
from pantau.collect.replica.demo import build_demo, read_pairs, read_roster

ROOT = Path(__file__).resolve().parents[3]
ROSTER = ROOT / "data/demo/roster.csv"
WATCHLISTS = ROOT / "config/watchlists"
SCENARIO = ROOT / "data/demo/scenario.yaml"


@pytest.fixture(scope="module")
def built() -> dict[str, object]:
    return build_demo(roster=ROSTER, watchlist_dir=WATCHLISTS)


def test_committed_demo_scenario_is_the_builders_output(built: dict[str, object]) -> None:
    committed = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    assert committed == built, "data/demo/scenario.yaml is stale: run pantau replica build-demo"


def test_every_roster_and_watched_account_is_there() -> None:
    scn = load_scenario(SCENARIO)
    roster = read_roster(ROSTER)
    assert len(roster) >= 20
    assert {r["platform"] for r in roster} == {"x", "instagram", "tiktok", "facebook"}
    for row in roster:
        assert scn.account(row["platform"], row["handle"]) is not None, row
    pairs, _ = read_pairs(WATCHLISTS)
    for pair in pairs:
        for platform, handles in pair.accounts.items():
            for handle in handles:
                acc = scn.account(platform, handle)
                assert acc is not None and acc.campaign, (platform, handle)


def test_every_pair_is_supported_and_opposed_equally_often() -> None:
    scn = load_scenario(SCENARIO)
    pairs, _ = read_pairs(WATCHLISTS)
    support: Counter[str] = Counter()
    oppose: Counter[str] = Counter()
    for post in scn.posts:
        for pair in pairs:
            if re.match(rf"Mantap, {re.escape(pair.short)} pilihan", post.text):
                support[pair.key] += 1
            if post.text.startswith(f"Jangan pilih {pair.short},"):
                oppose[pair.key] += 1
    assert set(support.values()) == {3} and set(oppose.values()) == {3}
    assert set(support) == set(oppose) == {p.key for p in pairs}


def test_special_accounts_and_engagement() -> None:
    scn = load_scenario(SCENARIO)
    assert sum(a.private for a in scn.accounts) == 1
    gone = [a for a in scn.accounts if not a.exists]
    assert len(gone) == 1 and not scn.timeline(gone[0].platform, gone[0].handle)
    assert [p.author for p in scn.posts if p.pinned and p.time.year == 2025]
    campaign = {(a.platform, a.handle.lower()) for a in scn.accounts if a.campaign}
    on_campaign = [
        p
        for p in scn.posts
        if p.is_comment
        and (target := scn.post(p.platform, p.reply_to or ""))
        and (target.platform, target.author.lower()) in campaign
    ]
    assert {p.platform for p in on_campaign} == {"x", "instagram", "tiktok", "facebook"}
    assert {lk.platform for lk in scn.likes} == {"instagram", "facebook"}
    assert {f.platform for f in scn.follows} == {"x", "instagram", "tiktok", "facebook"}
    assert any(p.kind == "repost" for p in scn.posts) and any(p.kind == "quote" for p in scn.posts)
