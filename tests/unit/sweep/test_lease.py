"""The sweep lease: one holder at a time, expiry, heartbeat, takeover from a dead process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from pantau.errors import LeaseHeld
from pantau.store.db import make_engine, utcnow
from pantau.sweep.lease import (
    Lease,
    current_holder,
    hold_lease,
    holder_is_dead,
    new_holder,
    try_acquire,
)


@pytest.fixture
def db(any_db_url: str) -> Iterator[Engine]:
    engine = make_engine(any_db_url)
    yield engine
    engine.dispose()


def test_one_holder_until_released_or_expired(db: Engine) -> None:
    a, b = "host-a:1:x", "host-b:2:y"
    assert try_acquire(engine=db, holder=a, ttl_s=60)
    assert not try_acquire(engine=db, holder=b, ttl_s=60)
    assert try_acquire(engine=db, holder=a, ttl_s=60)  # re-entrant for its holder
    holder = current_holder(engine=db)
    assert holder is not None and holder.holder == a
    # expired: anyone may take it, and the old holder's heartbeat says it lost it
    later = utcnow() + timedelta(seconds=61)
    assert try_acquire(engine=db, holder=b, ttl_s=60, now=later)
    with pytest.raises(LeaseHeld, match="lost"):
        Lease(engine=db, holder=a, ttl_s=60).heartbeat()
    Lease(engine=db, holder=b, ttl_s=60).heartbeat(sweep_id=7)
    holder = current_holder(engine=db)
    assert holder is not None and (holder.holder, holder.sweep_id) == (b, 7)
    Lease(engine=db, holder=b, ttl_s=60).release()
    assert current_holder(engine=db) is None


def test_concurrent_takers_exactly_one_wins(db: Engine) -> None:
    barrier = threading.Barrier(6)
    wins: list[str] = []

    def take(i: int) -> None:
        holder = f"host:{i}:z"
        barrier.wait()
        if try_acquire(engine=db, holder=holder, ttl_s=60):
            wins.append(holder)

    threads = [threading.Thread(target=take, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(wins) == 1


def test_dead_local_holder_is_taken_over_at_once(db: Engine) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = new_holder().split(":")
    dead[1] = proc.stdout.strip()  # a pid that has exited
    stale = ":".join(dead)
    assert holder_is_dead(stale)
    assert not holder_is_dead(new_holder())  # ourselves
    assert not holder_is_dead("elsewhere:1:abc")  # another host: cannot tell, must expire
    assert try_acquire(engine=db, holder=stale, ttl_s=600)
    with hold_lease(engine=db, ttl_s=60) as lease:
        holder = current_holder(engine=db)
        assert holder is not None and holder.holder == lease.holder
    # a live holder elsewhere is respected
    assert try_acquire(engine=db, holder="elsewhere:1:abc", ttl_s=600)
    with pytest.raises(LeaseHeld, match="elsewhere:1:abc"), hold_lease(engine=db, ttl_s=60):
        pass
