"""Classification tables: the model's suggestion for a post (never a decision)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pantau.store.db import Base, UTCDateTime, utcnow

LABELS = ("support", "oppose", "neutral", "unrelated")


class Prediction(Base):
    """One model's label for one post: a suggestion that orders the review queue."""

    __tablename__ = "prediction"
    __table_args__ = (UniqueConstraint("platform", "post_id", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)  # probability of ``label``
    probs: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)  # side keys (cue matcher)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
