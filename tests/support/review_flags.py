"""Factories for review-workflow tests: agencies, civil servants, accounts, posts, evidence and
flags shaped like detection's output (our own small synthetic data)."""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import Post
from pantau.detect.models import Flag, FlagEvidence
from pantau.registry.models import Account, Agency, CivilServant
from pantau.store.db import session_scope, utcnow

_serial = itertools.count(1)


def tiny_png(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid solid-colour PNG (for screenshot evidence)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def make_agency(session: Session, *, code: str = "", name: str = "", region: str = "31") -> Agency:
    n = next(_serial)
    agency = Agency(
        code=code or f"AG{n}",
        name=name or f"Dinas Contoh {n}",
        level="provinsi",
        region_code=region,
        ppk_title="Gubernur",
    )
    session.add(agency)
    session.flush()
    return agency


def make_asn(
    session: Session,
    *,
    agency: Agency,
    name: str = "",
    handle: str = "",
    platform: str = "x",
    region: str = "",
) -> tuple[CivilServant, Account]:
    """A civil servant with one registered account."""
    n = next(_serial)
    person = CivilServant(
        nip=f"19800101{n:010d}"[:18],
        name=name or f"Budi Contoh {n}",
        status="PNS",
        position="Analis Kebijakan",
        unit="Bidang Umum",
        agency_id=agency.id,
        region_code=region or agency.region_code,
    )
    session.add(person)
    session.flush()
    account = Account(
        civil_servant_id=person.id,
        platform=platform,
        handle=handle or f"budi{n}",
        native_id=f"9{n:08d}",
        profile_url=f"https://x.com/{handle or f'budi{n}'}",
        ownership_basis="self_registered",
    )
    session.add(account)
    session.flush()
    return person, account


@dataclass
class FlagSpec:
    act_code: str = "POST"
    status: str = "open"
    deadline_in: timedelta = timedelta(days=5)
    priority: float = 1.0
    side: str = "paslon-1"
    text: str = "Ayo dukung paslon nomor 1! #Menang1"
    # None: seven days before the deadline (the referral window), as detection sets it
    detected_ago: timedelta | None = None
    with_evidence: bool = False

    def detected_before_now(self) -> timedelta:
        if self.detected_ago is not None:
            return self.detected_ago
        return timedelta(days=7) - self.deadline_in


def make_flag(
    session: Session,
    *,
    person: CivilServant,
    account: Account,
    spec: FlagSpec | None = None,
    now: datetime | None = None,
    store: EvidenceStore | None = None,
) -> Flag:
    """A flag on a new post of ``account`` (and, with ``with_evidence``, a payload and a
    screenshot capture linked to it)."""
    spec = spec or FlagSpec()
    now = now or utcnow()
    n = next(_serial)
    post_id = f"17{n:08d}"
    url = f"https://x.com/{account.handle}/status/{post_id}"
    session.add(
        Post(
            platform=account.platform,
            post_id=post_id,
            author_id=account.native_id or "",
            author_handle=account.handle,
            created_at=now - spec.detected_before_now() - timedelta(hours=1),
            text=spec.text,
            url=url,
        )
    )
    flag = Flag(
        civil_servant_id=person.id,
        account_id=account.id,
        agency_id=person.agency_id,
        region_code=person.region_code,
        act_code=spec.act_code,
        platform=account.platform,
        item_type="post",
        item_id=post_id,
        item_url=url,
        target_side=spec.side,
        target_handle="paslon1official",
        target_is_official=True,
        suggestion_label="support",
        suggestion_score=0.91,
        model_version="tiny-test-1",
        reasons=["teks mendukung paslon-1 (label model: support)", "tagar kampanye #Menang1"],
        severity=2,
        priority=spec.priority,
        queue_rank=-spec.priority,
        act_time=now - spec.detected_before_now() - timedelta(hours=1),
        first_detected_at=now - spec.detected_before_now(),
        deadline_at=now + spec.deadline_in,
        status=spec.status,
    )
    session.add(flag)
    session.flush()
    if spec.with_evidence:
        if store is None:
            raise ValueError("with_evidence needs an evidence store")
        _attach_evidence(session, flag, store, spec.text)
    return flag


def _attach_evidence(session: Session, flag: Flag, store: EvidenceStore, text: str) -> None:
    payload = json.dumps({"id_str": flag.item_id, "full_text": text}).encode()
    shots = [
        ("payload", "application/json", payload),
        ("screenshot", "image/png", tiny_png(rgb=(30 + flag.id % 200, 90, 160))),
    ]
    for kind, content_type, data in shots:
        capture = store.put(
            session=session,
            data=data,
            kind=kind,
            content_type=content_type,
            platform=flag.platform,
            url=flag.item_url,
            op_name="TweetDetail" if kind == "payload" else "",
            collector_version="pantau-collect 0.1",
            captured_by="petugas.sweep",
        )
        session.add(FlagEvidence(flag_id=flag.id, capture_id=capture.id, role=kind))
    session.flush()


def seed_review_flag(engine: Engine, *, text: str = "", name: str = "", handle: str = "") -> int:
    """One open flag with a payload (capture 1 on a fresh database) and a screenshot
    (capture 2) in the configured evidence store; returns the flag id."""
    with session_scope(engine) as session:
        person, account = make_asn(session, agency=make_agency(session), name=name, handle=handle)
        spec = FlagSpec(with_evidence=True, text=text or FlagSpec.text)
        store = EvidenceStore.from_settings()
        return make_flag(session, person=person, account=account, spec=spec, store=store).id
