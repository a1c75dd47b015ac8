"""The sweep lease: one sweep at a time, across processes and machines sharing the database.

Taken with ONE conditional ``UPDATE ... WHERE free OR expired OR ours RETURNING`` (the database
decides the race, not the callers), renewed by :meth:`Lease.heartbeat`, released on exit. A
holder killed with ``kill -9`` stops renewing; after ``sweep.lease_ttl_s`` anyone may take it, and
at once a process on the same host that sees the holder's pid is gone (``pantau sweep resume``
right after a crash).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pantau.errors import LeaseHeld
from pantau.store.db import session_scope, utcnow
from pantau.sweep.models import SweepLease

LEASE_NAME = "sweep"
log = logging.getLogger(__name__)


def new_holder() -> str:
    """A name unique to this process: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _ensure_row(session: Session, name: str) -> None:
    table = SweepLease
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            postgresql.insert(table).values(name=name, holder="").on_conflict_do_nothing()
        )
    elif dialect == "sqlite":
        session.execute(sqlite.insert(table).values(name=name, holder="").on_conflict_do_nothing())
    elif session.get(SweepLease, name) is None:  # pragma: no cover - other databases
        session.add(SweepLease(name=name, holder=""))
        session.flush()


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` names a process on THIS host that no longer exists (``kill -9``).

    A holder on another host cannot be checked from here: its lease must expire."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def try_acquire(
    *,
    engine: Engine,
    holder: str,
    ttl_s: float,
    name: str = LEASE_NAME,
    now: datetime | None = None,
    stale_holder: str | None = None,
) -> bool:
    """Take the lease if free, expired, already ours, or held by ``stale_holder`` (a dead
    process); one atomic statement decides, so of two takers exactly one wins."""
    now = now or utcnow()
    with session_scope(engine) as session:
        _ensure_row(session, name)
        taken = session.execute(
            update(SweepLease)
            .where(
                SweepLease.name == name,
                or_(
                    SweepLease.holder == "",
                    SweepLease.expires_at.is_(None),
                    SweepLease.expires_at < now,
                    SweepLease.holder == holder,
                    SweepLease.holder == (stale_holder or holder),
                ),
            )
            .values(
                holder=holder,
                acquired_at=now,
                heartbeat_at=now,
                expires_at=now + timedelta(seconds=ttl_s),
            )
            .returning(SweepLease.name)
            .execution_options(synchronize_session=False)
        ).first()
    return taken is not None


def current_holder(*, engine: Engine, name: str = LEASE_NAME) -> SweepLease | None:
    with session_scope(engine) as session:
        row = session.scalars(select(SweepLease).where(SweepLease.name == name)).first()
        if row is None or not row.holder:
            return None
        session.expunge(row)
        return row


@dataclass
class Lease:
    engine: Engine
    holder: str
    ttl_s: float
    name: str = LEASE_NAME

    def heartbeat(self, *, sweep_id: int | None = None) -> None:
        """Extend the lease; raises :class:`LeaseHeld` if it was lost (expired and taken)."""
        now = utcnow()
        values: dict[str, object] = {
            "heartbeat_at": now,
            "expires_at": now + timedelta(seconds=self.ttl_s),
        }
        if sweep_id is not None:
            values["sweep_id"] = sweep_id
        with session_scope(self.engine) as session:
            kept = session.execute(
                update(SweepLease)
                .where(SweepLease.name == self.name, SweepLease.holder == self.holder)
                .values(**values)
                .returning(SweepLease.name)
                .execution_options(synchronize_session=False)
            ).first()
        if kept is None:
            raise LeaseHeld(f"the sweep lease was lost by {self.holder} (expired and taken)")

    def release(self) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(SweepLease)
                .where(SweepLease.name == self.name, SweepLease.holder == self.holder)
                .values(holder="", sweep_id=None, expires_at=None)
                .execution_options(synchronize_session=False)
            )


@contextmanager
def hold_lease(
    *, engine: Engine, ttl_s: float, holder: str | None = None, name: str = LEASE_NAME
) -> Iterator[Lease]:
    """Hold the sweep lease for the block, or raise :class:`LeaseHeld` naming who has it."""
    holder = holder or new_holder()
    taken = try_acquire(engine=engine, holder=holder, ttl_s=ttl_s, name=name)
    if not taken:
        other = current_holder(engine=engine, name=name)
        if other is not None and holder_is_dead(other.holder):
            log.warning("taking over the sweep lease of dead process %s", other.holder)
            taken = try_acquire(
                engine=engine, holder=holder, ttl_s=ttl_s, name=name, stale_holder=other.holder
            )
    if not taken:
        other = current_holder(engine=engine, name=name)
        who = f"{other.holder} (sweep {other.sweep_id}, until {other.expires_at})" if other else "?"
        raise LeaseHeld(f"another sweep holds the lease: {who}")
    lease = Lease(engine=engine, holder=holder, ttl_s=ttl_s, name=name)
    try:
        yield lease
    finally:
        lease.release()
