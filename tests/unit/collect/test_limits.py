from __future__ import annotations

import random

import pytest

from pantau.collect.limits import Breakers, CircuitBreaker, FakeClock, RateLimiter, TokenBucket
from pantau.errors import CircuitOpenError


def test_bucket_allows_burst_then_paces_at_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    # tokens 4 and 5 each wait half a second (2 per second), one after the other
    assert waits[3:] == pytest.approx([0.5, 0.5])
    assert clock.now == pytest.approx(1.0)


def test_bucket_refills_while_idle_but_not_past_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    bucket.acquire()
    bucket.acquire()
    assert bucket.wait_time() == pytest.approx(1.0)
    clock.advance(100)
    assert [bucket.acquire(), bucket.acquire()] == [0.0, 0.0]
    assert bucket.acquire() == pytest.approx(1.0)


def test_jitter_only_when_waiting_and_bounded() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock, jitter_s=0.5, rng=random.Random(7))
    assert bucket.acquire() == 0.0
    waits = []
    for _ in range(20):
        waits.append(bucket.acquire())
        clock.advance(0)  # no free time: every call waits its token
    # each wait is the base second (less the jitter already slept) plus up to 0.5 s of jitter
    assert all(w <= 1.5 + 1e-9 for w in waits)
    assert len({round(w, 6) for w in waits}) > 1


def test_rate_limiter_takes_the_slower_of_platform_and_session() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        platform_rate_per_minute=60, session_rate_per_minute=30, burst=1, clock=clock
    )
    assert limiter.reserve(platform="x", session="s1") == 0.0
    # the session bucket (30/min = one per 2 s) is the binding one
    assert limiter.reserve(platform="x", session="s1") == pytest.approx(2.0)
    # another session on the same platform queues behind the platform bucket only (two
    # tokens already taken at one per second)
    assert limiter.reserve(platform="x", session="s2") == pytest.approx(2.0)
    assert limiter.reserve(platform="x", session="s3") == pytest.approx(3.0)
    # another platform is independent
    assert limiter.reserve(platform="tiktok", session="s4") == 0.0


def test_breaker_opens_after_threshold_and_refuses() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(platform="x", threshold=3, cooldown_s=60, clock=clock)
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError) as info:
        breaker.before_call("someone")
    assert info.value.platform == "x"
    assert info.value.item == "someone"
    assert info.value.reason == "circuit_open"


def test_breaker_half_open_allows_one_trial_success_closes() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(platform="x", threshold=1, cooldown_s=60, clock=clock)
    breaker.record_failure()
    clock.advance(59.9)
    assert breaker.state == "open"
    clock.advance(0.2)
    assert breaker.state == "half_open"
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # only one trial at a time
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.failures == 0
    breaker.before_call()


def test_breaker_failed_trial_reopens_for_a_full_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(platform="ig", threshold=2, cooldown_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(10)
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.advance(9)
    assert breaker.state == "open"
    clock.advance(1)
    assert breaker.state == "half_open"


def test_success_resets_consecutive_failures() -> None:
    breaker = CircuitBreaker(platform="x", threshold=2, cooldown_s=10, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_breakers_are_per_platform() -> None:
    breakers = Breakers(threshold=1, cooldown_s=10, clock=FakeClock())
    breakers["x"].record_failure()
    assert breakers["x"].state == "open"
    assert breakers["tiktok"].state == "closed"
    assert breakers["x"] is breakers["x"]
