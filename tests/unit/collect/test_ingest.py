"""Ingestion on SQLite and PostgreSQL: idempotent upserts, metric snapshots, edge runs, diffs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.collect.evidence import EvidenceStore
from pantau.collect.ingest import diff_following, edge_item_id, store_result
from pantau.collect.models import CrawlRun, Edge, EvidenceLink, Post, PostMetrics, SocialAccount
from pantau.collect.parse import parse_capture
from pantau.collect.records import (
    AccountRecord,
    EdgeRecord,
    MetricsRecord,
    ParseResult,
    PostRecord,
)
from pantau.store.db import make_engine, session_factory
from tests.unit.collect.parse_support import OWN_FIXTURES, own


@pytest.fixture
def db(any_db_url: str) -> Iterator[Session]:
    engine = make_engine(any_db_url)
    with session_factory(engine)() as session:
        yield session
        session.rollback()
    engine.dispose()


def _run(session: Session) -> int:
    run = CrawlRun(trigger="test")
    session.add(run)
    session.flush()
    return run.id


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_same_result_twice_never_duplicates(db: Session) -> None:
    result = own("x", "user_tweets.json")
    run = _run(db)
    first = store_result(session=db, result=result, run_id=run)
    second = store_result(session=db, result=result, run_id=run)
    assert (first.posts_new, first.posts_updated) == (5, 0)
    assert (second.posts_new, second.posts_updated) == (0, 5)
    assert (first.edges_new, second.edges_new, second.edges_updated) == (3, 0, 3)
    assert _count(db, Post) == 5
    assert _count(db, PostMetrics) == 4  # the repost carries no counts of its own
    assert _count(db, SocialAccount) == 2
    assert _count(db, Edge) == 3
    repost = db.scalar(select(Post).where(Post.post_id == "1800000000000000011"))
    assert repost is not None
    assert (repost.kind, repost.reposted_post_id) == ("repost", "1800000000000000010")
    assert repost.hashtags == ["PilkadaDemo"]


def test_a_new_run_adds_a_snapshot_and_moves_last_seen(db: Session) -> None:
    result = own("x", "user_tweets.json")
    run1 = _run(db)
    store_result(session=db, result=result, run_id=run1)
    post = db.scalar(select(Post).where(Post.post_id == "1800000000000000010"))
    assert post is not None
    first_seen, last_seen = post.first_seen_at, post.last_seen_at
    run2 = _run(db)
    store_result(session=db, result=result, run_id=run2)
    db.refresh(post)
    assert post.first_seen_at == first_seen
    assert post.last_seen_at >= last_seen
    snapshots = db.scalars(select(PostMetrics).where(PostMetrics.post_pk == post.id)).all()
    assert sorted(s.run_id for s in snapshots if s.run_id is not None) == sorted([run1, run2])
    assert {s.likes for s in snapshots} == {7}
    edge = db.scalar(select(Edge).where(Edge.verb == "repost"))
    assert edge is not None
    assert (edge.first_seen_run, edge.last_seen_run, edge.gone_since_run) == (run1, run2, None)
    assert edge.event_time is not None


def test_thin_payload_keeps_what_earlier_ones_saw(db: Session) -> None:
    run = _run(db)
    full = AccountRecord("x", "9", handle="ani", display_name="Ani", followers_count=50)
    thin = AccountRecord("x", "9", handle="ani_baru")  # a list entry without counts
    store_result(session=db, result=ParseResult("x", "a", accounts=[full]), run_id=run)
    stats = store_result(session=db, result=ParseResult("x", "b", accounts=[thin]), run_id=run)
    assert stats.accounts_updated == 1
    account = db.scalar(select(SocialAccount).where(SocialAccount.account_id == "9"))
    assert account is not None
    assert (account.handle, account.display_name, account.followers_count) == (
        "ani_baru",
        "Ani",
        50,
    )


def test_metrics_without_any_count_are_not_stored(db: Session) -> None:
    run = _run(db)
    result = ParseResult(
        "facebook",
        "page",
        posts=[PostRecord("facebook", "1", "2", text="x")],
        metrics=[MetricsRecord("facebook", "1")],
    )
    assert store_result(session=db, result=result, run_id=run).metrics == 0
    assert _count(db, PostMetrics) == 0


def test_handle_only_author_is_resolved(db: Session) -> None:
    run = _run(db)
    store_result(
        session=db,
        result=ParseResult("x", "u", accounts=[AccountRecord("x", "77", handle="Budi")]),
        run_id=run,
    )
    oembed = ParseResult("x", "oEmbed", posts=[PostRecord("x", "5", "", author_handle="budi")])
    store_result(session=db, result=oembed, run_id=run)
    post = db.scalar(select(Post).where(Post.post_id == "5"))
    assert post is not None and post.author_id == "77"


def test_raw_ref_links_items_to_their_capture(db: Session, tmp_path: Path) -> None:
    body = (OWN_FIXTURES / "x" / "following.json").read_bytes()
    store = EvidenceStore(tmp_path / "ev")
    run = _run(db)
    capture = store.put(
        session=db, data=body, kind="payload", content_type="application/json", platform="x"
    )
    result = parse_capture(
        "x", body, op="Following", subject_id="1700000000000000001", raw_ref=capture.sha256
    )
    stats = store_result(session=db, result=result, run_id=run)
    assert stats.links == 4  # 2 accounts + 2 follow edges
    items = set(db.execute(select(EvidenceLink.item_type, EvidenceLink.item_id)).all())
    assert ("account", "1700000000000000002") in items
    follow = edge_item_id("1700000000000000001", "follow", "account", "1700000000000000002")
    assert ("edge", follow) in items
    store_result(session=db, result=result, run_id=run)
    assert _count(db, EvidenceLink) == 4
    account = db.scalar(
        select(SocialAccount).where(SocialAccount.account_id == "1700000000000000002")
    )
    assert account is not None and account.raw_ref == capture.sha256


def test_following_diff_new_still_gone_and_refollow(db: Session) -> None:
    run1, run2, run3 = _run(db), _run(db), _run(db)
    d1 = diff_following(
        session=db, platform="x", actor_id="A", seen_target_ids=["1", "2"], run_id=run1
    )
    assert (d1.new, d1.still, d1.gone) == (["1", "2"], [], [])
    d2 = diff_following(
        session=db, platform="x", actor_id="A", seen_target_ids=["2", "3"], run_id=run2
    )
    assert (d2.new, d2.still, d2.gone) == (["3"], ["2"], ["1"])
    gone = db.scalar(select(Edge).where(Edge.target_id == "1"))
    assert gone is not None and gone.gone_since_run == run2
    d3 = diff_following(
        session=db, platform="x", actor_id="A", seen_target_ids=["1", "2", "3"], run_id=run3
    )
    assert (d3.new, d3.still, d3.gone) == (["1"], ["2", "3"], [])
    db.refresh(gone)
    assert (gone.first_seen_run, gone.gone_since_run, gone.last_seen_run) == (run3, None, run3)


def test_following_diff_counts_edges_stored_earlier_in_the_same_run(db: Session) -> None:
    run = _run(db)
    edges = [EdgeRecord("x", "A", "follow", "account", "9", "following(account)")]
    store_result(session=db, result=ParseResult("x", "Following", edges=edges), run_id=run)
    diff = diff_following(session=db, platform="x", actor_id="A", seen_target_ids={"9"}, run_id=run)
    assert diff.new == ["9"]


def test_real_user_tweets_ingest(db: Session, shared_dir: Path) -> None:
    body = (shared_dir / "fixtures" / "x" / "twscrape_raw_user_tweets.json").read_bytes()
    result = parse_capture("x", body)
    run = _run(db)
    store_result(session=db, result=result, run_id=run)
    store_result(session=db, result=result, run_id=run)
    assert _count(db, Post) == len(result.posts)
    reposts = db.scalars(select(Post).where(Post.kind == "repost")).all()
    assert len(reposts) == 16
    pinned = db.scalars(select(Post.post_id).where(Post.is_pinned.is_(True))).all()
    assert pinned == ["2019881223666233717"]
