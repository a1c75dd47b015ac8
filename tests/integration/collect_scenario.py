"""Our own scenario for the collection integration test and the benchmark (fictional people).

Per platform: six registered ASN accounts and one watched campaign account. What each ASN
account did is chosen so that every act has a case: posts, a repost (X), a comment on the
campaign's post, a follow of the campaign account, a like of the campaign's post, an account
with no posts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pantau.collect.replica.scenario import stable_id

PLATFORMS = ("x", "instagram", "tiktok", "facebook")
ASN = ("asnbudi", "asnsiti", "asnagus", "asndewi", "asnrina", "asnjoko")
CAMPAIGN = "paslonsatu"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def campaign_post_id(platform: str) -> str:
    return stable_id(platform, "camp-1", digits=16 if platform == "facebook" else 19)


def scenario_dict(now: datetime, *, asn: tuple[str, ...] = ASN) -> dict[str, Any]:
    """The scenario, with post times relative to ``now`` (engagement windows are relative)."""
    day = timedelta(days=1)
    accounts: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    likes: list[dict[str, Any]] = []
    follows: list[dict[str, Any]] = []
    for p in PLATFORMS:
        accounts.append(
            {"platform": p, "handle": CAMPAIGN, "name": "Paslon Satu", "campaign": True}
        )
        camp_id = campaign_post_id(p)
        posts.append(
            {
                "platform": p,
                "author": CAMPAIGN,
                "id": camp_id,
                "time": iso(now - 2 * day),
                "text": "Ayo coblos nomor 1 #PaslonSatu",
            }
        )
        for i, handle in enumerate(asn):
            accounts.append({"platform": p, "handle": handle, "name": handle.title()})
            if i % 6 == 3:
                continue  # an account with no posts at all
            posts.append(
                {
                    "platform": p,
                    "author": handle,
                    "key": f"{p}-{handle}-1",
                    "time": iso(now - (3 + i) * day),
                    "text": f"Apel pagi di kantor {handle}",
                }
            )
            if i % 6 == 0:
                posts.append(
                    {
                        "platform": p,
                        "author": handle,
                        "key": f"{p}-{handle}-pinned",
                        "time": iso(now - 400 * day),
                        "text": "Selamat datang di akun resmi saya",
                        "pinned": True,
                    }
                )
            if i % 6 == 1:
                follows.append({"platform": p, "account": handle, "target": CAMPAIGN})
            if i % 6 == 2:
                likes.append({"platform": p, "account": handle, "post": camp_id})
            if i % 6 == 4:
                posts.append(
                    {
                        "platform": p,
                        "author": handle,
                        "key": f"{p}-{handle}-comment",
                        "time": iso(now - 1 * day),
                        "text": "Mantap, lanjutkan!",
                        "reply_to": camp_id,
                    }
                )
            if i % 6 == 5 and p == "x":
                posts.append(
                    {
                        "platform": p,
                        "author": handle,
                        "key": f"{p}-{handle}-rt",
                        "time": iso(now - 1 * day),
                        "kind": "repost",
                        "reposted": camp_id,
                    }
                )
    return {"accounts": accounts, "posts": posts, "likes": likes, "follows": follows}
