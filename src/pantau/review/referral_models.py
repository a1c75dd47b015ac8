"""Referral table: one confirmed act handed to Bawaslu / BKN's task force, as an export package.

One :class:`Referral` is one act (one flag; ``flag_id`` is unique): vague bulk complaints get
dismissed, so a package never carries two acts. The two witnesses are the two different
reviewers whose confirmations made the flag confirmed; their names are copied here at creation
so that the record keeps naming them even if an account is renamed later.

``late`` is set at the first export when it happens after the flag's 7-day deadline
(``deadline_at``, copied from the flag): a late referral is marked late, never hidden.
``package_sha256`` is the SHA-256 of the newest ZIP written; ``exported_at`` is the FIRST export
(the date that counts against the deadline), ``last_exported_at`` the newest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pantau.store.db import Base, UTCDateTime, utcnow


class Referral(Base):
    """A referral officer's referral of one confirmed flag (one act)."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint("witness_1_id <> witness_2_id", name="two_witnesses"),
        Index("ix_referral_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id", ondelete="RESTRICT"), unique=True)
    # Letter number shown on the PDF, e.g. ``PNT/RJK/2026/000001``.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    officer: Mapped[str] = mapped_column(String(64))
    chronology: Mapped[str] = mapped_column(Text)
    witness_1_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    witness_1: Mapped[str] = mapped_column(String(64))
    witness_2_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    witness_2: Mapped[str] = mapped_column(String(64))
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    export_count: Mapped[int] = mapped_column(Integer, default=0)
    package_name: Mapped[str] = mapped_column(String(200), default="")
    package_sha256: Mapped[str] = mapped_column(String(64), default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
