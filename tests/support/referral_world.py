"""A small world for referral tests: an election with a pair, a civil servant, a flag with
evidence, two reviewers who confirm it (through the real decisions service), a referral officer,
and optionally a clarification with an "account hacked" claim. Our own synthetic data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.evidence import EvidenceStore
from pantau.registry.models import Account, Contest, Election, Side
from pantau.review import users
from pantau.review.clarification import ClarificationInput, record_clarification
from pantau.review.decisions import decide
from pantau.review.models import User
from pantau.store.db import session_scope
from tests.support.review_app import OPERATOR, PASSWORD
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag

CLAIM_REPLY = "Akun saya diretas sejak 2 Februari; saya tidak menulis unggahan itu."
CLAIM_CHECKS = "Riwayat login dan nomor pemulihan diperiksa bersama tim TI: tidak ada akses asing."
CHRONOLOGY = (
    "Pada hari pemantauan, sistem merekam unggahan akun tersebut yang mengajak memilih paslon "
    "nomor 1. Dua peninjau memeriksa tangkapan layar dan data mentah lalu mengonfirmasinya."
)


@dataclass
class ReferralWorld:
    engine: Engine
    store: EvidenceStore
    officer: User
    reviewers: tuple[User, User]
    flag_id: int


def ensure_side(session: Session, key: str = "paslon-1") -> Side:
    found = session.scalar(select(Side).where(Side.key == key))
    if found is not None:
        return found
    election = Election(
        key=f"pilkada-contoh-{key}",
        name="Pilkada Contoh 2026",
        kind="pilkada",
        voting_date=date(2026, 11, 27),
    )
    contest = Contest(key="gubernur", office="Gubernur", region_code="31", region_name="Contoh")
    side = Side(
        key=key,
        kind="pair",
        name="Paslon Satu Bersatu",
        ballot_number=1,
        members=["Andi Contoh", "Sari Teladan"],
        parties=["partai-a"],
    )
    contest.sides.append(side)
    election.contests.append(contest)
    session.add(election)
    session.flush()
    return side


def make_people(engine: Engine, prefix: str = "") -> tuple[User, tuple[User, User]]:
    """A referral officer and two reviewers."""
    with session_scope(engine) as s:
        officer = users.add_user(
            session=s,
            actor=OPERATOR,
            username=f"{prefix}petugas",
            role="referral_officer",
            password=PASSWORD,
            display_name="Rina Petugas",
        )
        first, second = (
            users.add_user(
                session=s,
                actor=OPERATOR,
                username=f"{prefix}peninjau{i}",
                role="reviewer",
                password=PASSWORD,
                display_name=f"Peninjau {name}",
            )
            for i, name in ((1, "Satu"), (2, "Dua"))
        )
    return officer, (first, second)


def new_flag(
    engine: Engine,
    store: EvidenceStore,
    *,
    spec: FlagSpec | None = None,
    name: str = "Budi Santoso",
    side: bool = True,
) -> int:
    with session_scope(engine) as s:
        if side:
            ensure_side(s)
        agency = make_agency(s, name="Dinas Pendidikan Provinsi Contoh")
        taken = s.scalar(select(Account.id).where(Account.handle == "budi_santoso"))
        handle = "" if taken is not None else "budi_santoso"  # later flags: generated handles
        person, account = make_asn(s, agency=agency, name=name, handle=handle)
        spec = spec or FlagSpec(with_evidence=True)
        return make_flag(s, person=person, account=account, spec=spec, store=store).id


def confirm(engine: Engine, flag_id: int, reviewers: tuple[User, User], *, clarify: bool) -> None:
    """Two reviewers confirm (after a clarification round with a hacked-account claim)."""
    first, second = reviewers
    with session_scope(engine) as s:
        if clarify:
            decide(
                session=s,
                flag_id=flag_id,
                reviewer=s.merge(first),
                verdict="clarify",
                reason="Mohon penjelasan atas unggahan ini.",
                channel="surat dinas",
            )
            record_clarification(
                session=s,
                flag_id=flag_id,
                recorder=s.merge(second),
                entry=ClarificationInput(
                    reply_text=CLAIM_REPLY,
                    claim="compromised",
                    checks_made=CLAIM_CHECKS,
                    outcome="claim_not_substantiated",
                ),
            )
    for who, reason in ((first, "Unggahan jelas mengajak memilih."), (second, "Setuju.")):
        with session_scope(engine) as s:
            decide(
                session=s, flag_id=flag_id, reviewer=s.merge(who), verdict="confirm", reason=reason
            )


def build_world(
    engine: Engine,
    store: EvidenceStore,
    *,
    spec: FlagSpec | None = None,
    clarify: bool = True,
    prefix: str = "",
) -> ReferralWorld:
    officer, reviewers = make_people(engine, prefix)
    flag_id = new_flag(engine, store, spec=spec)
    confirm(engine, flag_id, reviewers, clarify=clarify)
    return ReferralWorld(engine, store, officer, reviewers, flag_id)


def seed_web_referrals(engine: Engine) -> tuple[int, int, int]:
    """For web tests: a referred flag with an exported referral and a confirmed flag awaiting
    referral, with evidence in the configured store and the package in the configured referral
    directory. Returns (referred flag id, referral id, awaiting flag id)."""
    from pantau.config import get_settings
    from pantau.review.referral import create_referral, export_package, referral_dir

    settings = get_settings()
    store = EvidenceStore(settings.evidence_path)
    officer, reviewers = make_people(engine, prefix="seed-")
    referred = new_flag(engine, store)
    confirm(engine, referred, reviewers, clarify=True)
    awaiting = new_flag(engine, store, name="Siti Rahma")
    confirm(engine, awaiting, reviewers, clarify=False)
    with session_scope(engine) as s:
        referral_id = create_referral(
            session=s, flag_id=referred, officer=s.merge(officer), chronology=CHRONOLOGY
        ).id
    with session_scope(engine) as s:
        export_package(
            session=s,
            referral_id=referral_id,
            out_dir=referral_dir(settings),
            officer=s.merge(officer),
            store=store,
            settings=settings,
        )
    return referred, referral_id, awaiting
