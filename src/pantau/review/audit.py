"""The audit trail: one append function for every stage, and a verifier for the hash chain.

Every entry's ``entry_hash`` is the SHA-256 of the canonical JSON (sorted keys, no spaces,
UTF-8) of its ``seq``, ``at``, ``actor``, ``action``, ``subject_type``, ``subject_id``,
``detail`` and ``prev_hash``; ``prev_hash`` is the previous entry's ``entry_hash`` (64 zeros for
the first). Editing, deleting or reordering rows breaks the chain at that point.

Appends are serialised through the single :class:`AuditHead` row: ``UPDATE audit_head SET
seq = seq + 1 ... RETURNING`` takes a row lock on PostgreSQL (a second writer waits and then
sees the new head) and the database write lock on SQLite (writers queue on ``busy_timeout``).
The lock is held until the caller's transaction ends, so an audit entry commits or rolls back
together with the action it records.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pantau.errors import StoreError
from pantau.review.models import GENESIS_HASH, AuditEntry, AuditHead
from pantau.review.permissions import Permission, Principal, actor_name, require
from pantau.store.db import utcnow

HEAD_ID = 1


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _at_text(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """The SHA-256 (hex) of an entry's canonical JSON, ``prev_hash`` included."""
    payload = {
        "seq": seq,
        "at": _at_text(at),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
    )


def _ensure_head(session: Session) -> None:
    """Create the head row if missing; concurrent creators race harmlessly (no-op on conflict)."""
    dialect = session.get_bind().dialect.name
    values = {"id": HEAD_ID, "seq": 0, "last_hash": GENESIS_HASH}
    if dialect == "postgresql":
        session.execute(postgresql.insert(AuditHead).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(AuditHead).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - pantau supports SQLite and PostgreSQL only
        raise StoreError(f"audit trail does not support the {dialect} database")


def _advance_head(session: Session) -> tuple[int, str]:
    """Lock the head row, bump its seq, and return (new seq, previous hash)."""
    stmt = (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(stmt).one_or_none()
    if row is None:
        _ensure_head(session)
        row = session.execute(stmt).one()
    return int(row[0]), str(row[1])


def record(
    *,
    session: Session,
    actor: str | Principal,
    action: str,
    subject_type: str = "",
    subject_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail (in ``session``'s transaction) and return it.

    ``actor`` is a username, a :class:`~pantau.review.permissions.Principal`, or a system name
    such as ``"system:sweep"``. ``detail`` must be JSON-serialisable (other values are stored as
    their ``str``).
    """
    # Column limits (PostgreSQL enforces them); what is hashed is exactly what is stored.
    name = (actor if isinstance(actor, str) else actor_name(actor))[:100]
    action, subject_type = action[:64], subject_type[:64]
    subject_id = str(subject_id)[:128]
    clean_detail: dict[str, Any] = json.loads(json.dumps(detail or {}, default=str))
    seq, prev = _advance_head(session)
    at = utcnow()
    digest = entry_hash(
        seq=seq,
        at=at,
        actor=name,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=clean_detail,
        prev_hash=prev,
    )
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=name,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=clean_detail,
        prev_hash=prev,
        entry_hash=digest,
    )
    session.add(entry)
    session.flush()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(last_hash=digest)
        .execution_options(synchronize_session=False)
    )
    return entry


def audit_view(
    *,
    session: Session,
    principal: Principal,
    permission: Permission,
    subject_type: str,
    subject_id: str | int,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Check that ``principal`` may see the subject and record that they did.

    Every page or export that shows a civil servant's personal record or evidence calls this
    first (DOMAIN.md safeguard 4: every view is logged).
    """
    require(principal, permission)
    return record(
        session=session,
        actor=principal,
        action="view",
        subject_type=subject_type,
        subject_id=subject_id,
        detail={"permission": permission.value, **(detail or {})},
    )


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: ``ok``, or the first broken link and why."""

    ok: bool
    checked: int
    head_seq: int
    broken_seq: int | None = None
    reason: str = ""


def verify(*, session: Session, batch: int = 2000) -> VerifyResult:
    """Walk the chain in ``seq`` order and report the FIRST broken link, if any."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    head = session.get(AuditHead, HEAD_ID)
    head_seq = head.seq if head is not None else 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    if head is not None:
        # Entries up to the head were committed with it; later ones are appends that happened
        # while we read, checked next time (so a busy trail never reports a false break).
        stmt = stmt.where(AuditEntry.seq <= head_seq)
    rows = session.execute(stmt).scalars()
    for entry in rows:
        problem = _check(entry, expected_seq, prev)
        if problem is not None:
            return VerifyResult(False, checked, head_seq, problem[0], problem[1])
        checked += 1
        expected_seq += 1
        prev = entry.entry_hash
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.last_hash != prev):
        reason = (
            f"the chain ends at entry {last_seq} but the head records entry {head.seq}: "
            "entries were removed from the end"
            if head.seq > last_seq
            else f"the head (entry {head.seq}) does not match the last entry {last_seq}"
        )
        return VerifyResult(False, checked, head_seq, last_seq + 1, reason)
    if head is None and checked:
        return VerifyResult(False, checked, head_seq, 1, "the audit head row is missing")
    return VerifyResult(True, checked, head_seq)


def _check(entry: AuditEntry, expected_seq: int, prev: str) -> tuple[int, str] | None:
    if entry.seq != expected_seq:
        return expected_seq, (
            f"entry {expected_seq} is missing (next present entry is {entry.seq}): "
            "a row was deleted"
        )
    if entry.prev_hash != prev:
        return entry.seq, (
            f"entry {entry.seq} does not link to entry {entry.seq - 1} (prev_hash differs): "
            "rows were reordered, replaced or deleted"
        )
    if _hash_of(entry) != entry.entry_hash:
        return entry.seq, f"entry {entry.seq} was altered (its content no longer matches its hash)"
    return None


def count_entries(*, session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def list_entries(
    *,
    session: Session,
    principal: Principal,
    limit: int = 50,
    before_seq: int | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """The newest entries (newest first), keyset-paginated by ``before_seq``; needs audit.view."""
    require(principal, Permission.AUDIT_VIEW)
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(max(1, min(limit, 1000)))
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.execute(stmt).scalars())
