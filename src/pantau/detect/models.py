"""Detection tables: flags (one observed act of one civil servant) and their evidence links.

A :class:`Flag` is a rule's output, never a decision: humans decide (``pantau.review``). It
records the act, the account and item it was seen on, the side it favours, the model's
suggestion (internal triage only, never proof), the rule's reasons, when it was first detected
and the referral deadline (first detected + ``review.referral_deadline_days``).

Re-running detection never duplicates a flag: ``uq_flag_act_item`` keys a flag by the act, the
item and the side (``target_side`` is ``""`` when the rule could not name a side, never NULL,
because NULLs are distinct in unique constraints).

``agency_id`` and ``region_code`` are copied from the civil servant when the flag is made, so
the review queue filters on the flag table alone (10^6 rows: no join before the first page).
``priority`` is score x severity; ``queue_rank`` is ``-priority``, stored so that the queue's
order (``deadline_at, queue_rank, id``, all ascending) is one index scan on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.store.db import Base, UTCDateTime, utcnow

ACT_CODES = ("POST", "COMMENT", "SHARE", "LIKE", "FOLLOW", "PHOTO", "ATTRIBUTE")
ITEM_TYPES = ("post", "edge")
# The review stage owns the transitions; these are the values it uses (no CHECK constraint, so
# the review stage can add a state without a detection migration).
FLAG_STATUSES = (
    "open",
    "in_review",
    "awaiting_clarification",
    "confirmed",
    "dismissed",
    "referred",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Flag(Base):
    """One act (``act_code``) of one registered ASN account, observed on one item."""

    __tablename__ = "flag"
    __table_args__ = (
        CheckConstraint(_in("act_code", ACT_CODES), name="act_code"),
        CheckConstraint(_in("item_type", ITEM_TYPES), name="item_type"),
        UniqueConstraint(
            "platform",
            "item_type",
            "item_id",
            "act_code",
            "account_id",
            "target_side",
            name="uq_flag_act_item",
        ),
        # The review queue: open flags by deadline, then priority; keyset pagination on id.
        Index("ix_flag_queue", "status", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_queue_agency", "status", "agency_id", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_queue_region", "status", "region_code", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_queue_platform", "status", "platform", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_queue_act", "status", "act_code", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_queue_side", "status", "target_side", "deadline_at", "queue_rank", "id"),
        Index("ix_flag_first_detected", "first_detected_at", "id"),
        Index("ix_flag_civil_servant", "civil_servant_id", "first_detected_at"),
        Index("ix_flag_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civil_servant_id: Mapped[int] = mapped_column(
        ForeignKey("civil_servant.id", ondelete="RESTRICT")
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL"), default=None
    )
    region_code: Mapped[str] = mapped_column(String(16), default="")
    act_code: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(16))
    item_type: Mapped[str] = mapped_column(String(8))  # post | edge
    # post: Post.post_id; edge: collect.edges.edge_item_id(...) (as in EvidenceLink.item_id)
    item_id: Mapped[str] = mapped_column(String(200))
    item_url: Mapped[str] = mapped_column(Text, default="")
    target_side: Mapped[str] = mapped_column(String(64), default="")  # Side.key, "" unknown
    target_handle: Mapped[str] = mapped_column(String(100), default="")  # watched account
    target_is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    suggestion_label: Mapped[str | None] = mapped_column(String(16), default=None)
    suggestion_score: Mapped[float | None] = mapped_column(Float, default=None)
    model_version: Mapped[str | None] = mapped_column(String(100), default=None)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[int] = mapped_column(Integer, default=1)  # 1 (low) .. 3 (high)
    priority: Mapped[float] = mapped_column(Float, default=0.0)  # score x severity
    # -priority: the queue order (deadline, then priority high first) is all ascending, so one
    # index serves ORDER BY and keyset pagination on (deadline_at, queue_rank, id) everywhere.
    queue_rank: Mapped[float] = mapped_column(Float, default=0.0)
    act_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    first_detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(32), default="open")
    run_id: Mapped[int | None] = mapped_column(Integer, default=None)  # crawl run, if any
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    evidence: Mapped[list[FlagEvidence]] = relationship(
        back_populates="flag", cascade="all, delete-orphan", order_by="FlagEvidence.id"
    )


class FlagEvidence(Base):
    """A capture (raw payload or screenshot) that shows a flag's item.

    A capture linked to a flag cannot be deleted (``RESTRICT``): retention must unlink the
    evidence of closed flags first (DOMAIN.md safeguard 6 keeps evidence for open cases).
    """

    __tablename__ = "flag_evidence"
    __table_args__ = (UniqueConstraint("flag_id", "capture_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id", ondelete="CASCADE"))
    capture_id: Mapped[int] = mapped_column(
        ForeignKey("capture.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="payload")  # payload | screenshot
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    flag: Mapped[Flag] = relationship(back_populates="evidence")
