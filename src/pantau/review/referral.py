"""Referrals: a referral officer turns ONE confirmed flag (one act) into a referral record with a
chronology, then exports it as a package for Bawaslu / BKN's joint task force.

Rules enforced here, not only by the pages:

- only a referral officer (``referral.create``) creates or exports;
- only a flag that two different reviewers confirmed can be referred (derived from its
  decisions with :func:`pantau.review.decisions.confirming_reviewers`, not from the stored
  status alone); those two reviewers become the witnesses;
- one referral per flag; creating one sets the flag's status to ``referred``;
- a referral exported after the flag's 7-day deadline is marked late (never hidden or refused);
- every creation, export and download is an audit entry, and every exported evidence file gets
  an ``exported`` custody event.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.evidence import EvidenceStore
from pantau.config import Settings, get_settings
from pantau.detect.models import Flag
from pantau.errors import EvidenceError, InputRejected, ReviewError, RowError
from pantau.review import audit
from pantau.review.decisions import REFERRED, confirming_reviewers, lock_flag, store_status
from pantau.review.decisions_models import Decision
from pantau.review.models import User
from pantau.review.permissions import Permission, Principal, actor_name, require
from pantau.review.referral_models import Referral
from pantau.review.referral_package import (
    LETTER_NAME,
    RECORD_NAME,
    file_sha256,
    record_json,
    write_zip,
)
from pantau.review.referral_pdf import render_letter
from pantau.review.referral_record import build_record, evidence_files
from pantau.store.db import utcnow

log = logging.getLogger(__name__)

CHRONOLOGY_MIN = 20
CHRONOLOGY_MAX = 20_000
REFERENCE_PREFIX = "PNT/RJK"

LATE, DUE_SOON, ON_TIME = "late", "due_soon", "on_time"
DEADLINE_LABELS = {
    LATE: "Terlambat (lewat batas 7 hari)",
    DUE_SOON: "Segera: batas hampir habis",
    ON_TIME: "Masih dalam batas",
}


@dataclass(frozen=True)
class DeadlineState:
    """Where a deadline stands now: ``late``, ``due_soon`` or ``on_time``, and the time left
    (negative when late)."""

    code: str
    remaining: timedelta

    @property
    def label(self) -> str:
        return DEADLINE_LABELS[self.code]

    @property
    def remaining_text(self) -> str:
        hours = int(abs(self.remaining).total_seconds() // 3600)
        days, hours = divmod(hours, 24)
        span = f"{days} hari {hours} jam" if days else f"{hours} jam"
        return f"lewat {span}" if self.remaining < timedelta(0) else f"sisa {span}"


def deadline_state(deadline_at: datetime, *, now: datetime, warning_days: int) -> DeadlineState:
    remaining = deadline_at - now
    if remaining < timedelta(0):
        return DeadlineState(LATE, remaining)
    if remaining < timedelta(days=warning_days):
        return DeadlineState(DUE_SOON, remaining)
    return DeadlineState(ON_TIME, remaining)


def referral_dir(settings: Settings) -> Path:
    """Where the web app keeps exported packages (``<var>/referrals``)."""
    return settings.var_dir / "referrals"


def package_name(referral: Referral, act_code: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", referral.reference).strip("-")
    return f"rujukan-{safe}-{act_code}.zip"


def _reject(flag_id: int, field: str, value: str, reason: str) -> InputRejected:
    error = RowError(f"flag {flag_id}", 0, field, value, reason)
    return InputRejected(f"referral of flag {flag_id} rejected", [error])


def referral_for_flag(*, session: Session, flag_id: int) -> Referral | None:
    return session.scalar(select(Referral).where(Referral.flag_id == flag_id))


def create_referral(
    *, session: Session, flag_id: int, officer: Principal, chronology: str
) -> Referral:
    """Create the referral of a confirmed flag with the officer's chronology (audited).

    Raises :class:`PermissionDenied` unless ``officer`` is a referral officer,
    :class:`InputRejected` for a missing or oversized chronology, and :class:`ReviewError` for a
    flag that is not confirmed by two different reviewers or already referred.
    """
    require(officer, Permission.REFERRAL_CREATE)
    if not isinstance(officer, User):  # pragma: no cover - operators lack referral.create
        raise ReviewError("only a named referral officer account may refer")
    chronology = chronology.strip()
    if len(chronology) < CHRONOLOGY_MIN:
        reason = f"write the chronology (at least {CHRONOLOGY_MIN} characters)"
        raise _reject(flag_id, "chronology", chronology, reason)
    if len(chronology) > CHRONOLOGY_MAX:
        raise _reject(flag_id, "chronology", chronology[:60], f"over {CHRONOLOGY_MAX} characters")
    now = utcnow()
    status = lock_flag(session, flag_id, now)
    existing = referral_for_flag(session=session, flag_id=flag_id)
    if existing is not None:
        raise ReviewError(f"flag {flag_id} is already referred ({existing.reference})")
    confirmations = confirming_reviewers(session=session, flag_id=flag_id)
    witnesses: list[Decision] = []
    for decision in confirmations:  # oldest first; one response per reviewer per round
        if all(w.reviewer_id != decision.reviewer_id for w in witnesses):
            witnesses.append(decision)
    if len(witnesses) < 2:
        raise ReviewError(
            f"flag {flag_id} is {status}, not confirmed by two different reviewers: "
            "only confirmed flags can be referred"
        )
    flag = session.get(Flag, flag_id)
    assert flag is not None  # lock_flag raised otherwise
    first, second = witnesses[0], witnesses[1]
    referral = Referral(
        flag_id=flag_id,
        reference=f"tmp-{uuid.uuid4().hex}",
        officer_id=officer.id,
        officer=officer.username,
        chronology=chronology,
        witness_1_id=first.reviewer_id,
        witness_1=first.reviewer,
        witness_2_id=second.reviewer_id,
        witness_2=second.reviewer,
        deadline_at=flag.deadline_at,
        created_at=now,
    )
    session.add(referral)
    session.flush()
    referral.reference = f"{REFERENCE_PREFIX}/{now.year}/{referral.id:06d}"
    store_status(session, flag_id, REFERRED)
    audit.record(
        session=session,
        actor=officer,
        action="referral.create",
        subject_type="flag",
        subject_id=flag_id,
        detail={
            "referral": referral.id,
            "reference": referral.reference,
            "witnesses": [first.reviewer, second.reviewer],
            "deadline_at": flag.deadline_at.isoformat(),
            "past_deadline": now > flag.deadline_at,
        },
    )
    session.flush()
    return referral


def get_referral(*, session: Session, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise ReviewError(f"referral {referral_id} does not exist")
    return referral


def export_package(
    *,
    session: Session,
    referral_id: int,
    out_dir: Path,
    officer: Principal,
    store: EvidenceStore | None = None,
    settings: Settings | None = None,
) -> Path:
    """Write the referral's package (ZIP: letter PDF, ``referral.json``, evidence files,
    ``MANIFEST.sha256``) into ``out_dir`` and return its path (audited).

    Evidence is read back from the store and checked against its SHA-256 first: altered or
    missing evidence raises :class:`EvidenceError` and nothing is exported. The first export
    after the deadline marks the referral late.
    """
    require(officer, Permission.REFERRAL_CREATE)
    settings = settings or get_settings()
    store = store or EvidenceStore(settings.evidence_path)
    referral = get_referral(session=session, referral_id=referral_id)
    flag = session.get(Flag, referral.flag_id)
    if flag is None:  # pragma: no cover - RESTRICT foreign key
        raise ReviewError(f"referral {referral_id}: its flag is gone")
    now = utcnow()
    files = evidence_files(session=session, flag_id=flag.id)
    contents = [(f.path, store.get(f.capture.sha256)) for f in files]
    who = actor_name(officer)
    if referral.exported_at is None:
        referral.exported_at = now
        referral.late = now > referral.deadline_at
    referral.last_exported_at = now
    referral.export_count += 1
    for f in files:
        store.record_custody(
            session=session,
            capture=f.capture,
            action="exported",
            actor=who,
            detail=f"paket rujukan {referral.reference} ({f.path})",
        )
    session.flush()
    record = build_record(session=session, referral=referral, files=files, zone=settings.tz)
    letter = render_letter(record, created=now, images=dict(contents))
    target = Path(out_dir) / package_name(referral, flag.act_code)
    digest = write_zip(
        target=target,
        files=[(LETTER_NAME, letter), (RECORD_NAME, record_json(record)), *contents],
        stamp=now.astimezone(settings.tz),
    )
    referral.package_name = target.name
    referral.package_sha256 = digest
    if referral.late:
        log.warning("referral %s exported after its deadline: marked late", referral.reference)
    audit.record(
        session=session,
        actor=officer,
        action="referral.export",
        subject_type="referral",
        subject_id=referral.id,
        detail={
            "reference": referral.reference,
            "flag": flag.id,
            "package": target.name,
            "sha256": digest,
            "evidence_files": len(files),
            "late": referral.late,
            "export_count": referral.export_count,
        },
    )
    session.flush()
    return target


def open_package(
    *, session: Session, referral_id: int, out_dir: Path, viewer: Principal
) -> tuple[Referral, Path]:
    """The referral's exported ZIP for download, checked against its recorded SHA-256
    (audited). Raises :class:`ReviewError` before any export, :class:`EvidenceError` when the
    file is missing or altered."""
    require(viewer, Permission.REFERRAL_VIEW)
    referral = get_referral(session=session, referral_id=referral_id)
    if not referral.package_name:
        raise ReviewError(f"referral {referral.reference} has not been exported yet")
    path = Path(out_dir) / referral.package_name
    if not path.is_file():
        raise EvidenceError(f"package {path} of {referral.reference} is missing")
    if file_sha256(path) != referral.package_sha256:
        raise EvidenceError(f"package {path} does not match its recorded SHA-256")
    audit.record(
        session=session,
        actor=viewer,
        action="referral.download",
        subject_type="referral",
        subject_id=referral.id,
        detail={"reference": referral.reference, "package": path.name},
    )
    return referral, path


def list_referrals(*, session: Session, viewer: Principal, limit: int = 200) -> list[Referral]:
    """Referrals, newest first."""
    require(viewer, Permission.REFERRAL_VIEW)
    stmt = select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
    return list(session.scalars(stmt))
