"""X parser: conformance on the real captures (shared fixtures) and on our own small ones."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pantau.collect.parse import parse_capture
from pantau.collect.records import WALL_RATE_LIMIT
from pantau.errors import ParseError
from tests.unit.collect.parse_support import own, real

RETWEETERS_URL = (
    "https://x.com/i/api/graphql/_wJOTLm5HMqNdcr1nGWlyA/Retweeters"
    "?variables=%7B%22tweetId%22%3A%221649191520250245121%22%2C%22count%22%3A20%7D"
)


# -- our fixtures -------------------------------------------------------------------------


def test_user_2026_schema_reads_core_and_counts() -> None:
    (account,) = own("x", "user_by_screen_name_2026.json").accounts
    assert account.account_id == "1700000000000000001"
    assert account.handle == "budi_asn_demo"
    assert account.display_name == "Budi Contoh"
    assert account.bio == "Bio of Budi Contoh"
    assert account.url == "https://x.com/budi_asn_demo"
    assert (account.followers_count, account.following_count, account.posts_count) == (120, 80, 42)
    assert account.created_at == datetime(2017, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert account.is_private is False


def test_user_2024_legacy_schema_reads_legacy_fields() -> None:
    (account,) = own("x", "user_by_screen_name_2024.json").accounts
    assert account.account_id == "1700000000000000001"
    assert account.handle == "budi_asn_demo"
    assert account.bio == "Bio lama"
    assert (account.followers_count, account.following_count, account.posts_count) == (99, 77, 40)
    assert account.is_private is True
    assert account.avatar_url == "https://pbs.example/old.jpg"


def test_timeline_kinds_pinned_cursors_and_edges() -> None:
    result = own("x", "user_tweets.json")
    posts = {p.post_id: p for p in result.posts}
    repost = posts["1800000000000000011"]
    assert repost.kind == "repost"
    assert repost.reposted_post_id == "1800000000000000010"
    assert posts["1800000000000000010"].author_id == "1700000000000000002"
    assert posts["1800000000000000010"].hashtags == ("PilkadaDemo",)
    quote = posts["1800000000000000012"]
    assert (quote.kind, quote.quoted_post_id) == ("quote", "1800000000000000010")
    assert quote.links == ("https://example.org/berita",)
    reply = posts["1800000000000000013"]
    assert (reply.kind, reply.parent_post_id, reply.root_post_id) == (
        "reply",
        "1800000000000000099",
        "1800000000000000099",
    )
    pinned = posts["1800000000000000014"]
    assert pinned.is_pinned is True
    assert pinned.text == "Selamat datang di akun saya (versi panjang)"  # note_tweet wins
    assert [p.post_id for p in result.posts if p.is_pinned] == ["1800000000000000014"]
    assert result.cursors == {"top": "TOPCURSOR-demo", "bottom": "BOTTOMCURSOR-demo"}
    edges = {(e.actor_id, e.verb, e.target_id) for e in result.edges}
    assert ("1700000000000000001", "repost", "1800000000000000010") in edges
    assert ("1700000000000000001", "quote", "1800000000000000010") in edges
    assert ("1700000000000000001", "comment", "1800000000000000099") in edges
    # "who to follow" suggestions are not the account's data
    assert "1700000000000000003" not in {a.account_id for a in result.accounts}


def test_repost_counts_stay_on_the_original() -> None:
    result = own("x", "user_tweets.json")
    by_post = {m.post_id: m for m in result.metrics}
    assert "1800000000000000011" not in by_post
    original = by_post["1800000000000000010"]
    assert (original.likes, original.comments, original.reposts_shares) == (7, 2, 3)
    assert (original.quotes, original.views, original.saves) == (1, 120, 0)


def test_following_needs_a_subject_for_edges() -> None:
    without = own("x", "following.json", op="Following")
    assert without.edges == [] and len(without.accounts) == 2
    with_subject = own("x", "following.json", op="Following", subject_id="1700000000000000001")
    assert sorted((e.actor_id, e.verb, e.target_id) for e in with_subject.edges) == [
        ("1700000000000000001", "follow", "1700000000000000002"),
        ("1700000000000000001", "follow", "1700000000000000003"),
    ]
    followers = own("x", "following.json", op="Followers", subject_id="1700000000000000001")
    assert {e.target_id for e in followers.edges} == {"1700000000000000001"}


def test_missing_tweet_id_is_a_parse_error_naming_the_platform() -> None:
    tweet = {"__typename": "Tweet", "legacy": {"full_text": "no id"}}
    item = {"itemType": "TimelineTweet", "tweet_results": {"result": tweet}}
    entries = [{"entryId": "tweet-1", "content": {"itemContent": item}}]
    timeline = {"instructions": [{"type": "TimelineAddEntries", "entries": entries}]}
    body = json.dumps({"data": {"user": {"result": {"timeline": {"timeline": timeline}}}}})
    with pytest.raises(ParseError, match=r"\[x:") as info:
        parse_capture("x", body)
    assert info.value.platform == "x"


def test_not_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        parse_capture("x", b"{truncated")


def test_the_page_document_yields_nothing() -> None:
    result = parse_capture("x", b"<!DOCTYPE html><html><body>app shell</body></html>")
    assert result.is_empty and result.op == "page"


def test_lenient_fields_fall_back_instead_of_failing() -> None:
    body = (
        b'{"data":{"user":{"result":{"__typename":"User","rest_id":"42","core":{},"legacy":{}}}}}'
    )
    (account,) = parse_capture("x", body).accounts
    assert (account.account_id, account.handle, account.followers_count) == ("42", "", None)


# -- real captures ------------------------------------------------------------------------


def test_real_user_tweets_reposts_become_shares(shared_dir: Path) -> None:
    result = real(shared_dir, "x", "twscrape_raw_user_tweets.json")
    assert result.op == "UserTweets"
    reposts = [p for p in result.posts if p.kind == "repost"]
    assert len(reposts) == 16
    assert all(p.author_id == "2244994945" and p.reposted_post_id for p in reposts)
    first = next(p for p in reposts if p.post_id == "2083305234688803178")
    assert first.reposted_post_id == "2083289084567724316"
    assert first.mentions == ("benjitaylor",)
    assert len([e for e in result.edges if e.verb == "repost"]) == 16
    assert [p.post_id for p in result.posts if p.is_pinned] == ["2019881223666233717"]
    assert result.cursors["top"].startswith("DAAHCgABHPEX6f7AJxELAAIAAAATMj")
    assert result.cursors["bottom"].startswith("DAAHCgABHPEX6f6__-sLAAIAAAATMj")
    original = next(m for m in result.metrics if m.post_id == "2083289084567724316")
    assert (original.likes, original.views) == (674, 104358)


def test_real_user_by_login_both_schemas(shared_dir: Path) -> None:
    (new,) = real(shared_dir, "x", "twscrape_raw_user_by_login.json").accounts
    (old,) = real(shared_dir, "x", "twscrape_raw_user_by_login_legacy_2024-04.json").accounts
    assert new.account_id == old.account_id == "2244994945"
    assert new.handle == old.handle == "XDevelopers"
    assert (new.followers_count, new.following_count, new.posts_count) == (695695, 762, 4319)
    assert (old.followers_count, old.following_count, old.posts_count) == (624633, 1767, 4047)
    assert new.created_at == old.created_at == datetime(2013, 12, 14, 4, 35, 55, tzinfo=UTC)


def test_real_tweet_detail_replies_are_comments(shared_dir: Path) -> None:
    result = real(shared_dir, "x", "twscrape_raw_tweet_details.json")
    kinds = Counter(p.kind for p in result.posts)
    assert kinds == {"reply": 36, "original": 1}
    root = next(p for p in result.posts if p.kind == "original")
    assert root.post_id == "1649191520250245121"
    assert all(e.verb == "comment" for e in result.edges)
    assert "bottom" in result.cursors


def test_real_replies_timeline_has_the_users_replies(shared_dir: Path) -> None:
    result = real(shared_dir, "x", "twscrape_raw_user_tweets_and_replies.json")
    replies = [p for p in result.posts if p.kind == "reply" and p.author_id == "2244994945"]
    assert replies and all(p.parent_post_id for p in replies)


def test_real_retweeters_are_repost_edges_on_the_post(shared_dir: Path) -> None:
    result = real(shared_dir, "x", "twscrape_raw_retweeters.json", url=RETWEETERS_URL)
    assert result.op == "Retweeters"
    assert len(result.accounts) == 19
    assert len(result.edges) == 19
    assert {(e.verb, e.target_type, e.target_id) for e in result.edges} == {
        ("repost", "post", "1649191520250245121")
    }
    assert {"top", "bottom"} <= set(result.cursors)


def test_real_following_and_followers(shared_dir: Path) -> None:
    following = real(
        shared_dir, "x", "twscrape_raw_following.json", op="Following", subject_id="2244994945"
    )
    assert len(following.edges) == 60
    assert {e.actor_id for e in following.edges} == {"2244994945"}
    followers = real(
        shared_dir, "x", "twscrape_raw_followers.json", op="Followers", subject_id="2244994945"
    )
    assert followers.edges and {e.target_id for e in followers.edges} == {"2244994945"}


def test_real_historic_favoriters_and_likes(shared_dir: Path) -> None:
    favoriters = real(
        shared_dir, "x", "twscrape_raw_favoriters_2024-04.json", subject_id="1649191520250245121"
    )
    assert favoriters.op == "Favoriters"
    assert len(favoriters.edges) == len(favoriters.accounts) == 20
    assert {e.verb for e in favoriters.edges} == {"like"}
    likes = real(
        shared_dir, "x", "twscrape_raw_likes_2024-04.json", op="Likes", subject_id="2244994945"
    )
    liked = [e for e in likes.edges if e.verb == "like"]
    assert liked and {e.actor_id for e in liked} == {"2244994945"}


def test_real_search_and_media(shared_dir: Path) -> None:
    search = real(shared_dir, "x", "twscrape_raw_search.json")
    assert search.op == "SearchTimeline" and len(search.posts) == 25
    media = real(shared_dir, "x", "twscrape_raw_user_media.json")
    assert any(p.media for p in media.posts)


def test_real_oembed_and_error_bodies(shared_dir: Path) -> None:
    oembed = real(shared_dir, "x", "pender_twitter-item-response-success.json")
    (post,) = oembed.posts
    assert (post.post_id, post.author_handle, post.lang) == ("1968558229253931230", "vpotti", "en")
    assert post.text.startswith("Youths!")
    error = real(shared_dir, "x", "pender_twitter-item-response-error.json")
    assert error.is_empty and error.wall == WALL_RATE_LIMIT


def test_op_given_as_graphql_path_is_reduced_to_its_name() -> None:
    result = own(
        "x", "following.json", op="graphql/b8XpwALENnJdFSHchkK6rw/Following", subject_id="1"
    )
    assert result.op == "Following"
    assert {e.actor_id for e in result.edges} == {"1"}


def test_real_repost_of_a_quote_is_not_the_reposters_quote(shared_dir: Path) -> None:
    result = real(shared_dir, "x", "twscrape_raw_user_tweets.json")
    posts = {p.post_id: p for p in result.posts}
    repost = posts["2082669627528601817"]
    assert (repost.kind, repost.quoted_post_id) == ("repost", None)
    assert posts[repost.reposted_post_id or ""].quoted_post_id == "2082640274845811115"
    # Every quote edge comes from a post of kind quote by that actor, and nothing else.
    quotes = {(p.author_id, p.quoted_post_id) for p in result.posts if p.kind == "quote"}
    edges = {(e.actor_id, e.target_id) for e in result.edges if e.verb == "quote"}
    assert edges == quotes
    assert len([p for p in result.posts if p.kind == "quote"]) == 14
