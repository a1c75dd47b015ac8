"""What the referral pages show, assembled for one viewer, each view of personal data audited.

- the list: confirmed flags awaiting referral (deadline first, late ones on top and marked) and
  the referrals made;
- the form: a preview of the letter for a confirmed flag (every field but the chronology, which
  the officer writes);
- the referral page: the letter's content, the package and its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.detect.models import Flag
from pantau.errors import ReviewError
from pantau.registry.models import CivilServant
from pantau.review.audit import audit_view
from pantau.review.decisions import confirming_reviewers
from pantau.review.models import User
from pantau.review.permissions import Permission, require
from pantau.review.queue import QueueFilters, QueueRow, list_queue
from pantau.review.referral import (
    DeadlineState,
    deadline_state,
    get_referral,
    list_referrals,
    referral_for_flag,
)
from pantau.review.referral_models import Referral
from pantau.review.referral_record import build_record, evidence_files

PENDING_REFERENCE = "(nomor diberikan saat rujukan disimpan)"


@dataclass(frozen=True)
class AwaitingRow:
    """A confirmed flag without a referral yet, with its deadline state."""

    row: QueueRow
    person_name: str
    state: DeadlineState


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    flag: Flag
    person_name: str
    state: DeadlineState


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(CivilServant.id, CivilServant.name).where(CivilServant.id.in_(ids))
    return {int(i): str(n) for i, n in session.execute(stmt)}


def awaiting_referral(
    *,
    session: Session,
    viewer: User,
    after: str | None,
    limit: int,
    warning_days: int,
    now: datetime,
) -> tuple[list[AwaitingRow], str | None]:
    """One page of confirmed flags awaiting referral (queue order: deadline first)."""
    require(viewer, Permission.REFERRAL_VIEW)
    page = list_queue(
        session=session,
        principal=viewer,
        filters=QueueFilters(statuses=("confirmed",)),
        after=after,
        limit=limit,
        warning_days=warning_days,
        now=now,
    )
    names = _names(session, {r.flag.civil_servant_id for r in page.rows})
    rows = [
        AwaitingRow(
            r,
            names.get(r.flag.civil_servant_id, ""),
            deadline_state(r.flag.deadline_at, now=now, warning_days=warning_days),
        )
        for r in page.rows
    ]
    return rows, page.next_cursor


def referral_rows(
    *, session: Session, viewer: User, warning_days: int, now: datetime
) -> list[ReferralRow]:
    """Referrals made, newest first; the state of an exported one is its late mark."""
    out: list[ReferralRow] = []
    referrals = list_referrals(session=session, viewer=viewer)
    flags = {
        f.id: f
        for f in session.scalars(select(Flag).where(Flag.id.in_([r.flag_id for r in referrals])))
    }
    names = _names(session, {f.civil_servant_id for f in flags.values()})
    for r in referrals:
        at = r.exported_at or now
        state = deadline_state(r.deadline_at, now=at, warning_days=warning_days)
        flag = flags[r.flag_id]
        out.append(ReferralRow(r, flag, names.get(flag.civil_servant_id, ""), state))
    return out


def audit_list_view(*, session: Session, viewer: User, flag_ids: list[int]) -> None:
    """The list shows civil servants' names: one audited view for the page."""
    audit_view(
        session=session,
        principal=viewer,
        permission=Permission.ASN_RECORD_VIEW,
        subject_type="referral_list",
        subject_id="",
        detail={"flags": flag_ids[:200]},
    )


def _audit_full_view(session: Session, viewer: User, subject: str, subject_id: int) -> None:
    for permission in (Permission.ASN_RECORD_VIEW, Permission.EVIDENCE_VIEW):
        audit_view(
            session=session,
            principal=viewer,
            permission=permission,
            subject_type=subject,
            subject_id=subject_id,
        )


def preview_record(
    *, session: Session, flag_id: int, viewer: User, zone: ZoneInfo
) -> dict[str, Any]:
    """The letter's record for a confirmed flag before its referral exists (audited view).

    Raises :class:`ReviewError` when the flag is not confirmed by two reviewers or already
    referred. Nothing is written except the audit entries.
    """
    require(viewer, Permission.REFERRAL_CREATE)
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise ReviewError(f"flag {flag_id} does not exist")
    existing = referral_for_flag(session=session, flag_id=flag_id)
    if existing is not None:
        raise ReviewError(f"flag {flag_id} is already referred ({existing.reference})")
    witnesses = confirming_reviewers(session=session, flag_id=flag_id)
    if len({d.reviewer_id for d in witnesses}) < 2:
        raise ReviewError(f"flag {flag_id} is {flag.status}: only confirmed flags can be referred")
    _audit_full_view(session, viewer, "flag", flag_id)
    draft = Referral(  # never added to the session: a preview only
        id=0,
        flag_id=flag_id,
        reference=PENDING_REFERENCE,
        officer_id=viewer.id,
        officer=viewer.username,
        chronology="",
        witness_1_id=witnesses[0].reviewer_id,
        witness_1=witnesses[0].reviewer,
        witness_2_id=witnesses[1].reviewer_id,
        witness_2=witnesses[1].reviewer,
        deadline_at=flag.deadline_at,
        late=False,
    )
    files = evidence_files(session=session, flag_id=flag_id)
    return build_record(session=session, referral=draft, files=files, zone=zone)


def referral_record(
    *, session: Session, referral_id: int, viewer: User, zone: ZoneInfo
) -> tuple[Referral, dict[str, Any]]:
    """A referral and its letter's record, for its page (audited view)."""
    require(viewer, Permission.REFERRAL_VIEW)
    referral = get_referral(session=session, referral_id=referral_id)
    _audit_full_view(session, viewer, "referral", referral_id)
    files = evidence_files(session=session, flag_id=referral.flag_id)
    return referral, build_record(session=session, referral=referral, files=files, zone=zone)
