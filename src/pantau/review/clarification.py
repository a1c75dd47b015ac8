"""The civil servant's right of reply (DOMAIN.md safeguard 8).

A reviewer asks for clarification with :func:`pantau.review.decisions.decide` (verdict
``clarify``); :func:`record_clarification` records the answer and closes the question, which
starts a new review round: reviewers then decide again, knowing the reply.

A claim that the account was compromised or impersonated is recorded and CHECKED, never waved
away: such a claim needs the checks made and an outcome that says whether the claim held up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pantau.errors import InputRejected, ReviewError, RowError
from pantau.review import audit
from pantau.review.decisions import (
    clarifications_of,
    decisions_of,
    derive_status,
    lock_flag,
    store_status,
)
from pantau.review.decisions_models import CLAIMS, OUTCOMES, Clarification
from pantau.review.permissions import Permission, Principal, actor_name, require
from pantau.store.db import utcnow

CLAIM_OUTCOMES = frozenset({"claim_substantiated", "claim_not_substantiated"})
TEXT_MAX = 8000

#: Indonesian labels for the pages and the referral.
CLAIM_LABELS = {
    "none": "Tidak ada klaim",
    "compromised": "Akun diretas / diambil alih",
    "impersonated": "Akun palsu / peniruan identitas",
}
OUTCOME_LABELS = {
    "": "Menunggu jawaban",
    "reply_received": "Jawaban diterima",
    "no_reply": "Tidak ada jawaban",
    "claim_substantiated": "Klaim terbukti",
    "claim_not_substantiated": "Klaim tidak terbukti",
}


@dataclass(frozen=True)
class ClarificationInput:
    """What the recorder entered: the reply, any claim, the checks made and the outcome."""

    reply_text: str = ""
    reply_at: datetime | None = None
    claim: str = "none"
    checks_made: str = ""
    outcome: str = "reply_received"


def _problems(entry: ClarificationInput) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    closing = [o for o in OUTCOMES if o]
    if entry.outcome not in closing:
        found.append(("outcome", entry.outcome, f"must be one of {', '.join(closing)}"))
    if entry.claim not in CLAIMS:
        found.append(("claim", entry.claim, f"must be one of {', '.join(CLAIMS)}"))
    if entry.claim != "none":
        if not entry.checks_made:
            found.append(("checks_made", "", "a compromise/impersonation claim must be checked"))
        if entry.outcome not in CLAIM_OUTCOMES:
            found.append(("outcome", entry.outcome, "say whether the claim held up"))
    elif entry.outcome in CLAIM_OUTCOMES:
        found.append(("claim", entry.claim, "an outcome about a claim needs the claim"))
    if entry.outcome != "no_reply" and not entry.reply_text:
        found.append(("reply_text", "", "record the civil servant's reply (or outcome no_reply)"))
    for field, value in (("reply_text", entry.reply_text), ("checks_made", entry.checks_made)):
        if len(value) > TEXT_MAX:
            found.append((field, value, f"longer than {TEXT_MAX} characters"))
    if entry.reply_at is not None and entry.reply_at > utcnow():
        found.append(("reply_at", entry.reply_at.isoformat(), "is in the future"))
    return found


def open_clarification(*, session: Session, flag_id: int) -> Clarification | None:
    """The flag's unanswered clarification, if any."""
    for item in clarifications_of(session=session, flag_id=flag_id):
        if item.is_open:
            return item
    return None


def record_clarification(
    *, session: Session, flag_id: int, recorder: Principal, entry: ClarificationInput
) -> Clarification:
    """Record the answer to the flag's open clarification and close it (audited).

    Raises :class:`PermissionDenied` unless ``recorder`` may record clarifications,
    :class:`InputRejected` listing every bad field, and :class:`ReviewError` when the flag has
    no open clarification.
    """
    entry = ClarificationInput(
        reply_text=entry.reply_text.strip(),
        reply_at=entry.reply_at,
        claim=entry.claim,
        checks_made=entry.checks_made.strip(),
        outcome=entry.outcome,
    )
    problems = _problems(entry)
    if problems:
        errors = [RowError(f"flag {flag_id}", 0, f, v, r) for f, v, r in problems]
        raise InputRejected(f"clarification for flag {flag_id} rejected", errors)
    require(recorder, Permission.CLARIFICATION_RECORD)
    now = utcnow()
    before = lock_flag(session, flag_id, now)
    item = open_clarification(session=session, flag_id=flag_id)
    if item is None:
        raise ReviewError(f"flag {flag_id} has no open clarification")
    item.reply_text = entry.reply_text
    item.reply_at = entry.reply_at
    item.claim = entry.claim
    item.checks_made = entry.checks_made
    item.outcome = entry.outcome
    item.recorded_by = actor_name(recorder)[:64]
    item.closed_at = now
    session.flush()
    status = derive_status(
        decisions_of(session=session, flag_id=flag_id),
        clarifications_of(session=session, flag_id=flag_id),
    )
    store_status(session, flag_id, status)
    audit.record(
        session=session,
        actor=recorder,
        action="clarification.record",
        subject_type="flag",
        subject_id=flag_id,
        detail={
            "clarification": item.id,
            "round": item.round,
            "claim": entry.claim,
            "outcome": entry.outcome,
            "status_before": before,
            "status": status,
        },
    )
    return item
