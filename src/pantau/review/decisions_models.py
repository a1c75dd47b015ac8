"""Review-workflow tables: reviewers' decisions on flags and clarifications asked of the ASN.

The model's suggestion lives on the flag (``Flag.suggestion_*``); human judgement lives here,
as separate records (Argilla's Suggestion vs Response). A flag's status is DERIVED from its
decisions and clarifications (:func:`pantau.review.decisions.derive_status`) and stored on the
flag only so that the queue can filter on an index.

Rounds: a flag's review starts in round 0. Asking the ASN for clarification opens a
:class:`Clarification` in the current round; recording its outcome closes it and starts the next
round, in which every reviewer may respond again (a confirmation given before the ASN's reply
no longer counts). Within a round each reviewer gives at most ONE response
(``uq_decision_reviewer_round``): the same person can never count twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pantau.store.db import Base, UTCDateTime, utcnow

VERDICTS = ("confirm", "dismiss", "clarify")
CLAIMS = ("none", "compromised", "impersonated")
#: ``""`` while the clarification is open; any other value closes it.
OUTCOMES = ("", "reply_received", "no_reply", "claim_substantiated", "claim_not_substantiated")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Decision(Base):
    """One reviewer's response to one flag in one review round (append-only history)."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
        UniqueConstraint("flag_id", "reviewer_id", "round", name="uq_decision_reviewer_round"),
        Index("ix_decision_flag_at", "flag_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id", ondelete="RESTRICT"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    # The username at decision time: the review record names people, not row ids.
    reviewer: Mapped[str] = mapped_column(String(64))
    round: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Clarification(Base):
    """The ASN was asked to explain: the question, their reply, any claim that the account was
    compromised or impersonated, the checks made on such a claim, and the outcome."""

    __tablename__ = "clarification"
    __table_args__ = (
        CheckConstraint(_in("claim", CLAIMS), name="claim"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome"),
        UniqueConstraint("flag_id", "round", name="uq_clarification_flag_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id", ondelete="RESTRICT"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    asked_by: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(200), default="")  # letter, e-mail, meeting...
    reply_text: Mapped[str] = mapped_column(Text, default="")
    reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    claim: Mapped[str] = mapped_column(String(16), default="none")
    checks_made: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(32), default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def is_open(self) -> bool:
        return self.outcome == ""
