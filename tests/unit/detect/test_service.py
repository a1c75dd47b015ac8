"""run_detection on SQLite and PostgreSQL: the right flags, no duplicates, deadlines, evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.models import Capture, CrawlRun, Edge, EvidenceLink, Post, SocialAccount
from pantau.config import reset_settings
from pantau.detect.models import Flag, FlagEvidence
from pantau.detect.service import deadline_for, list_flags, run_detection
from pantau.errors import InputRejected
from pantau.registry.models import Account, Agency, CivilServant, Side, WatchedAccount
from pantau.store.db import make_engine, session_scope

NOW = datetime(2024, 1, 20, 3, 0, tzinfo=UTC)
EXPECTED = {
    ("POST", "x", "post", "p1", "prabowo-gibran"),
    ("COMMENT", "x", "post", "p2", "prabowo-gibran"),
    ("LIKE", "x", "edge", "100:like:post:p900", "prabowo-gibran"),
    ("FOLLOW", "x", "edge", "100:follow:account:900", "prabowo-gibran"),
    ("SHARE", "x", "edge", "100:repost:post:p900", "prabowo-gibran"),
    ("PHOTO", "instagram", "post", "ig1", "ganjar-mahfud"),
    # An account registered by handle, liking a post whose author is known only by id.
    ("LIKE", "instagram", "edge", "200:like:post:igc1", "ganjar-mahfud"),
}


@pytest.fixture
def db(any_db_url: str) -> Iterator[Engine]:
    engine = make_engine(any_db_url)
    with session_scope(engine) as session:
        _scenario(session)
    yield engine
    engine.dispose()


def _post(post_id: str, author: str, text: str = "", **kw: object) -> Post:
    kw.setdefault("platform", "x")
    return Post(
        post_id=post_id,
        author_id=author,
        text=text,
        created_at=NOW,
        first_seen_at=NOW,
        last_seen_at=NOW,
        **kw,
    )


def _scenario(s: Session) -> None:
    agency = Agency(code="PEMPROV-31", name="Pemprov DKI", level="provinsi", region_code="31")
    person = CivilServant(
        nip="198503302010011001", name="Budi", status="PNS", agency=agency, region_code="3171"
    )
    s.add_all([agency, person])
    s.flush()
    s.add_all(
        [
            Account(
                civil_servant_id=person.id,
                platform="x",
                handle="budi_asn",
                native_id="100",
                ownership_basis="hr_record",
            ),
            # Registered by handle only: matched through the collected profile.
            Account(
                civil_servant_id=person.id,
                platform="instagram",
                handle="budi.asn",
                ownership_basis="self_registered",
            ),
            SocialAccount(platform="instagram", account_id="200", handle="Budi.ASN"),
            SocialAccount(platform="instagram", account_id="800", handle="tpn.ganjarmahfud"),
        ]
    )
    pg = Side(key="prabowo-gibran", kind="pair", name="Prabowo-Gibran", ballot_number=2)
    gm = Side(key="ganjar-mahfud", kind="pair", name="Ganjar-Mahfud", ballot_number=3)
    s.add_all([pg, gm])
    s.flush()
    s.add_all(
        [
            WatchedAccount(
                side_id=pg.id,
                platform="x",
                handle="TKNPrabowoGibran",
                native_id="900",
                kind="official_campaign",
                official=True,
            ),
            WatchedAccount(
                side_id=pg.id,
                platform="x",
                handle="Kemhan_RI",
                native_id="902",
                kind="candidate",
                campaign_related=False,
            ),
            WatchedAccount(
                side_id=gm.id,
                platform="instagram",
                handle="tpn.ganjarmahfud",
                kind="official_campaign",
                official=True,
            ),
        ]
    )
    s.add_all(
        [
            _post("p1", "100", "Pilih Prabowo Subianto, pemimpin tegas!", url="https://x.test/p1"),
            _post("p2", "100", "Hadir!", kind="reply", parent_post_id="p900"),
            _post("p900", "900", "Ayo coblos 02!", author_handle="TKNPrabowoGibran"),
            _post("p902", "902", "Upacara HUT TNI", author_handle="Kemhan_RI"),
            _post("p500", "500", "Debat capres malam ini", author_handle="kompascom"),
            _post("p3", "100", "Debat capres malam ini", kind="repost", reposted_post_id="p500"),
            # Not a registered account: never examined, whatever it says.
            _post("p9", "300", "Coblos 02 #PrabowoGibran2024", author_handle="warga_biasa"),
            _post(
                "ig1",
                "200",
                "Bersama tim",
                platform="instagram",
                author_handle="budi.asn",
                mentions=["tpn.ganjarmahfud"],
                media=[{"type": "photo"}],
            ),
            _post("igc1", "800", "Kampanye akbar", platform="instagram"),
        ]
    )
    old = NOW - timedelta(days=1)
    s.add_all(
        [
            # The newest prediction speaks: the older neutral one is ignored.
            _prediction("p1", "old-model", "neutral", 0.6, [], old),
            _prediction("p1", "new-model", "support", 0.91, ["prabowo-gibran"], NOW),
            _prediction("p3", "new-model", "neutral", 0.9, [], NOW),
            _prediction("p500", "new-model", "neutral", 0.9, [], NOW),
            _prediction("p9", "new-model", "support", 0.99, ["prabowo-gibran"], NOW),
        ]
    )
    s.add_all(
        [
            _edge("like", "post", "p900"),
            _edge("like", "post", "p902"),
            _edge("follow", "account", "900"),
            _edge("comment", "post", "p900"),  # the reply p2 shows it: not a second flag
            _edge("repost", "post", "p900"),  # from the retweeters list; no repost post stored
            _edge("like", "post", "p900", actor="300"),  # not registered
            Edge(
                platform="instagram",
                actor_id="200",
                verb="like",
                target_type="post",
                target_id="igc1",
            ),
        ]
    )
    capture = Capture(
        sha256="a" * 64, kind="payload", platform="x", size_bytes=10, stored_path="aa/a.json"
    )
    s.add(capture)
    s.flush()
    s.add_all(
        [
            EvidenceLink(capture_id=capture.id, platform="x", item_type="post", item_id="p1"),
            EvidenceLink(
                capture_id=capture.id, platform="x", item_type="edge", item_id="100:like:post:p900"
            ),
        ]
    )


def _prediction(
    post_id: str, version: str, label: str, score: float, targets: list[str], at: datetime
) -> Prediction:
    return Prediction(
        platform="x",
        post_id=post_id,
        model_version=version,
        label=label,
        score=score,
        probs={label: score},
        targets=targets,
        created_at=at,
    )


def _edge(verb: str, target_type: str, target_id: str, actor: str = "100") -> Edge:
    return Edge(
        platform="x", actor_id=actor, verb=verb, target_type=target_type, target_id=target_id
    )


def _keys(session: Session) -> set[tuple[str, str, str, str, str]]:
    return {
        (f.act_code, f.platform, f.item_type, f.item_id, f.target_side)
        for f in session.scalars(select(Flag))
    }


def test_detection_flags_exactly_the_acts(db: Engine) -> None:
    with session_scope(db) as session:
        stats = run_detection(session=session, now=NOW)
    assert stats.new_flags == {
        "POST": 1,
        "COMMENT": 1,
        "LIKE": 2,
        "FOLLOW": 1,
        "SHARE": 1,
        "PHOTO": 1,
    }
    assert stats.edges_covered_by_posts == 1
    with session_scope(db) as session:
        assert _keys(session) == EXPECTED
        post = session.scalars(select(Flag).where(Flag.act_code == "POST")).one()
        assert (post.suggestion_label, post.suggestion_score) == ("support", 0.91)
        assert post.model_version == "new-model"
        assert post.item_url == "https://x.test/p1"
        assert post.region_code == "3171"
        assert post.severity == 3
        assert post.priority == pytest.approx(0.91 * 3)
        assert post.queue_rank == pytest.approx(-0.91 * 3)
        assert post.first_detected_at == NOW
        assert post.deadline_at == datetime(2024, 1, 27, 3, 0, tzinfo=UTC)
        assert post.status == "open"
        assert post.reasons and "support" in post.reasons[0]
        like = session.scalars(
            select(Flag).where(Flag.act_code == "LIKE", Flag.platform == "x")
        ).one()
        assert like.suggestion_label is None
        assert like.target_handle == "TKNPrabowoGibran"
        assert like.target_is_official is True
        evidence = session.execute(
            select(Flag.act_code, FlagEvidence.role).join(FlagEvidence.flag)
        ).all()
        assert sorted(evidence) == [("LIKE", "payload"), ("POST", "payload")]


def test_rerunning_detection_never_duplicates(db: Engine) -> None:
    with session_scope(db) as session:
        run_detection(session=session, now=NOW)
    later = NOW + timedelta(days=2)
    with session_scope(db) as session:
        again = run_detection(session=session, now=later)
    assert again.total_new == 0
    assert again.already_flagged == len(EXPECTED)
    assert again.evidence_linked == 0
    with session_scope(db) as session:
        assert _keys(session) == EXPECTED
        assert session.scalar(select(FlagEvidence.id).order_by(FlagEvidence.id.desc())) == 2
        # The first detection's times stand: a re-run does not move the deadline.
        deadlines = set(session.scalars(select(Flag.deadline_at)))
        assert deadlines == {NOW + timedelta(days=7)}


def test_new_evidence_is_linked_to_an_existing_flag(db: Engine) -> None:
    with session_scope(db) as session:
        run_detection(session=session, now=NOW)
        shot = Capture(
            sha256="b" * 64,
            kind="screenshot",
            platform="x",
            size_bytes=5,
            stored_path="bb/b.png",
            content_type="image/png",
        )
        session.add(shot)
        session.flush()
        session.add(
            EvidenceLink(
                capture_id=shot.id, platform="x", item_type="post", item_id="p1", role="screenshot"
            )
        )
    with session_scope(db) as session:
        stats = run_detection(session=session, now=NOW)
        assert stats.evidence_linked == 1
        post = session.scalars(select(Flag).where(Flag.act_code == "POST")).one()
        assert sorted(e.role for e in post.evidence) == ["payload", "screenshot"]


def test_run_id_limits_edges_to_that_run_and_is_recorded(db: Engine) -> None:
    with session_scope(db) as session:
        run = CrawlRun(trigger="test", started_at=NOW + timedelta(hours=1))
        session.add(run)
        session.flush()
        session.execute(
            Edge.__table__.update()
            .where(Edge.verb == "follow")
            .values(first_seen_run=run.id, last_seen_run=run.id)
        )
        stats = run_detection(session=session, run_id=run.id, now=NOW)
        # Posts were last seen before the run started; only the follow was seen in it.
        assert stats.new_flags == {"FOLLOW": 1}
        assert session.scalars(select(Flag.run_id)).all() == [run.id]


def test_unknown_run_and_naive_time_are_refused(db: Engine) -> None:
    with session_scope(db) as session, pytest.raises(InputRejected, match="crawl run 999"):
        run_detection(session=session, run_id=999, now=NOW)
    with session_scope(db) as session, pytest.raises(InputRejected, match="naive"):
        run_detection(session=session, now=datetime(2024, 1, 20, 10, 0))
    with session_scope(db) as session:
        assert session.scalar(select(Flag.id)) is None  # nothing half-written


def test_list_flags_is_in_queue_order(db: Engine) -> None:
    with session_scope(db) as session:
        run_detection(session=session, now=NOW)
        flags = list_flags(session=session, status="open")
        priorities = [f.priority for f in flags]
        assert priorities == sorted(priorities, reverse=True)
        liked = list_flags(session=session, act_code="like")
        assert sorted(f.platform for f in liked) == ["instagram", "x"]


def test_deadline_is_seven_days_in_utc() -> None:
    wib = timezone(timedelta(hours=7))
    detected = datetime(2024, 2, 14, 23, 30, tzinfo=wib)  # 16:30 UTC
    assert deadline_for(detected) == datetime(2024, 2, 21, 16, 30, tzinfo=UTC)
    assert deadline_for(detected).tzinfo == UTC
    with pytest.raises(InputRejected, match="naive"):
        deadline_for(datetime(2024, 2, 14, 8, 0))


def test_deadline_follows_the_review_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_REVIEW__REFERRAL_DEADLINE_DAYS", "5")
    reset_settings()
    assert deadline_for(NOW) == NOW + timedelta(days=5)
