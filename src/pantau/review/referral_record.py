"""The referral record: every field DOMAIN.md lists for one act, as plain JSON-ready data.

One function, :func:`build_record`, reads the database and returns the record; the package
writes it as ``referral.json`` and the PDF letter renders the very same record, so the two can
never disagree. The model's suggestion, score and version are NEVER read here: they are
internal triage, not proof (DOMAIN.md). The detection rule's reasons are left out too, because
they quote the model's suggestion; the officer's chronology says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.collect.models import Capture, CustodyEvent, Post
from pantau.detect.models import Flag, FlagEvidence
from pantau.errors import ReviewError
from pantau.registry.models import Account, Agency, CivilServant, Election, Side
from pantau.review.clarification import CLAIM_LABELS, OUTCOME_LABELS
from pantau.review.decisions import clarifications_of, decisions_of
from pantau.review.decisions_models import Clarification
from pantau.review.models import User
from pantau.review.referral_labels import (
    ACT_LABELS,
    ELECTION_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    OWNERSHIP_LABELS,
    PLATFORM_LABELS,
    SKB_BASIS,
    VERDICT_LABELS,
    skb_items,
)
from pantau.review.referral_models import Referral

SCHEMA = "pantau.referral/1"
EXTENSIONS = {
    "application/json": ".json",
    "text/html": ".html",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "text/plain": ".txt",
}


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file of the package: the capture and its name inside the ZIP."""

    capture: Capture
    path: str


def stamp(value: datetime | None, zone: ZoneInfo) -> dict[str, str] | None:
    """A time as UTC (ISO 8601, ``Z``) and as local display time (``WIB``)."""
    if value is None:
        return None
    utc = value.astimezone(ZoneInfo("UTC"))
    return {
        "utc": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wib": value.astimezone(zone).strftime("%d-%m-%Y %H:%M:%S %Z"),
    }


def evidence_files(*, session: Session, flag_id: int) -> list[EvidenceFile]:
    """The flag's captures (oldest link first) with their file names inside the package."""
    stmt = (
        select(Capture)
        .join(FlagEvidence, FlagEvidence.capture_id == Capture.id)
        .where(FlagEvidence.flag_id == flag_id)
        .order_by(FlagEvidence.id)
    )
    out: list[EvidenceFile] = []
    for i, capture in enumerate(session.scalars(stmt), start=1):
        ext = EXTENSIONS.get(capture.content_type.split(";")[0].strip(), ".bin")
        out.append(
            EvidenceFile(capture, f"bukti/{i:02d}-{capture.kind}-{capture.sha256[:12]}{ext}")
        )
    return out


def build_record(
    *, session: Session, referral: Referral, files: list[EvidenceFile], zone: ZoneInfo
) -> dict[str, Any]:
    """Everything the letter and ``referral.json`` carry for ``referral`` (one act)."""
    flag = session.get(Flag, referral.flag_id)
    if flag is None:
        raise ReviewError(f"referral {referral.id}: flag {referral.flag_id} does not exist")
    person = session.get(CivilServant, flag.civil_servant_id)
    account = session.get(Account, flag.account_id)
    if person is None or account is None:
        raise ReviewError(f"referral {referral.id}: the civil servant or account is missing")
    agency = session.get(Agency, person.agency_id)
    captured = [f.capture.captured_at for f in files]
    return {
        "schema": SCHEMA,
        "referral": _referral_part(session, referral, zone),
        "civil_servant": _person_part(person, agency),
        "account": _account_part(account),
        "act": _act_part(session, flag),
        "target": _target_part(session, flag),
        "times": {
            "act_time": stamp(flag.act_time, zone),
            "capture_time": stamp(min(captured) if captured else None, zone),
            "first_detected": stamp(flag.first_detected_at, zone),
            "deadline": stamp(referral.deadline_at, zone),
            "deadline_rule": "7 hari sejak perbuatan diketahui (pertama terdeteksi)",
        },
        "chronology": referral.chronology,
        "evidence": [_evidence_part(session, f, zone) for f in files],
        "witnesses": _witnesses(session, referral, zone),
        "review_record": [
            {
                "reviewer": d.reviewer,
                "verdict": d.verdict,
                "verdict_label": VERDICT_LABELS.get(d.verdict, d.verdict),
                "reason": d.reason,
                "round": d.round,
                "at": stamp(d.at, zone),
            }
            for d in decisions_of(session=session, flag_id=flag.id)
        ],
        "clarifications": [
            _clarification_part(c, zone)
            for c in clarifications_of(session=session, flag_id=flag.id)
        ],
    }


def _referral_part(session: Session, referral: Referral, zone: ZoneInfo) -> dict[str, Any]:
    officer = session.get(User, referral.officer_id)
    return {
        "reference": referral.reference,
        "id": referral.id,
        "flag_id": referral.flag_id,
        "officer": referral.officer,
        "officer_name": officer.display_name if officer is not None else "",
        "created_at": stamp(referral.created_at, zone),
        "exported_at": stamp(referral.exported_at, zone),
        "late": referral.late,
    }


