from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pantau.collect.base import Fetched, RawCapture
from pantau.collect.browser import _wants_more
from pantau.collect.limits import CircuitBreaker, FakeClock
from pantau.collect.records import ParseResult, PostRecord
from pantau.errors import CircuitOpenError

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def page(*posts: PostRecord, cursor: str = "c1") -> tuple[RawCapture, ParseResult]:
    result = ParseResult(
        platform="x",
        op="UserTweets",
        posts=list(posts),
        cursors={"bottom": cursor} if cursor else {},
    )
    return RawCapture(url="u", op="UserTweets", body=repr(posts).encode()), result


def post(pid: str, age_days: float, *, pinned: bool = False) -> PostRecord:
    return PostRecord(
        platform="x",
        post_id=pid,
        author_id="1",
        created_at=T0 - timedelta(days=age_days),
        is_pinned=pinned,
    )


def fetched(*captures: tuple[RawCapture, ParseResult]) -> Fetched:
    return Fetched("x", "posts", "someone", captures=list(captures))


def test_first_run_reads_while_there_is_a_cursor() -> None:
    assert _wants_more(fetched(page(post("1", 1))), None)
    assert not _wants_more(fetched(page(post("1", 1), cursor="")), None)


def test_stops_once_past_watermark_minus_overlap() -> None:
    floor = T0 - timedelta(days=3)
    assert _wants_more(fetched(page(post("1", 1), post("2", 2))), floor)
    assert not _wants_more(fetched(page(post("1", 1), post("2", 4))), floor)


def test_old_pinned_post_does_not_stop_pagination() -> None:
    floor = T0 - timedelta(days=3)
    # the pinned post is a year old; the newest posts are still above the floor
    f = fetched(page(post("p", 365, pinned=True), post("1", 1), post("2", 2)))
    assert _wants_more(f, floor)


def test_an_empty_last_page_has_no_cursor_decision_from_older_pages() -> None:
    f = fetched(page(post("1", 1)), page(cursor=""))
    assert not _wants_more(f, None)


def test_check_refuses_while_open_but_leaves_the_half_open_trial() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(platform="x", threshold=1, cooldown_s=5, clock=clock)
    breaker.record_failure()
    with pytest.raises(CircuitOpenError) as info:
        breaker.check("a")
    assert info.value.item == "a"
    clock.advance(5)
    breaker.check("a")  # half-open: no refusal, and no trial taken
    breaker.before_call("a")  # so the trial is still available here
    assert breaker.state == "half_open"
