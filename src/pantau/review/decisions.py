"""Reviewers' decisions on flags: the two-person rule, enforced here (not only by the pages).

A flag's status is derived from its decisions and clarifications (:func:`derive_status`):

- ``open``: nobody has responded yet;
- ``in_review``: someone responded, the flag is not settled;
- ``awaiting_clarification``: the ASN was asked and the answer is not recorded yet;
- ``confirmed``: TWO DIFFERENT reviewers confirmed in the current round (after the latest
  clarification, if any: a confirmation given before the ASN answered no longer counts);
- ``dismissed``: a reviewer dismissed it, with a reason (dismissing favours the civil servant,
  so one reviewer suffices; the reason and the reviewer stay on the record);
- ``referred`` is set by the referral stage and never changed here.

Every decision is audited in the same transaction as the decision itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pantau.detect.models import Flag
from pantau.errors import InputRejected, ReviewError, RowError, TwoPersonRuleError
from pantau.review import audit
from pantau.review.decisions_models import VERDICTS, Clarification, Decision
from pantau.review.models import User
from pantau.review.permissions import Permission, Principal, actor_name, require
from pantau.store.db import utcnow

OPEN, IN_REVIEW, AWAITING = "open", "in_review", "awaiting_clarification"
CONFIRMED, DISMISSED, REFERRED = "confirmed", "dismissed", "referred"
#: Settled flags: no further decisions.
TERMINAL = frozenset({CONFIRMED, DISMISSED, REFERRED})
#: Flags that still need a reviewer (the default queue).
ACTIVE = (OPEN, IN_REVIEW, AWAITING)
CONFIRMATIONS_NEEDED = 2
REASON_MAX = 4000


@dataclass(frozen=True)
class DecisionResult:
    """What :func:`decide` did: the new decision and the flag's status before and after."""

    decision: Decision
    status_before: str
    status: str
    clarification: Clarification | None = None


def current_round(clarifications: Sequence[Clarification]) -> int:
    """The review round: how many clarifications have been closed."""
    return sum(1 for c in clarifications if not c.is_open)


def derive_status(
    decisions: Sequence[Decision], clarifications: Sequence[Clarification] = ()
) -> str:
    """The flag's status from its decisions and clarifications alone (pure)."""
    if any(d.verdict == "dismiss" for d in decisions):
        return DISMISSED
    if any(c.is_open for c in clarifications):
        return AWAITING
    round_now = current_round(clarifications)
    confirmers = {
        d.reviewer_id for d in decisions if d.round == round_now and d.verdict == "confirm"
    }
    if len(confirmers) >= CONFIRMATIONS_NEEDED:
        return CONFIRMED
    if decisions or clarifications:
        return IN_REVIEW
    return OPEN


def decisions_of(*, session: Session, flag_id: int) -> list[Decision]:
    """The flag's decision history, oldest first."""
    stmt = select(Decision).where(Decision.flag_id == flag_id).order_by(Decision.at, Decision.id)
    return list(session.scalars(stmt))


def clarifications_of(*, session: Session, flag_id: int) -> list[Clarification]:
    """The flag's clarifications, oldest round first."""
    stmt = (
        select(Clarification)
        .where(Clarification.flag_id == flag_id)
        .order_by(Clarification.round, Clarification.id)
    )
    return list(session.scalars(stmt))


def confirming_reviewers(*, session: Session, flag_id: int) -> list[Decision]:
    """The confirmations that made the flag confirmed (the referral's two witnesses), oldest
    first; empty unless the flag's decisions make it confirmed."""
    decisions = decisions_of(session=session, flag_id=flag_id)
    clarifications = clarifications_of(session=session, flag_id=flag_id)
    if derive_status(decisions, clarifications) != CONFIRMED:
        return []
    round_now = current_round(clarifications)
    return [d for d in decisions if d.round == round_now and d.verdict == "confirm"]


def lock_flag(session: Session, flag_id: int, now: datetime) -> str:
    """Take the flag's row lock (PostgreSQL) / the write lock (SQLite) before reading its
    decisions, so two reviewers confirming at once cannot both miss the other; returns the
    stored status."""
    stmt = (
        update(Flag)
        .where(Flag.id == flag_id)
        .values(updated_at=now)
        .returning(Flag.status)
        .execution_options(synchronize_session=False)
    )
    status = session.execute(stmt).scalar_one_or_none()
    if status is None:
        raise ReviewError(f"flag {flag_id} does not exist")
    return str(status)