def _person_part(person: CivilServant, agency: Agency | None) -> dict[str, Any]:
    return {
        "name": person.name,
        "nip": person.nip,
        "status": person.status,
        "position": person.position,
        "unit": person.unit,
        "agency_code": agency.code if agency is not None else "",
        "agency": agency.name if agency is not None else "",
        "region_code": person.region_code,
        "ppk": agency.ppk_title if agency is not None else "",
    }


def _account_part(account: Account) -> dict[str, Any]:
    return {
        "platform": account.platform,
        "platform_label": PLATFORM_LABELS.get(account.platform, account.platform),
        "handle": account.handle,
        "stable_id": account.native_id or "",
        "url": account.profile_url,
        "ownership_basis": account.ownership_basis,
        "ownership_label": OWNERSHIP_LABELS.get(account.ownership_basis, account.ownership_basis),
        "consent_date": account.consent_date.isoformat() if account.consent_date else None,
        "registered_by": account.registered_by,
    }


def _act_part(session: Session, flag: Flag) -> dict[str, Any]:
    post_id, text = "", ""
    if flag.item_type == "post":
        post_id = flag.item_id
    else:
        edge_target = flag.item_id.split(":", 3)
        if len(edge_target) == 4 and edge_target[2] == "post":
            post_id = edge_target[3]
    if post_id:
        post = session.scalar(
            select(Post).where(Post.platform == flag.platform, Post.post_id == post_id)
        )
        text = post.text if post is not None else ""
    return {
        "code": flag.act_code,
        "label": ACT_LABELS.get(flag.act_code, flag.act_code),
        "skb_items": [{"number": i.number, "text": i.text} for i in skb_items(flag.act_code)],
        "skb_basis": SKB_BASIS,
        "item_type": flag.item_type,
        "item_id": flag.item_id,
        "post_id": post_id,
        "url": flag.item_url,
        "captured_text": text,
    }


def _target_part(session: Session, flag: Flag) -> dict[str, Any]:
    side = (
        session.scalar(select(Side).where(Side.key == flag.target_side))
        if flag.target_side
        else None
    )
    election: Election | None = None
    contest = ""
    if side is not None and side.contest is not None:
        election = side.contest.election
        region = f" ({side.contest.region_name})" if side.contest.region_name else ""
        contest = side.contest.office + region
    return {
        "side_key": flag.target_side,
        "side_name": side.name if side is not None else "",
        "side_kind": side.kind if side is not None else "",
        "ballot_number": side.ballot_number if side is not None else None,
        "candidates": list(side.members) if side is not None else [],
        "parties": list(side.parties) if side is not None else [],
        "election_key": election.key if election is not None else "",
        "election": election.name if election is not None else "",
        "election_kind": ELECTION_KIND_LABELS.get(election.kind, election.kind) if election else "",
        "contest": contest,
        "target_account": flag.target_handle,
        "official_campaign_account": flag.target_is_official,
    }


def _evidence_part(session: Session, item: EvidenceFile, zone: ZoneInfo) -> dict[str, Any]:
    capture = item.capture
    custody = session.scalars(
        select(CustodyEvent)
        .where(CustodyEvent.capture_id == capture.id)
        .order_by(CustodyEvent.at, CustodyEvent.id)
    )
    return {
        "file": item.path,
        "kind": capture.kind,
        "kind_label": EVIDENCE_KIND_LABELS.get(capture.kind, capture.kind),
        "content_type": capture.content_type,
        "sha256": capture.sha256,
        "size_bytes": capture.size_bytes,
        "source_url": capture.url,
        "captured_at": stamp(capture.captured_at, zone),
        "capture_tool_version": capture.collector_version,
        "captured_by": capture.captured_by,
        "monitoring_session": capture.monitoring_session,
        "custody": [
            {"at": stamp(e.at, zone), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in custody
        ],
    }


def _witnesses(session: Session, referral: Referral, zone: ZoneInfo) -> list[dict[str, Any]]:
    confirmations = {
        d.reviewer_id: d
        for d in decisions_of(session=session, flag_id=referral.flag_id)
        if d.verdict == "confirm"
    }
    out: list[dict[str, Any]] = []
    for user_id, username in (
        (referral.witness_1_id, referral.witness_1),
        (referral.witness_2_id, referral.witness_2),
    ):
        user = session.get(User, user_id)
        decision = confirmations.get(user_id)
        out.append(
            {
                "username": username,
                "display_name": user.display_name if user is not None else "",
                "confirmed_at": stamp(decision.at, zone) if decision is not None else None,
                "reason": decision.reason if decision is not None else "",
            }
        )
    return out


def _clarification_part(item: Clarification, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "round": item.round,
        "asked_at": stamp(item.asked_at, zone),
        "asked_by": item.asked_by,
        "question": item.question,
        "channel": item.channel,
        "reply_text": item.reply_text,
        "reply_at": stamp(item.reply_at, zone),
        "claim": item.claim,
        "claim_label": CLAIM_LABELS.get(item.claim, item.claim),
        "checks_made": item.checks_made,
        "outcome": item.outcome,
        "outcome_label": OUTCOME_LABELS.get(item.outcome, item.outcome),
        "recorded_by": item.recorded_by,
        "closed_at": stamp(item.closed_at, zone),
    }
