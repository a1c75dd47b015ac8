"""Sweep tables: a sweep, its tasks (one per account x phase) and the one-sweep-at-a-time lease.

A sweep's state lives here, not in a process: every task row is committed together with the
data it produced, so a sweep killed at any point (``kill -9``) is continued by
``pantau sweep resume`` from the rows still ``pending`` or ``running``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pantau.store.db import Base, UTCDateTime, utcnow

# The phases in order; ``watched`` (campaign accounts' posts and the engagement on them) runs
# before ``collect`` so that reverse lookups (likes) see fresh likers.
PHASES: tuple[str, ...] = ("plan", "watched", "collect", "classify", "detect", "summary")
TASK_STATES: tuple[str, ...] = ("pending", "running", "done", "failed")


class Sweep(Base):
    """One sweep: its phase, its crawl run and, once finished, its summary."""

    __tablename__ = "sweep"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32), default="cli")  # cli | scheduler | demo
    executor: Mapped[str] = mapped_column(String(16), default="local")
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | failed
    phase: Mapped[str] = mapped_column(String(16), default="plan")
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_run.id", ondelete="SET NULL"), default=None
    )
    model_version: Mapped[str] = mapped_column(String(100), default="")
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)  # 1 + resumes
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SweepTask(Base):
    """One unit of a sweep: an account to collect, a watched account, a classify batch, ...

    ``subject`` names what the task works on (``account:12``, ``watched:3``, ``batch``) so a
    plan is never inserted twice. ``state`` moves pending -> running -> done | failed; a
    ``running`` task of a dead process is simply run again (its writes were rolled back).
    """

    __tablename__ = "sweep_task"
    __table_args__ = (
        UniqueConstraint("sweep_id", "phase", "subject"),
        Index("ix_sweep_task_sweep_phase_state", "sweep_id", "phase", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweep.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16), default="")
    account_id: Mapped[int | None] = mapped_column(Integer, default=None)
    watched_id: Mapped[int | None] = mapped_column(Integer, default=None)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SweepLease(Base):
    """The lease that lets one sweep run at a time (one row per lease name).

    Taken with one conditional UPDATE (free, expired, or already ours), renewed by heartbeats;
    a holder that died stops renewing and the lease expires.
    """

    __tablename__ = "sweep_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), default="")
    sweep_id: Mapped[int | None] = mapped_column(Integer, default=None)
    acquired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