def store_status(session: Session, flag_id: int, status: str) -> None:
    session.execute(
        update(Flag)
        .where(Flag.id == flag_id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    flag = session.get(Flag, flag_id)
    if flag is not None:
        session.refresh(flag, ["status", "updated_at"])


def _field_error(flag_id: int, field: str, value: str, reason: str) -> InputRejected:
    error = RowError(f"flag {flag_id}", 0, field, value, reason)
    return InputRejected(f"decision on flag {flag_id} rejected", [error])


def _check_input(flag_id: int, verdict: str, reason: str) -> None:
    if verdict not in VERDICTS:
        raise _field_error(flag_id, "verdict", verdict, f"must be one of {', '.join(VERDICTS)}")
    if verdict == "dismiss" and not reason:
        raise _field_error(flag_id, "reason", reason, "a dismissal needs a reason")
    if verdict == "clarify" and not reason:
        raise _field_error(flag_id, "reason", reason, "say what the civil servant is asked")
    if len(reason) > REASON_MAX:
        raise _field_error(flag_id, "reason", reason, f"longer than {REASON_MAX} characters")


def decide(
    *,
    session: Session,
    flag_id: int,
    reviewer: Principal,
    verdict: str,
    reason: str = "",
    channel: str = "",
) -> DecisionResult:
    """Record ``reviewer``'s response (confirm | dismiss | clarify) to a flag.

    Raises :class:`PermissionDenied` unless the reviewer may decide, :class:`InputRejected` for
    an unknown verdict or a dismissal without a reason (or a clarification without a question),
    :class:`TwoPersonRuleError` when this reviewer already responded in this round, and
    :class:`ReviewError` for a settled flag or a confirmation while the ASN's answer is awaited.
    ``clarify`` opens a :class:`Clarification` with ``reason`` as the question.
    """
    reason = reason.strip()
    _check_input(flag_id, verdict, reason)
    require(reviewer, Permission.FLAG_DECIDE)
    if not isinstance(reviewer, User):  # pragma: no cover - operators lack flag.decide
        raise ReviewError("only a named reviewer account may decide")
    now = utcnow()
    before = lock_flag(session, flag_id, now)
    if before in TERMINAL:
        raise ReviewError(f"flag {flag_id} is already {before}; no further decisions")
    decisions = decisions_of(session=session, flag_id=flag_id)
    clarifications = clarifications_of(session=session, flag_id=flag_id)
    round_now = current_round(clarifications)
    if verdict != "dismiss" and any(c.is_open for c in clarifications):
        raise ReviewError(f"flag {flag_id} awaits the civil servant's clarification")
    mine = [d for d in decisions if d.round == round_now and d.reviewer_id == reviewer.id]
    if mine:
        raise TwoPersonRuleError(
            f"{reviewer.username} already responded to flag {flag_id} in this round "
            f"({mine[0].verdict}); a second reviewer must decide"
        )
    decision = Decision(
        flag_id=flag_id,
        reviewer_id=reviewer.id,
        reviewer=reviewer.username,
        round=round_now,
        verdict=verdict,
        reason=reason,
        at=now,
    )
    session.add(decision)
    asked = None
    if verdict == "clarify":
        asked = Clarification(
            flag_id=flag_id,
            round=round_now,
            asked_at=now,
            asked_by=reviewer.username,
            question=reason,
            channel=channel.strip()[:200],
        )
        session.add(asked)
    session.flush()
    status = derive_status(
        [*decisions, decision], [*clarifications, *([asked] if asked is not None else [])]
    )
    store_status(session, flag_id, status)
    audit.record(
        session=session,
        actor=actor_name(reviewer),
        action="flag.decide",
        subject_type="flag",
        subject_id=flag_id,
        detail={
            "verdict": verdict,
            "reason": reason,
            "round": round_now,
            "status_before": before,
            "status": status,
        },
    )
    return DecisionResult(decision, before, status, asked)
