"""A small replica scenario shared by the replica tests (fictional accounts and posts)."""

from __future__ import annotations

from typing import Any

from pantau.collect.replica import Scenario, scenario_from_dict

PLATFORMS = ("x", "instagram", "tiktok", "facebook")
# Post ids per platform: numeric strings of the platform's usual length.
DIGITS = {"x": 19, "instagram": 19, "tiktok": 19, "facebook": 16}


def pid(platform: str, n: int) -> str:
    return str(10 ** (DIGITS[platform] - 1) + n)


def scenario_dict(posts_per_campaign: int = 25) -> dict[str, Any]:
    accounts: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    likes: list[dict[str, Any]] = []
    follows: list[dict[str, Any]] = []
    for p in PLATFORMS:
        accounts += [
            {"platform": p, "handle": "budi.asn", "name": "Budi Santoso", "bio": "ASN <b>"},
            {"platform": p, "handle": "tim.satu", "name": "Tim Kampanye Satu", "campaign": True},
            {"platform": p, "handle": "rahasia.asn", "name": "Akun Rahasia", "private": True},
            {"platform": p, "handle": "hantu.asn", "name": "Tidak Ada", "exists": False},
            {
                "platform": p,
                "handle": "sari.asn",
                "name": "Sari Dewi",
                "open_favorite": True,
                "following_visibility": 2,
            },
        ]
        for i in range(1, posts_per_campaign + 1):
            posts.append(
                {
                    "platform": p,
                    "id": pid(p, i),
                    "author": "tim.satu",
                    "time": f"2026-10-{(i % 28) + 1:02d}T0{i % 10}:00:00Z",
                    "text": f"Kampanye hari {i} #PilihSatu bersama @budi.asn",
                    "pinned": i == 1,
                }
            )
        posts.append(
            {
                "platform": p,
                "id": pid(p, 500),
                "author": "budi.asn",
                "time": "2026-11-01T02:00:00Z",
                "text": "Makan siang </script><b>enak</b>",
            }
        )
        if p != "instagram":
            posts.append(
                {
                    "platform": p,
                    "id": pid(p, 501),
                    "author": "budi.asn",
                    "time": "2026-11-02T02:00:00Z",
                    "kind": "repost",
                    "reposted": pid(p, 2),
                    "text": "",
                }
            )
        if p == "x":
            posts.append(
                {
                    "platform": p,
                    "id": pid(p, 502),
                    "author": "budi.asn",
                    "time": "2026-11-03T02:00:00Z",
                    "kind": "quote",
                    "quoted": pid(p, 3),
                    "text": "Mantap! #PilihSatu",
                }
            )
        comments.append(
            {
                "platform": p,
                "id": pid(p, 700),
                "post": pid(p, 2),
                "author": "budi.asn",
                "time": "2026-11-04T01:00:00Z",
                "text": "Setuju sekali!",
            }
        )
        comments.append(
            {
                "platform": p,
                "id": pid(p, 701),
                "post": pid(p, 2),
                "author": "sari.asn",
                "time": "2026-11-04T02:00:00Z",
                "text": "Dukung terus",
            }
        )
        likes += [
            {"platform": p, "account": "budi.asn", "post": pid(p, 2)},
            {"platform": p, "account": "sari.asn", "post": pid(p, 2)},
        ]
        follows += [
            {"platform": p, "account": "budi.asn", "target": "tim.satu"},
            {"platform": p, "account": "sari.asn", "target": "tim.satu"},
            {"platform": p, "account": "budi.asn", "target": "sari.asn"},
        ]
    return {
        "accounts": accounts,
        "posts": posts,
        "comments": comments,
        "likes": likes,
        "follows": follows,
    }


def make_scenario(**kwargs: Any) -> Scenario:
    return scenario_from_dict(scenario_dict(**kwargs), source="replica_data")
