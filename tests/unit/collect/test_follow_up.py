"""Pages chain their data requests; collectors declare which responses a follow-up must come
after, so that collection waits for the timeline instead of trusting a quiet period."""

from __future__ import annotations

import pytest

from pantau.collect.base import collector_for
from pantau.collect.records import AccountRecord, ParseResult


def _result(platform: str, *, private: bool | None) -> ParseResult:
    accounts = (
        ()
        if private is None
        else (AccountRecord(platform=platform, account_id="123", handle="asn", is_private=private),)
    )
    return ParseResult(platform=platform, op="profile", accounts=accounts)


@pytest.mark.parametrize(
    ("platform", "op", "private", "expected"),
    [
        ("x", "UserByScreenName", False, True),
        ("x", "UserByScreenName", True, False),  # protected: the page stops at the profile
        ("x", "UserByScreenName", None, False),  # not found: nothing follows
        ("x", "UserTweets", False, False),
        ("instagram", "users/web_profile_info", False, True),
        ("instagram", "users/web_profile_info", True, False),
        ("instagram", "feed/user/{id}", False, False),
        ("tiktok", "post/item_list", False, False),
        ("facebook", "graphql", False, False),
    ],
)
def test_follow_up_is_awaited_only_after_a_leading_op_with_a_public_account(
    platform: str, op: str, private: bool | None, expected: bool
) -> None:
    collector = collector_for(platform, base_url="http://127.0.0.1:9/" + platform)
    assert collector.awaits_follow_up(op, _result(platform, private=private)) is expected
