"""Registry tables: who is watched (agencies, civil servants, their accounts) and what counts as
taking a side (elections, contests, candidate pairs, parties, watched accounts, cues).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.store.db import Base, UTCDateTime, utcnow

PLATFORMS = ("x", "instagram", "facebook", "tiktok")
AGENCY_LEVELS = ("pusat", "provinsi", "kabupaten", "kota")
ASN_STATUSES = ("PNS", "PPPK")
OWNERSHIP_BASES = ("self_registered", "hr_record", "officer_verified")
WATCHED_KINDS = ("official_campaign", "candidate", "party", "campaign_team", "volunteer")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Agency(Base):
    """An instansi: the employing government body, with its PPK (staffing authority) title."""

    __tablename__ = "agency"
    __table_args__ = (CheckConstraint(_in("level", AGENCY_LEVELS), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(16), default="")
    ppk_title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    civil_servants: Mapped[list[CivilServant]] = relationship(back_populates="agency")


class CivilServant(Base):
    """An ASN (PNS or PPPK) identified by NIP."""

    __tablename__ = "civil_servant"
    __table_args__ = (CheckConstraint(_in("status", ASN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8))
    position: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    region_code: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="civil_servants")
    accounts: Mapped[list[Account]] = relationship(back_populates="civil_servant")


class Account(Base):
    """A social-media account registered to a civil servant, with how ownership is documented.

    Only registered accounts with an ownership basis are ever watched (DOMAIN.md safeguard 2).
    """

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        CheckConstraint(_in("ownership_basis", OWNERSHIP_BASES), name="ownership_basis"),
        UniqueConstraint("platform", "native_id", name="uq_account_platform_native_id"),
        # text(), not a string: func.lower("handle") would index the constant 'handle'.
        Index(
            "uq_account_platform_handle_lower", "platform", func.lower(text("handle")), unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civil_servant_id: Mapped[int] = mapped_column(
        ForeignKey("civil_servant.id", ondelete="RESTRICT")
    )
    platform: Mapped[str] = mapped_column(String(16))
    handle: Mapped[str] = mapped_column(String(100))
    native_id: Mapped[str | None] = mapped_column(String(64), default=None)
    profile_url: Mapped[str] = mapped_column(String(500), default="")
    ownership_basis: Mapped[str] = mapped_column(String(32))
    consent_date: Mapped[date | None] = mapped_column(Date, default=None)
    registered_by: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    civil_servant: Mapped[CivilServant] = relationship(back_populates="accounts")


class Election(Base):
    """An election (e.g. ``pilpres-2024``) with its contests, loaded from a watch-list file."""

    __tablename__ = "election"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # pilpres | pileg | pilkada
    voting_date: Mapped[date | None] = mapped_column(Date, default=None)
    campaign_start: Mapped[date | None] = mapped_column(Date, default=None)
    campaign_end: Mapped[date | None] = mapped_column(Date, default=None)
    source_file: Mapped[str] = mapped_column(String(300), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contests: Mapped[list[Contest]] = relationship(
        back_populates="election", cascade="all, delete-orphan"
    )


class Contest(Base):
    """One office in one region within an election (president; governor of DKI Jakarta)."""

    __tablename__ = "contest"
    __table_args__ = (UniqueConstraint("election_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    office: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(16), default="")
    region_name: Mapped[str] = mapped_column(String(200), default="")

    election: Mapped[Election] = relationship(back_populates="contests")
    sides: Mapped[list[Side]] = relationship(back_populates="contest", cascade="all, delete-orphan")


class Side(Base):
    """Something a civil servant may not take sides on: a candidate pair (paslon) or a party.

    ``key`` is the watch list's key (``prabowo-gibran``); labels and flags name sides by it.
    """

    __tablename__ = "side"
    __table_args__ = (CheckConstraint(_in("kind", ("pair", "party")), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    contest_id: Mapped[int | None] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(300))
    ballot_number: Mapped[int | None] = mapped_column(Integer, default=None)
    members: Mapped[list[str]] = mapped_column(JSON, default=list)  # candidate names
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)  # coalition party keys
    cues: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)  # kind -> phrases
    notes: Mapped[str] = mapped_column(Text, default="")

    contest: Mapped[Contest | None] = relationship(back_populates="sides")
    watched_accounts: Mapped[list[WatchedAccount]] = relationship(
        back_populates="side", cascade="all, delete-orphan"
    )


class WatchedAccount(Base):
    """A campaign-related account: engaging with it (like, follow, comment) is an act."""

    __tablename__ = "watched_account"
    __table_args__ = (
        CheckConstraint(_in("platform", PLATFORMS), name="platform"),
        CheckConstraint(_in("kind", WATCHED_KINDS), name="kind"),
        Index(
            "uq_watched_account_platform_handle_lower",
            "platform",
            func.lower(text("handle")),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("side.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    handle: Mapped[str] = mapped_column(String(100))
    native_id: Mapped[str | None] = mapped_column(String(64), default=None)
    kind: Mapped[str] = mapped_column(String(32))
    official: Mapped[bool] = mapped_column(Boolean, default=False)  # KPU-registered campaign acct
    campaign_related: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")

    side: Mapped[Side] = relationship(back_populates="watched_accounts")
