"""What the flag page shows, assembled for one viewer, with each sensitive view audited.

Least privilege (``pantau.review.permissions``): the civil servant's record (name, NIP,
position, unit, agency, region, other flags on the same person) only to roles holding
``asn_record.view``; the evidence (captured text, screenshot, hashes, capture metadata, custody)
only to roles holding ``evidence.view``. Each shown part is one audit entry; a viewer who may see
neither still leaves an entry for opening the flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.models import Capture, CustodyEvent, Post
from pantau.detect.models import Flag, FlagEvidence
from pantau.errors import ReviewError
from pantau.registry.models import Account, Agency, CivilServant, Side
from pantau.review.audit import audit_view
from pantau.review.decisions import (
    TERMINAL,
    clarifications_of,
    current_round,
    decisions_of,
)
from pantau.review.decisions_models import Clarification, Decision
from pantau.review.models import User
from pantau.review.permissions import Permission, has_permission
from pantau.store.db import utcnow

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
OTHER_FLAGS_SHOWN = 20


@dataclass(frozen=True)
class EvidenceItem:
    capture: Capture
    role: str
    custody: list[CustodyEvent]

    @property
    def is_image(self) -> bool:
        return self.capture.content_type in IMAGE_TYPES


@dataclass(frozen=True)
class PersonRecord:
    """The civil servant's record: shown only to roles allowed to see it (audited)."""

    person: CivilServant
    agency: Agency
    account: Account
    other_flags: list[Flag]


@dataclass
class FlagPage:
    flag: Flag
    handle: str
    side_name: str
    overdue: bool
    due_soon: bool
    decisions: list[Decision]
    clarifications: list[Clarification]
    round: int
    settled: bool
    can_decide: bool
    responded_this_round: Decision | None = None
    post: Post | None = None
    # For an edge (like, repost, comment, follow of a post): the verb; ``post`` is then the
    # watched account's post the ASN acted on.
    edge_verb: str = ""
    evidence: list[EvidenceItem] | None = None  # None: the viewer may not see evidence
    record: PersonRecord | None = None  # None: the viewer may not see the record
    open_clarification: Clarification | None = field(default=None)


def get_flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise ReviewError(f"flag {flag_id} does not exist")
    return flag


def load_flag_page(
    *,
    session: Session,
    viewer: User,
    flag_id: int,
    warning_days: int = 2,
    now: datetime | None = None,
) -> FlagPage:
    """Everything the flag page shows to ``viewer`` (needs ``queue.view``; audited)."""
    flag = get_flag(session, flag_id)
    now = now or utcnow()
    decisions = decisions_of(session=session, flag_id=flag_id)
    clarifications = clarifications_of(session=session, flag_id=flag_id)
    round_now = current_round(clarifications)
    account = session.get(Account, flag.account_id)
    side = session.scalar(select(Side).where(Side.key == flag.target_side))
    page = FlagPage(
        flag=flag,
        handle=account.handle if account is not None else "",
        side_name=side.name if side is not None else "",
        overdue=flag.deadline_at < now,
        due_soon=now <= flag.deadline_at < now + timedelta(days=warning_days),
        decisions=decisions,
        clarifications=clarifications,
        round=round_now,
        settled=flag.status in TERMINAL,
        can_decide=has_permission(viewer, Permission.FLAG_DECIDE),
        responded_this_round=next(
            (d for d in decisions if d.round == round_now and d.reviewer_id == viewer.id), None
        ),
        open_clarification=next((c for c in clarifications if c.is_open), None),
    )
    shown = False
    if has_permission(viewer, Permission.EVIDENCE_VIEW):
        page.post, page.evidence = _evidence(session, flag)
        page.edge_verb = edge_parts(flag.item_id)[0] if flag.item_type == "edge" else ""
        audit_view(
            session=session,
            principal=viewer,
            permission=Permission.EVIDENCE_VIEW,
            subject_type="flag",
            subject_id=flag.id,
            detail={"captures": [e.capture.id for e in page.evidence]},
        )
        shown = True
    if has_permission(viewer, Permission.ASN_RECORD_VIEW) and account is not None:
        page.record = _record(session, flag, account)
        audit_view(
            session=session,
            principal=viewer,
            permission=Permission.ASN_RECORD_VIEW,
            subject_type="civil_servant",
            subject_id=flag.civil_servant_id,
            detail={"flag": flag.id},
        )
        shown = True
    if not shown:
        audit_view(
            session=session,
            principal=viewer,
            permission=Permission.QUEUE_VIEW,
            subject_type="flag",
            subject_id=flag.id,
        )
    return page


def edge_parts(item_id: str) -> tuple[str, str, str]:
    """(verb, target type, target id) of an edge flag's item id (``actor:verb:type:target``,
    :func:`pantau.collect.edges.edge_item_id`); blanks when it is not one."""
    parts = item_id.split(":", 3)
    return (parts[1], parts[2], parts[3]) if len(parts) == 4 else ("", "", "")


def _evidence(session: Session, flag: Flag) -> tuple[Post | None, list[EvidenceItem]]:
    post_id = flag.item_id
    if flag.item_type == "edge":
        _verb, target_type, target_id = edge_parts(flag.item_id)
        post_id = target_id if target_type == "post" else ""
    post = None
    if post_id:
        post = session.scalar(
            select(Post).where(Post.platform == flag.platform, Post.post_id == post_id)
        )
    rows = session.execute(
        select(FlagEvidence.role, Capture)
        .join(Capture, Capture.id == FlagEvidence.capture_id)
        .where(FlagEvidence.flag_id == flag.id)
        .order_by(FlagEvidence.id)
    ).all()
    items = []
    for role, capture in rows:
        custody = list(
            session.scalars(
                select(CustodyEvent)
                .where(CustodyEvent.capture_id == capture.id)
                .order_by(CustodyEvent.id)
            )
        )
        items.append(EvidenceItem(capture, role, custody))
    return post, items


def _record(session: Session, flag: Flag, account: Account) -> PersonRecord:
    person = session.get(CivilServant, flag.civil_servant_id)
    if person is None:  # pragma: no cover - RESTRICT foreign key
        raise ReviewError(f"flag {flag.id}: civil servant {flag.civil_servant_id} missing")
    agency = session.get(Agency, person.agency_id)
    if agency is None:  # pragma: no cover - RESTRICT foreign key
        raise ReviewError(f"civil servant {person.id}: agency {person.agency_id} missing")
    others = list(
        session.scalars(
            select(Flag)
            .where(Flag.civil_servant_id == person.id, Flag.id != flag.id)
            .order_by(Flag.first_detected_at.desc(), Flag.id.desc())
            .limit(OTHER_FLAGS_SHOWN)
        )
    )
    return PersonRecord(person, agency, account, others)


def evidence_capture(*, session: Session, viewer: User, flag_id: int, capture_id: int) -> Capture:
    """The capture ``capture_id`` IF it is evidence of ``flag_id`` (audited view)."""
    linked = session.scalar(
        select(Capture)
        .join(FlagEvidence, FlagEvidence.capture_id == Capture.id)
        .where(FlagEvidence.flag_id == flag_id, Capture.id == capture_id)
    )
    if linked is None:
        raise ReviewError(f"capture {capture_id} is not evidence of flag {flag_id}")
    audit_view(
        session=session,
        principal=viewer,
        permission=Permission.EVIDENCE_VIEW,
        subject_type="capture",
        subject_id=capture_id,
        detail={"flag": flag_id, "sha256": linked.sha256},
    )
    return linked
