"""Build the demo scenario from the demo roster and the watch lists.

Everything is derived deterministically (no randomness, fixed dates), so re-running the builder
on the same inputs writes the same file. Behaviours are dealt round-robin over the candidate
pairs so that every pair gets the same kinds of support, opposition, comments, shares, likes
and follows (the watch list's symmetry rule applied to the demo data).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from pantau.collect.replica.scenario import PLATFORMS, stable_id
from pantau.errors import InputRejected
from pantau.registry.handles import normalize_account

BASE_TIME = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)  # campaign posts fall after this


@dataclass
class PairInfo:
    key: str
    name: str
    ballot: int
    short: str  # the first cue name, e.g. "Anies-Muhaimin"
    hashtag: str
    hand_sign: str
    accounts: dict[str, list[str]] = field(default_factory=dict)  # platform -> handles
    official: dict[str, str] = field(default_factory=dict)  # platform -> campaign handle


def read_pairs(watchlist_dir: Path) -> tuple[list[PairInfo], list[dict[str, Any]]]:
    """Pairs (with their accounts) and other accounts (parties, institutions) of the lists."""
    pairs: list[PairInfo] = []
    others: list[dict[str, Any]] = []
    for path in sorted(watchlist_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for party in data.get("parties") or []:
            for acc in party.get("accounts") or []:
                others.append(
                    {
                        "platform": acc["platform"],
                        "handle": acc["handle"],
                        "name": party["name"],
                        "campaign": True,
                    }
                )
        for contest in data.get("contests") or []:
            for raw in contest.get("pairs") or []:
                cues = raw.get("cues") or {}
                pair = PairInfo(
                    key=raw["key"],
                    name=raw["name"],
                    ballot=int(raw["ballot_number"]),
                    short=(cues.get("names") or [raw["name"]])[0],
                    hashtag=(cues.get("hashtags") or ["#Pemilu2024"])[0].lstrip("#"),
                    hand_sign=(cues.get("hand_signs") or ["salam jari"])[0],
                )
                for acc in raw.get("accounts") or []:
                    if acc.get("campaign_related") is False:
                        others.append(
                            {
                                "platform": acc["platform"],
                                "handle": acc["handle"],
                                "name": acc.get("note", acc["handle"]).split(",")[0],
                            }
                        )
                        continue
                    pair.accounts.setdefault(acc["platform"], []).append(acc["handle"])
                    if acc.get("kind") == "official_campaign":
                        pair.official[acc["platform"]] = acc["handle"]
                pairs.append(pair)
    if not pairs:
        raise InputRejected(f"no candidate pairs found in {watchlist_dir}")
    return pairs, others


def read_roster(roster: Path) -> list[dict[str, Any]]:
    accounts = []
    with roster.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ref = normalize_account(row["Akun"], row["Platform"])
            accounts.append(
                {
                    "platform": ref.platform,
                    "handle": ref.handle,
                    "id": ref.native_id,
                    "name": row["Nama"],
                }
            )
    return accounts


def _t(days: float, hours: int = 0) -> str:
    return (BASE_TIME + timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_demo(*, roster: Path, watchlist_dir: Path) -> dict[str, Any]:
    """The demo scenario as a mapping (write it with :func:`write_demo`)."""
    pairs, others = read_pairs(watchlist_dir)
    asn = read_roster(roster)
    accounts: dict[tuple[str, str], dict[str, Any]] = {}
    for acc in asn:
        accounts[(acc["platform"], acc["handle"].lower())] = {
            k: v for k, v in acc.items() if v is not None
        }
    for pair in pairs:
        for platform, handles in pair.accounts.items():
            for handle in handles:
                accounts.setdefault(
                    (platform, handle.lower()),
                    {
                        "platform": platform,
                        "handle": handle,
                        "name": pair.short,
                        "campaign": True,
                        "verified": True,
                        "bio": pair.name,
                    },
                )
    for other in others:
        accounts.setdefault((other["platform"], other["handle"].lower()), other)
    posts: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    likes: list[dict[str, Any]] = []
    follows: list[dict[str, Any]] = []

    def post(platform: str, author: str, when: str, text: str, **extra: Any) -> str:
        pid = stable_id(
            platform,
            "demo-post",
            author.lower(),
            when,
            text,
            digits=16 if platform == "facebook" else 19,
        )
        posts.append(
            {"platform": platform, "id": pid, "author": author, "time": when, "text": text, **extra}
        )
        return pid

    # Campaign posts: three per official account, one per candidate account, every platform.
    campaign_posts: dict[tuple[str, str], list[str]] = {}
    for p_idx, pair in enumerate(pairs):
        for platform in PLATFORMS:
            ids = []
            for n, handle in enumerate(pair.accounts.get(platform, [])):
                count = 3 if handle == pair.official.get(platform) else 1
                for k in range(count):
                    text = (
                        f"Ayo coblos nomor {pair.ballot}! {pair.short} untuk rakyat. "
                        f"#{pair.hashtag} ({k + 1})"
                    )
                    ids.append(post(platform, handle, _t(k * 3 + n * 0.1 + p_idx * 0.01, 2), text))
            campaign_posts[(pair.key, platform)] = ids

    # Civil servants: daily life and neutral election info for all; partisan acts dealt
    # round-robin over the pairs (support for pair k, opposition to pair k+1).
    n_pairs = len(pairs)
    for i, acc in enumerate(asn):
        platform, handle = acc["platform"], acc["handle"]
        post(platform, handle, _t(0.5 + i * 0.1, 3), "Sarapan nasi uduk dulu sebelum ngantor.")
        post(
            platform,
            handle,
            _t(1 + i * 0.1, 4),
            "Cek nama kamu di DPT lewat cekdptonline.kpu.go.id ya. #PemiluDamai",
        )
        target = pairs[i % n_pairs]
        targets = campaign_posts.get((target.key, platform)) or []
        if targets:
            comments.append(
                {
                    "platform": platform,
                    "post": targets[0],
                    "author": handle,
                    "time": _t(4 + i * 0.1, 7),
                    "text": f"Siap menangkan nomor {target.ballot}!",
                }
            )
            if platform in ("x", "tiktok", "facebook"):
                post(platform, handle, _t(5 + i * 0.1, 8), "", kind="repost", reposted=targets[0])
            if platform == "x":
                post(
                    platform,
                    handle,
                    _t(5.5 + i * 0.1, 8),
                    f"Setuju! #{target.hashtag}",
                    kind="quote",
                    quoted=targets[-1],
                )
            if platform in ("instagram", "facebook"):
                likes.append({"platform": platform, "account": handle, "post": targets[0]})
        official = target.official.get(platform)
        if official:
            follows.append({"platform": platform, "account": handle, "target": official})
    # Partisan posts: every pair is supported and opposed the same number of times, each by a
    # different civil servant where the roster allows.
    for rnd in range(3):
        for j, pair in enumerate(pairs):
            acc = asn[(rnd * n_pairs + j) % len(asn)]
            platform, handle = acc["platform"], acc["handle"]
            opposed = pairs[(j + 1) % n_pairs]
            post(
                platform,
                handle,
                _t(2 + rnd + j * 0.1, 5),
                f"Mantap, {pair.short} pilihan terbaik! {pair.hand_sign} #{pair.hashtag}",
            )
            post(
                platform,
                handle,
                _t(2.5 + rnd + j * 0.1, 6),
                f"Jangan pilih {opposed.short}, janjinya kosong.",
            )
    _special_cases(asn, accounts, posts, comments, likes, follows)
    return {
        "accounts": sorted(accounts.values(), key=lambda a: (a["platform"], a["handle"].lower())),
        "posts": posts,
        "comments": comments,
        "likes": likes,
        "follows": follows,
        "faults": [],
    }


def _special_cases(
    asn: list[dict[str, Any]],
    accounts: dict[tuple[str, str], dict[str, Any]],
    posts: list[dict[str, Any]],
    *edge_lists: list[dict[str, Any]],
) -> None:
    """A pinned old post, a private account, an account that does not exist, TikTok flags."""
    by_platform: dict[str, list[dict[str, Any]]] = {}
    for acc in asn:
        by_platform.setdefault(acc["platform"], []).append(acc)
    first_x = by_platform["x"][0]
    posts.append(
        {
            "platform": "x",
            "id": stable_id("x", "demo-pinned", digits=19),
            "author": first_x["handle"],
            "time": "2025-06-01T02:00:00Z",
            "text": "Selamat datang di akun pribadi saya. Pendapat pribadi.",
            "pinned": True,
        }
    )
    private = by_platform["instagram"][-1]
    accounts[("instagram", private["handle"].lower())]["private"] = True
    # The last Facebook account of the roster is gone: it has no content at all.
    missing = by_platform["facebook"][-1]
    accounts[("facebook", missing["handle"].lower())]["exists"] = False
    gone = missing["handle"].lower()

    def keep(item: dict[str, Any]) -> bool:
        who = str(item.get("author") or item.get("account") or "").lower()
        return not (item["platform"] == "facebook" and who == gone)

    for items in (posts, *edge_lists):
        items[:] = [it for it in items if keep(it)]
    tiktok = by_platform["tiktok"]
    accounts[("tiktok", tiktok[0]["handle"].lower())]["open_favorite"] = True
    accounts[("tiktok", tiktok[-1]["handle"].lower())]["following_visibility"] = 2


HEADER = """\
# The DEMO scenario served by `pantau replica serve` (fictional posts; format: docs/replica.md).
# Generated by `pantau replica build-demo` from data/demo/roster.csv and config/watchlists/;
# regenerate after changing either.
"""


def write_demo(data: dict[str, Any], out: Path) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    out.write_text(HEADER + text, encoding="utf-8")
