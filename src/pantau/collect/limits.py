"""Rate limits and circuit breakers, with an injectable clock.

- :class:`TokenBucket`: ``rate`` tokens per second up to ``burst``; :meth:`TokenBucket.acquire`
  waits (through the clock) until a token is free, plus a random jitter so that requests do not
  fall on a regular beat a platform could fingerprint.
- :class:`RateLimiter`: one bucket per platform and one per monitoring session; a request takes a
  token from both.
- :class:`CircuitBreaker`: per platform; ``closed`` -> ``open`` after ``threshold`` consecutive
  failures, ``open`` refuses calls (:class:`~pantau.errors.CircuitOpenError`) until ``cooldown``
  has passed, then ``half_open`` lets one trial call through: success closes it, failure opens it
  again for another cool-down.

Everything here is thread-safe and uses :class:`Clock`, so tests drive time by hand.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pantau.errors import CircuitOpenError

BreakerState = Literal["closed", "open", "half_open"]


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock that only moves when told to (``sleep`` advances it instantly)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    burst: int
    clock: Clock = field(default_factory=SystemClock)
    jitter_s: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst >= 1")
        self._tokens = float(self.burst)
        self._stamp = self.clock.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until a token is free (0 when one is free now); takes nothing."""
        with self._lock:
            self._refill()
            return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def reserve(self) -> float:
        """Take a token now (possibly going into debt) and return how long to wait for it.

        Reserving instead of sleeping under the lock lets concurrent callers queue fairly.
        """
        with self._lock:
            self._refill()
            self._tokens -= 1
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait > 0 and self.jitter_s > 0:
            wait += self.rng.uniform(0, self.jitter_s)
        return wait

    def acquire(self) -> float:
        """Wait until a token is ours; returns the seconds waited."""
        wait = self.reserve()
        self.clock.sleep(wait)
        return wait


class RateLimiter:
    """Token buckets per platform and per monitoring session."""

    def __init__(
        self,
        *,
        platform_rate_per_minute: float,
        session_rate_per_minute: float,
        burst: int,
        jitter_s: float = 0.0,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self._platform_rate = platform_rate_per_minute / 60.0
        self._session_rate = session_rate_per_minute / 60.0
        self._burst = burst
        self._jitter = jitter_s
        self._rng = rng or random.Random()
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, scope: Literal["platform", "session"], name: str) -> TokenBucket:
        with self._lock:
            key = (scope, name)
            if key not in self._buckets:
                rate = self._platform_rate if scope == "platform" else self._session_rate
                self._buckets[key] = TokenBucket(
                    rate, self._burst, self.clock, jitter_s=self._jitter, rng=self._rng
                )
            return self._buckets[key]

    def reserve(self, *, platform: str, session: str) -> float:
        """Take a token from both buckets; the wait is the longer of the two."""
        return max(
            self.bucket("platform", platform).reserve(), self.bucket("session", session).reserve()
        )

    def acquire(self, *, platform: str, session: str) -> float:
        wait = self.reserve(platform=platform, session=session)
        self.clock.sleep(wait)
        return wait


class CircuitBreaker:
    """closed -> open (after ``threshold`` consecutive failures) -> half_open (after cool-down)."""

    def __init__(
        self, *, platform: str, threshold: int, cooldown_s: float, clock: Clock | None = None
    ) -> None:
        self.platform = platform
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.clock = clock or SystemClock()
        self.failures = 0
        self._opened_at: float | None = None
        self._trial_out = False
        self._lock = threading.Lock()

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self.clock.monotonic() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def check(self, item: str = "") -> None:
        """Raise if the breaker is open (a cheap early refusal; takes no half-open trial)."""
        with self._lock:
            if self._state() == "open":
                raise self._refusal(item)

    def _refusal(self, item: str) -> CircuitOpenError:
        assert self._opened_at is not None
        left = self.cooldown_s - (self.clock.monotonic() - self._opened_at)
        return CircuitOpenError(
            f"circuit open after {self.failures} consecutive failures; "
            f"retry in {max(left, 0):.0f}s",
            platform=self.platform,
            item=item,
        )

    def before_call(self, item: str = "") -> None:
        """Raise :class:`CircuitOpenError` unless a call may go through now."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            if state == "half_open" and not self._trial_out:
                self._trial_out = True  # exactly one trial call while half-open
                return
            raise self._refusal(item)

    def record_success(self) -> None:
        with self._lock:
            self.failures = 0
            self._opened_at = None
            self._trial_out = False

    def record_failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self._trial_out or self.failures >= self.threshold:
                self._opened_at = self.clock.monotonic()
            self._trial_out = False


class Breakers:
    """One :class:`CircuitBreaker` per platform, created on first use."""

    def __init__(self, *, threshold: int, cooldown_s: float, clock: Clock | None = None) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.clock = clock or SystemClock()
        self._by_platform: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def __getitem__(self, platform: str) -> CircuitBreaker:
        with self._lock:
            if platform not in self._by_platform:
                self._by_platform[platform] = CircuitBreaker(
                    platform=platform,
                    threshold=self.threshold,
                    cooldown_s=self.cooldown_s,
                    clock=self.clock,
                )
            return self._by_platform[platform]
