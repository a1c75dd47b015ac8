"""The parsers read the replica's payloads into exactly the scenario's records."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from pantau.collect.parse import parse_capture
from pantau.collect.replica import Replica
from pantau.collect.replica import render_facebook as fb
from pantau.collect.replica.scenario import Scenario
from tests.unit.collect.replica_data import make_scenario, pid


@pytest.fixture
def replica() -> Replica:
    return Replica(make_scenario())


@pytest.fixture
def client(replica: Replica) -> Iterator[TestClient]:
    with TestClient(replica) as c:
        for platform in ("x", "instagram", "tiktok", "facebook"):
            ck = replica.session_cookie(platform)
            c.cookies.set(ck["name"], ck["value"], path=ck["path"])
        yield c


def _gql(op: str, variables: dict[str, object]) -> str:
    return f"/x/i/api/graphql/abc/{op}?variables={json.dumps(variables)}"


def _ids(scn: Scenario, platform: str, handle: str) -> list[str]:
    return [p.id for p in scn.timeline(platform, handle)]


def test_x_timeline_pages_yield_every_post_once_with_pinned_flag(
    client: TestClient, replica: Replica
) -> None:
    scn = replica.scenario
    tim = scn.account("x", "tim.satu")
    assert tim is not None
    seen: list[str] = []
    pinned: set[str] = set()
    cursor = None
    for _ in range(5):
        variables: dict[str, object] = {"userId": tim.id, "count": 10}
        if cursor:
            variables["cursor"] = cursor
        url = _gql("UserTweets", variables)
        res = parse_capture("x", client.get(url).content, url=url, op="UserTweets")
        page = [p for p in res.posts if p.author_id == tim.id]
        pinned |= {p.post_id for p in page if p.is_pinned}
        new = [p.post_id for p in page if p.post_id not in seen]
        if not new:
            break
        seen += new
        cursor = res.cursors["bottom"]
    assert sorted(seen) == sorted(_ids(scn, "x", "tim.satu"))
    assert pinned == {pid("x", 1)}


def test_x_user_repost_and_quote(client: TestClient, replica: Replica) -> None:
    budi = replica.scenario.account("x", "budi.asn")
    assert budi is not None
    url = _gql("UserTweets", {"userId": budi.id, "count": 20})
    res = parse_capture("x", client.get(url).content, url=url, op="UserTweets")
    mine = {p.post_id: p for p in res.posts if p.author_id == budi.id}
    assert set(mine) == {pid("x", 500), pid("x", 501), pid("x", 502)}
    assert mine[pid("x", 501)].kind == "repost"
    assert mine[pid("x", 501)].reposted_post_id == pid("x", 2)
    assert mine[pid("x", 502)].quoted_post_id == pid("x", 3)
    assert mine[pid("x", 500)].text == "Makan siang </script><b>enak</b>"
    verbs = {(e.verb, e.target_id) for e in res.edges if e.actor_id == budi.id}
    assert verbs == {("repost", pid("x", 2)), ("quote", pid("x", 3))}


def test_x_profile_detail_retweeters_following(client: TestClient, replica: Replica) -> None:
    scn = replica.scenario
    budi, sari, tim = (scn.account("x", h) for h in ("budi.asn", "sari.asn", "tim.satu"))
    assert budi and sari and tim
    url = _gql("UserByScreenName", {"screen_name": "budi.asn"})
    acc = parse_capture("x", client.get(url).content, url=url).accounts[0]
    assert (acc.account_id, acc.handle, acc.display_name, acc.following_count) == (
        budi.id,
        "budi.asn",
        "Budi Santoso",
        2,
    )
    url = _gql("TweetDetail", {"focalTweetId": pid("x", 2)})
    res = parse_capture("x", client.get(url).content, url=url, op="TweetDetail")
    comments = {p.post_id: p for p in res.posts if p.kind == "reply"}
    assert set(comments) == {pid("x", 700), pid("x", 701)}
    assert {p.parent_post_id for p in comments.values()} == {pid("x", 2)}
    assert {(e.actor_id, e.verb) for e in res.edges} == {(budi.id, "comment"), (sari.id, "comment")}
    url = _gql("Retweeters", {"tweetId": pid("x", 2), "count": 20})
    res = parse_capture(
        "x", client.get(url).content, url=url, op="Retweeters", subject_id=pid("x", 2)
    )
    assert {(e.actor_id, e.verb, e.target_id) for e in res.edges} == {
        (budi.id, "repost", pid("x", 2))
    }
    url = _gql("Following", {"userId": budi.id, "count": 20})
    res = parse_capture("x", client.get(url).content, url=url, op="Following", subject_id=budi.id)
    assert {(e.actor_id, e.verb, e.target_id) for e in res.edges} == {
        (budi.id, "follow", tim.id),
        (budi.id, "follow", sari.id),
    }


def test_instagram_profile_feed_media_comments_likers_following(
    client: TestClient, replica: Replica
) -> None:
    scn = replica.scenario
    budi, sari, tim = (scn.account("instagram", h) for h in ("budi.asn", "sari.asn", "tim.satu"))
    assert budi and sari and tim
    res = parse_capture(
        "instagram",
        client.get("/instagram/api/v1/users/web_profile_info/?username=tim.satu").content,
    )
    acc = next(a for a in res.accounts if a.account_id == tim.id)
    assert (acc.handle, acc.posts_count, acc.followers_count) == ("tim.satu", 25, 2)
    seen: list[str] = []
    max_id = ""
    for _ in range(5):
        url = f"/instagram/api/v1/feed/user/{tim.id}/?count=12" + (
            f"&max_id={max_id}" if max_id else ""
        )
        res = parse_capture("instagram", client.get(url).content, url=url)
        seen += [p.post_id for p in res.posts if p.author_id == tim.id]
        max_id = res.cursors.get("next_max_id", "")
        if not max_id:
            break
    assert seen == _ids(scn, "instagram", "tim.satu")
    url = f"/instagram/api/v1/media/{pid('instagram', 2)}/info/"
    res = parse_capture("instagram", client.get(url).content, url=url)
    post = next(p for p in res.posts if p.post_id == pid("instagram", 2))
    assert (post.author_id, post.mentions, post.hashtags) == (tim.id, ("budi.asn",), ("PilihSatu",))
    metrics = next(m for m in res.metrics if m.post_id == pid("instagram", 2))
    assert (metrics.likes, metrics.comments) == (2, 2)
    url = f"/instagram/api/v1/media/{pid('instagram', 2)}/comments/"
    res = parse_capture("instagram", client.get(url).content, url=url)
    assert {(p.post_id, p.author_id, p.text) for p in res.posts} == {
        (pid("instagram", 700), budi.id, "Setuju sekali!"),
        (pid("instagram", 701), sari.id, "Dukung terus"),
    }
    url = f"/instagram/api/v1/media/{pid('instagram', 2)}/likers/"
    res = parse_capture("instagram", client.get(url).content, url=url)
    assert {(e.actor_id, e.verb, e.target_id) for e in res.edges} == {
        (budi.id, "like", pid("instagram", 2)),
        (sari.id, "like", pid("instagram", 2)),
    }
    url = f"/instagram/api/v1/friendships/{budi.id}/following/"
    res = parse_capture("instagram", client.get(url).content, url=url)
    assert {(e.actor_id, e.target_id) for e in res.edges if e.verb == "follow"} == {
        (budi.id, tim.id),
        (budi.id, sari.id),
    }


def test_tiktok_page_items_reposts_comments_following(client: TestClient, replica: Replica) -> None:
    scn = replica.scenario
    budi, sari, tim = (scn.account("tiktok", h) for h in ("budi.asn", "sari.asn", "tim.satu"))
    assert budi and sari and tim
    res = parse_capture("tiktok", client.get("/tiktok/@sari.asn").content)
    acc = res.accounts[0]
    assert (acc.account_id, acc.sec_uid, acc.likes_public, acc.following_public) == (
        sari.id,
        sari.sec_uid,
        True,
        False,
    )
    url = f"/tiktok/api/post/item_list/?secUid={tim.sec_uid}&count=10&cursor=0"
    seen: list[str] = []
    cursor = "0"
    for _ in range(5):
        url = f"/tiktok/api/post/item_list/?secUid={tim.sec_uid}&count=10&cursor={cursor}"
        res = parse_capture("tiktok", client.get(url).content, url=url)
        seen += [p.post_id for p in res.posts]
        cursor = res.cursors.get("cursor", "")
        if not cursor:
            break
    assert seen == _ids(scn, "tiktok", "tim.satu")
    url = f"/tiktok/api/post/item_list/?secUid={budi.sec_uid}&count=30&cursor=0"
    res = parse_capture("tiktok", client.get(url).content, url=url)
    assert [p.post_id for p in res.posts] == [pid("tiktok", 500)]  # reposts have their own tab
    url = f"/tiktok/api/repost/item_list/?secUid={budi.sec_uid}&count=30&cursor=0"
    res = parse_capture("tiktok", client.get(url).content, url=url)
    assert [p.post_id for p in res.posts] == [pid("tiktok", 2)]
    url = f"/tiktok/api/comment/list/?aweme_id={pid('tiktok', 2)}&count=20&cursor=0"
    res = parse_capture("tiktok", client.get(url).content, url=url)
    assert {(p.post_id, p.author_id, p.root_post_id) for p in res.posts} == {
        (pid("tiktok", 700), budi.id, pid("tiktok", 2)),
        (pid("tiktok", 701), sari.id, pid("tiktok", 2)),
    }
    url = f"/tiktok/api/user/list/?secUid={budi.sec_uid}&count=30&minCursor=0&maxCursor=0"
    res = parse_capture("tiktok", client.get(url).content, url=url, subject_id=budi.id)
    assert {(e.actor_id, e.verb, e.target_id) for e in res.edges} == {
        (budi.id, "follow", tim.id),
        (budi.id, "follow", sari.id),
    }


def test_facebook_page_preload_and_graphql_pages(client: TestClient, replica: Replica) -> None:
    scn = replica.scenario
    tim = scn.account("facebook", "tim.satu")
    assert tim is not None
    res = parse_capture("facebook", client.get("/facebook/tim.satu").content)
    seen = [p.post_id for p in res.posts]
    # the first page: the newest stories plus the pinned one shown above the timeline
    assert seen == [*_ids(scn, "facebook", "tim.satu")[: fb.FIRST_PAGE], pid("facebook", 1)]
    cursor = res.cursors.get("next", "")
    for _ in range(20):
        if not cursor:
            break
        body = client.post(
            "/facebook/api/graphql/",
            data={
                "fb_api_req_friendly_name": "ProfileCometTimelineFeedRefetchQuery",
                "doc_id": fb.TIMELINE_DOC_ID,
                "variables": json.dumps({"id": tim.id, "cursor": cursor, "count": 3}),
            },
        ).content
        res = parse_capture("facebook", body, url="/api/graphql/")
        seen += [p.post_id for p in res.posts]
        cursor = res.cursors.get("next", "")
    assert seen == [
        *_ids(scn, "facebook", "tim.satu")[: fb.FIRST_PAGE],
        pid("facebook", 1),
        *_ids(scn, "facebook", "tim.satu")[fb.FIRST_PAGE :],
    ]
    first = parse_capture("facebook", client.get("/facebook/tim.satu").content).posts[0]
    latest = scn.timeline("facebook", "tim.satu")[0]
    assert (first.author_id, first.text, first.created_at) == (tim.id, latest.text, latest.time)


def test_facebook_share_is_a_repost(client: TestClient, replica: Replica) -> None:
    budi = replica.scenario.account("facebook", "budi.asn")
    assert budi is not None
    res = parse_capture("facebook", client.get("/facebook/budi.asn").content)
    share = next(p for p in res.posts if p.post_id == pid("facebook", 501))
    assert share.reposted_post_id == pid("facebook", 2)
