"""Shared by the sweep integration, crash and distributed tests: a small world and a snapshot.

The world: the collection test's scenario (``collect_scenario``; six ASN accounts and one
campaign account per platform) registered in a database, a tiny fine-tuned classifier, settings
pointing collection at a replica. :func:`snapshot` renders what a sweep wrote, without ids and
times, so two databases can be compared for identical content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.classify.train import TrainConfig, fine_tune
from pantau.collect.models import AccountCrawl, Edge, Post, PostMetrics
from pantau.collect.settings import CollectSettings
from pantau.config import Settings, get_settings
from pantau.detect.models import Flag
from pantau.registry.models import Account
from pantau.sweep.models import SweepTask
from tests.integration.collect_scenario import ASN, PLATFORMS
from tests.integration.test_collect_replica import register
from tests.unit.classify.tiny import make_tiny_base, toy_examples


def build_model(directory: Path) -> Path:
    """A tiny fine-tuned classifier (seconds on a CPU)."""
    base = make_tiny_base(directory / "base")
    out = directory / "model"
    examples = toy_examples()
    fine_tune(
        base=str(base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=out,
        config=TrainConfig(batch_size=8, learning_rate=2e-3, max_steps=20, threads=1),
    )
    return out


def collect_env(
    base_urls: dict[str, str], platforms: tuple[str, ...] = PLATFORMS
) -> dict[str, str]:
    """Environment variables that point a ``pantau`` subprocess's collection at a replica."""
    env = {
        "PANTAU_COLLECT__PLATFORM_RATE_PER_MINUTE": "6000",
        "PANTAU_COLLECT__SESSION_RATE_PER_MINUTE": "6000",
        "PANTAU_COLLECT__RATE_BURST": "100",
        "PANTAU_COLLECT__RATE_JITTER_S": "0",
        "PANTAU_COLLECT__PAGE_TIMEOUT_S": "15",
        "PANTAU_COLLECT__BREAKER_FAILURES": "50",
    }
    for p in PLATFORMS:
        env[f"PANTAU_COLLECT__BASE_URLS__{p.upper()}"] = base_urls[p]
    for p in platforms:
        env[f"PANTAU_COLLECT__METHODS__{p.upper()}__ENABLED"] = "true"
        env[f"PANTAU_COLLECT__METHODS__{p.upper()}__LEGAL_BASIS"] = "test against the replica"
    return env


def sweep_settings(base_urls: dict[str, str], model_dir: Path, **sweep: Any) -> Settings:
    base = get_settings()
    collect = CollectSettings.model_validate(
        {
            "methods": {
                p: {"enabled": True, "legal_basis": "test against the replica"} for p in PLATFORMS
            },
            "base_urls": base_urls,
            "platform_rate_per_minute": 6000,
            "session_rate_per_minute": 6000,
            "rate_burst": 100,
            "rate_jitter_s": 0,
            "page_timeout_s": 15,
            "breaker_failures": 50,
        }
    )
    return base.model_copy(
        update={
            "collect": collect,
            "sweep": base.sweep.model_copy(update={"model_dir": model_dir, **sweep}),
        }
    )


def register_world(engine: Engine, handles: tuple[str, ...] = ASN) -> None:
    """The collection test's registration, keeping only ``handles`` of its ASN accounts."""
    with Session(engine) as session:
        accounts, _watched = register(session)
        for account in accounts:
            if account.handle not in handles:
                session.delete(account)
        session.commit()


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """What a sweep wrote, as sorted tuples without row ids and wall-clock times."""
    with Session(engine) as session:
        handles = {a.id: (a.platform, a.handle) for a in session.scalars(select(Account))}
        out: dict[str, list[tuple[Any, ...]]] = {
            "posts": sorted(
                (p.platform, p.post_id, p.author_id, p.kind, p.text, p.parent_post_id or "")
                for p in session.scalars(select(Post))
            ),
            "edges": sorted(
                (e.platform, e.actor_id, e.verb, e.target_type, e.target_id, e.gone_since_run or 0)
                for e in session.scalars(select(Edge))
            ),
            "metrics": sorted(
                (platform, post_id, m.likes or 0, m.comments or 0)
                for m, platform, post_id in session.execute(
                    select(PostMetrics, Post.platform, Post.post_id).join(
                        Post, Post.id == PostMetrics.post_pk
                    )
                )
            ),
            "crawls": sorted(
                (*handles[c.account_id], c.act, c.status, c.reason, c.items_found)
                for c in session.scalars(select(AccountCrawl))
            ),
            "predictions": sorted(
                (r.platform, r.post_id, r.label, round(r.score, 4))
                for r in session.scalars(select(Prediction))
            ),
            "flags": sorted(
                (f.platform, f.act_code, f.item_type, f.item_id, *handles[f.account_id], f.status)
                for f in session.scalars(select(Flag))
            ),
            "tasks": sorted(
                (t.phase, t.subject, t.state, t.reason) for t in session.scalars(select(SweepTask))
            ),
        }
    return out
