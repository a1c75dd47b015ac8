"""The evidence store: raw captures, content-addressed by SHA-256, zstd-compressed on disk.

A capture's file lives at ``<root>/<aa>/<bb>/<sha256>.zst`` and its row (:class:`Capture`)
holds the provenance (platform, URL, op, monitoring session, collector version, who captured
it). Storing the same bytes twice returns the first row: a sweep that re-runs never duplicates
evidence. The chain of custody (:class:`CustodyEvent`) is append-only: this module offers no
way to change or remove an event, and the ORM refuses updates and deletes of one
(``pantau.collect.models``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import zstandard
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pantau.collect.models import Capture, CustodyEvent, EvidenceLink
from pantau.errors import EvidenceError
from pantau.store.db import utcnow

CAPTURE_KINDS = ("payload", "page", "screenshot")
ITEM_TYPES = ("post", "account", "edge")
SYSTEM_ACTOR = "pantau"


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`EvidenceStore.verify` found: hashes of missing and mismatched files."""

    checked: int
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched

    @property
    def intact(self) -> int:
        return self.checked - len(self.missing) - len(self.mismatched)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EvidenceStore:
    """Content-addressed evidence files under ``root`` plus their ``Capture`` rows."""

    def __init__(self, root: Path, *, level: int = 10) -> None:
        self.root = Path(root)
        self._level = level

    @classmethod
    def from_settings(cls) -> EvidenceStore:
        from pantau.config import get_settings

        return cls(get_settings().evidence_path)

    def relative_path(self, sha: str) -> str:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise EvidenceError(f"not a SHA-256 hex digest: {sha!r}")
        return f"{sha[:2]}/{sha[2:4]}/{sha}.zst"

    def path_for(self, sha: str) -> Path:
        return self.root / self.relative_path(sha)

    def put(
        self,
        *,
        session: Session,
        data: bytes,
        kind: str,
        content_type: str,
        platform: str,
        url: str = "",
        op_name: str = "",
        monitoring_session: str = "",
        collector_version: str = "",
        captured_by: str = "",
        run_id: int | None = None,
    ) -> Capture:
        """Store ``data`` (idempotent on the same bytes) and record its custody.

        The file is written first (atomically); the row and the ``captured`` custody event join
        the caller's transaction, so a rolled-back run leaves at most an unreferenced file.
        """
        if kind not in CAPTURE_KINDS:
            raise EvidenceError(f"unknown capture kind {kind!r} (expected {CAPTURE_KINDS})")
        sha = sha256_hex(data)
        existing = session.scalar(select(Capture).where(Capture.sha256 == sha))
        if not self.path_for(sha).exists():
            self._write(sha, data)
        if existing is not None:
            return existing
        capture = Capture(
            sha256=sha,
            kind=kind,
            content_type=content_type,
            platform=platform,
            url=url,
            op_name=op_name,
            monitoring_session=monitoring_session,
            collector_version=collector_version,
            captured_by=captured_by,
            size_bytes=len(data),
            stored_path=self.relative_path(sha),
            captured_at=utcnow(),
            run_id=run_id,
        )
        try:
            with session.begin_nested():  # another worker may store the same bytes at once
                session.add(capture)
                session.flush()
        except IntegrityError:
            raced = session.scalar(select(Capture).where(Capture.sha256 == sha))
            if raced is None:
                raise
            return raced
        self._custody(
            session,
            capture,
            action="captured",
            actor=captured_by or SYSTEM_ACTOR,
            detail=f"{kind} {content_type} {len(data)} bytes from {url or '-'}",
        )
        return capture

    def get(self, sha: str) -> bytes:
        """The stored bytes of ``sha``; raises :class:`EvidenceError` if missing or altered."""
        path = self.path_for(sha)
        if not path.exists():
            raise EvidenceError(f"evidence {sha} is missing ({path})")
        data = self._read(path, sha)
        if sha256_hex(data) != sha:
            raise EvidenceError(f"evidence {sha} does not match its hash ({path})")
        return data

    def exists(self, sha: str) -> bool:
        return self.path_for(sha).exists()

    def link(
        self,
        *,
        session: Session,
        capture: Capture,
        platform: str,
        item_type: str,
        item_id: str,
        role: str = "payload",
    ) -> EvidenceLink:
        """Record that ``capture`` is evidence for an item (idempotent)."""
        if item_type not in ITEM_TYPES:
            raise EvidenceError(f"unknown item type {item_type!r} (expected {ITEM_TYPES})")
        found = session.scalar(
            select(EvidenceLink).where(
                EvidenceLink.capture_id == capture.id,
                EvidenceLink.platform == platform,
                EvidenceLink.item_type == item_type,
                EvidenceLink.item_id == item_id,
            )
        )
        if found is not None:
            return found
        link = EvidenceLink(
            capture_id=capture.id,
            platform=platform,
            item_type=item_type,
            item_id=item_id,
            role=role,
        )
        session.add(link)
        session.flush()
        return link

    def record_custody(
        self, *, session: Session, capture: Capture, action: str, actor: str, detail: str = ""
    ) -> CustodyEvent:
        """Append one custody event (e.g. ``exported`` by the referral package)."""
        return self._custody(session, capture, action=action, actor=actor, detail=detail)

    def custody(self, *, session: Session, capture: Capture) -> list[CustodyEvent]:
        return list(
            session.scalars(
                select(CustodyEvent)
                .where(CustodyEvent.capture_id == capture.id)
                .order_by(CustodyEvent.id)
            )
        )

    def verify(self, *, session: Session, actor: str = SYSTEM_ACTOR) -> VerifyReport:
        """Re-hash every stored capture; report missing and mismatched files.

        Each capture gets a ``verified`` custody event saying ``ok``, ``missing`` or
        ``mismatch``, so the chain shows when evidence was last known intact.
        """
        missing: list[str] = []
        mismatched: list[str] = []
        captures = list(session.scalars(select(Capture).order_by(Capture.id)))
        for capture in captures:
            outcome = self._check(capture.sha256)
            if outcome == "missing":
                missing.append(capture.sha256)
            elif outcome == "mismatch":
                mismatched.append(capture.sha256)
            self._custody(session, capture, action="verified", actor=actor, detail=outcome)
        return VerifyReport(checked=len(captures), missing=missing, mismatched=mismatched)

    def _check(self, sha: str) -> str:
        path = self.path_for(sha)
        if not path.exists():
            return "missing"
        try:
            data = self._read(path, sha)
        except EvidenceError:
            return "mismatch"
        return "ok" if sha256_hex(data) == sha else "mismatch"

    def _custody(
        self, session: Session, capture: Capture, *, action: str, actor: str, detail: str
    ) -> CustodyEvent:
        entry = CustodyEvent(
            capture_id=capture.id, at=utcnow(), actor=actor, action=action, detail=detail
        )
        session.add(entry)
        session.flush()
        return entry

    def _write(self, sha: str, data: bytes) -> None:
        path = self.path_for(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        compressed = zstandard.ZstdCompressor(level=self._level).compress(data)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".zst")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(compressed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _read(path: Path, sha: str) -> bytes:
        try:
            with path.open("rb") as handle:
                reader = zstandard.ZstdDecompressor().stream_reader(handle)
                return reader.read()
        except zstandard.ZstdError as exc:
            raise EvidenceError(f"evidence {sha} is corrupt ({path}): {exc}") from exc
