"""Retention purges old observations and captures unless they are evidence of a case."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Capture, Edge, EvidenceLink, Post, PostMetrics
from pantau.detect.models import Flag, FlagEvidence
from pantau.registry.models import Account, Agency, CivilServant
from pantau.review.models import AuditEntry
from pantau.store.db import utcnow
from pantau.sweep.retention import apply_retention, remove_files

DAYS = 180


def _world(session: Session, store: EvidenceStore) -> dict[str, int]:
    old = utcnow() - timedelta(days=DAYS + 10)
    new = utcnow() - timedelta(days=1)
    agency = Agency(code="A1", name="Dinas", level="kota")
    session.add(agency)
    session.flush()
    person = CivilServant(nip="198001012005011001", name="Budi", status="PNS", agency_id=agency.id)
    session.add(person)
    session.flush()
    account = Account(
        civil_servant_id=person.id, platform="x", handle="budi", ownership_basis="self_registered"
    )
    session.add(account)
    session.flush()
    ids: dict[str, int] = {}
    for key, seen in (("old", old), ("open", old), ("dismissed", old), ("recent", new)):
        post = Post(
            platform="x", post_id=f"p-{key}", author_id="100", text=f"isi {key}", last_seen_at=seen
        )
        session.add(post)
        session.flush()
        session.add(PostMetrics(post_pk=post.id, likes=1))
        session.add(
            Prediction(
                platform="x", post_id=post.post_id, model_version="m", label="netral", score=0.9
            )
        )
        capture = store.put(
            session=session,
            data=f"payload {key}".encode(),
            kind="payload",
            content_type="application/json",
            platform="x",
            url=f"https://x.com/{key}",
            op_name="UserTweets",
            monitoring_session="public",
            collector_version="t",
            captured_by="test",
            run_id=None,
        )
        capture.captured_at = seen
        session.add(
            EvidenceLink(
                capture_id=capture.id, platform="x", item_type="post", item_id=post.post_id
            )
        )
        ids[key] = capture.id
    session.add_all(
        [
            Edge(
                platform="x",
                actor_id="100",
                verb="follow",
                target_type="account",
                target_id="9",
                last_seen_at=old,
            ),
            Edge(
                platform="x",
                actor_id="100",
                verb="like",
                target_type="post",
                target_id="p-open",
                last_seen_at=old,
            ),
        ]
    )
    for key, status, item_type, item_id in (
        ("open", "referred", "post", "p-open"),
        ("dismissed", "dismissed", "post", "p-dismissed"),
        ("open", "open", "edge", "100:like:post:p-open"),
    ):
        flag = Flag(
            civil_servant_id=person.id,
            account_id=account.id,
            act_code="POST" if item_type == "post" else "LIKE",
            platform="x",
            item_type=item_type,
            item_id=item_id,
            status=status,
            deadline_at=utcnow(),
        )
        session.add(flag)
        session.flush()
        if item_type == "post":
            session.add(FlagEvidence(flag_id=flag.id, capture_id=ids[key]))
    session.flush()
    return ids


def test_retention_keeps_evidence_of_cases_and_audits_counts(
    session: Session, tmp_path: Path
) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    ids = _world(session, store)
    paths = {k: store.root / session.get(Capture, v).stored_path for k, v in ids.items()}  # type: ignore[union-attr]
    assert all(p.is_file() for p in paths.values())

    dry = apply_retention(session=session, days=DAYS, evidence=store, dry_run=True)
    expected = {"posts": 2, "metrics": 2, "predictions": 2, "edges": 1, "captures": 2}
    assert {k: getattr(dry, k) for k in expected} == expected
    assert dry.flag_evidence_unlinked == 1 and dry.kept_as_evidence == 3
    assert session.scalar(select(Post).where(Post.post_id == "p-old")) is not None

    report = apply_retention(session=session, days=DAYS, evidence=store)
    assert {k: getattr(report, k) for k in expected} == expected
    session.commit()
    assert remove_files(report, store) == 2
    assert sorted(session.scalars(select(Post.post_id))) == ["p-open", "p-recent"]
    assert sorted(session.scalars(select(Prediction.post_id))) == ["p-open", "p-recent"]
    assert [(e.verb, e.target_id) for e in session.scalars(select(Edge))] == [("like", "p-open")]
    assert sorted(session.scalars(select(Capture.id))) == sorted([ids["open"], ids["recent"]])
    assert [k for k, p in sorted(paths.items()) if p.is_file()] == ["open", "recent"]
    # the dismissed flag stays (a decision record), its evidence link to the purged capture not
    assert session.scalars(select(FlagEvidence.capture_id)).all() == [ids["open"]]
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["retention.dry_run", "retention.applied"]
    assert entries[1].detail["posts"] == 2 and "isi" not in str(entries[1].detail)
    # nothing more to purge
    again = apply_retention(session=session, days=DAYS, evidence=store)
    assert (again.posts, again.edges, again.captures) == (0, 0, 0)
