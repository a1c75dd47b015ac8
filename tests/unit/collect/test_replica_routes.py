"""Replica routes: real shapes, login walls without the session cookie, fault modes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from starlette.testclient import TestClient

from pantau.collect.replica import Replica, run_replica
from pantau.collect.replica.faults import MODES
from pantau.errors import InputRejected
from tests.unit.collect.replica_data import make_scenario, pid, scenario_dict


@pytest.fixture
def replica() -> Replica:
    return Replica(make_scenario())


@pytest.fixture
def client(replica: Replica) -> Iterator[TestClient]:
    with TestClient(replica, raise_server_exceptions=True) as c:
        yield c


def _x(op: str, variables: dict[str, object]) -> str:
    return f"/x/i/api/graphql/anyid/{op}?variables={json.dumps(variables)}&features={{}}"


def test_login_only_routes_answer_with_each_platforms_wall(
    client: TestClient, replica: Replica
) -> None:
    budi = {p: replica.scenario.account(p, "budi.asn") for p in ("x", "instagram", "tiktok")}
    r = client.get(_x("Following", {"userId": budi["x"].id}))  # type: ignore[union-attr]
    assert (r.status_code, r.json()["errors"][0]["code"]) == (401, 32)
    r = client.get(f"/instagram/api/v1/media/{pid('instagram', 2)}/likers/")
    assert (r.status_code, r.json()["message"]) == (401, "login_required")
    r = client.get(f"/tiktok/api/user/list/?secUid={budi['tiktok'].sec_uid}")  # type: ignore[union-attr]
    assert r.json()["statusCode"] == 10201
    r = client.post(
        "/facebook/api/graphql/",
        data={
            "fb_api_req_friendly_name": "CometUFIReactionsDialogQuery",
            "variables": json.dumps({"feedbackTargetID": "x"}),
        },
    )
    assert r.json()["errorSummary"] == "Not Logged In"
    r = client.get("/facebook/budi.asn/posts/1?reactors=1")
    assert 'id="login_form"' in r.text and "<title>Log into Facebook</title>" in r.text
    r = client.get("/x/budi.asn/following", follow_redirects=False)
    assert r.status_code == 302 and "/x/i/flow/login?redirect_after_login=" in r.headers["location"]


def test_fake_login_sets_the_platform_cookie_and_unlocks(
    client: TestClient, replica: Replica
) -> None:
    r = client.post(
        "/instagram/login",
        data={"email": "monitor1", "next": "/instagram/"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/instagram/"
    assert client.cookies.get("sessionid") == replica.session_value("instagram", "monitor1")
    r = client.get(f"/instagram/api/v1/media/{pid('instagram', 2)}/likers/")
    assert r.status_code == 200 and r.json()["user_count"] == 2
    client.cookies.clear()
    client.cookies.set("sessionid", "monitor1:forged", path="/instagram")
    assert client.get(f"/instagram/api/v1/media/{pid('instagram', 2)}/likers/").status_code == 401


def test_pages_embed_data_escaped_and_fetch_the_real_paths(client: TestClient) -> None:
    page = client.get("/tiktok/@budi.asn").text
    assert 'id="__UNIVERSAL_DATA_FOR_REHYDRATION__"' in page
    assert "/api/post/item_list/" in page
    assert "<b>" not in page.split("__UNIVERSAL_DATA_FOR_REHYDRATION__")[1].split("</script>")[0]
    x_page = client.get("/x/budi.asn").text
    assert "/i/api/graphql/" in x_page and "UserTweets" in x_page
    ig_page = client.get("/instagram/budi.asn/").text
    assert "/api/v1/users/web_profile_info/?username=" in ig_page
    fb_page = client.get("/facebook/budi.asn").text
    assert "ProfileCometTimelineFeedQueryRelayPreloader" in fb_page
    assert "</script><b>" not in fb_page  # the post text cannot close the preload script


def test_missing_and_private_accounts(client: TestClient, replica: Replica) -> None:
    r = client.get(_x("UserByScreenName", {"screen_name": "hantu.asn"}))
    assert r.json() == {"data": {}}
    r = client.get("/instagram/api/v1/users/web_profile_info/?username=hantu.asn")
    assert r.status_code == 404
    r = client.get("/instagram/api/v1/users/web_profile_info/?username=rahasia.asn")
    user = r.json()["data"]["user"]
    assert user["is_private"] is True and user["edge_owner_to_timeline_media"]["edges"] == []
    universal = client.get("/tiktok/@hantu.asn").text
    assert '"statusCode": 10202' in universal
    sari = replica.scenario.account("tiktok", "sari.asn")
    ck = replica.session_cookie("tiktok")
    client.cookies.set(ck["name"], ck["value"], path=ck["path"])
    r = client.get(f"/tiktok/api/user/list/?secUid={sari.sec_uid}")  # type: ignore[union-attr]
    assert r.json()["statusCode"] == 10222  # followingVisibility: only me


@pytest.mark.parametrize(
    ("mode", "status", "check"),
    [
        ("rate_limit", 429, lambda r: r.json()["errors"][0]["code"] == 88),
        ("login_wall", 401, lambda r: r.json()["errors"][0]["code"] == 32),
        ("challenge", 200, lambda r: r.json()["errors"][0]["code"] == 326),
        ("empty", 200, lambda r: r.content == b""),
        ("truncated", 200, lambda r: r.content.startswith(b'{"data":') and _bad_json(r)),
        ("malformed_json", 200, lambda r: b"<!DOCTYPE html>" in r.content and _bad_json(r)),
    ],
)
def test_fault_modes_on_one_route_and_account(
    client: TestClient, replica: Replica, mode: str, status: int, check: object
) -> None:
    replica.add_fault("x", mode, route="UserByScreenName", account="budi.asn", times=1)
    r = client.get(_x("UserByScreenName", {"screen_name": "budi.asn"}))
    assert r.status_code == status and check(r)  # type: ignore[operator]
    # other accounts are untouched, and the rule was used up
    other = client.get(_x("UserByScreenName", {"screen_name": "sari.asn"}))
    assert other.json()["data"]["user"]["result"]["core"]["screen_name"] == "sari.asn"
    again = client.get(_x("UserByScreenName", {"screen_name": "budi.asn"}))
    assert again.status_code == 200 and again.json()["data"]["user"]["result"]["rest_id"]


def _bad_json(r: httpx.Response) -> bool:
    try:
        json.loads(r.content)
    except ValueError:
        return True
    return False


def test_platform_specific_rate_limit_and_challenge_bodies(
    client: TestClient, replica: Replica
) -> None:
    replica.add_fault("instagram", "rate_limit", route="web_profile_info")
    r = client.get("/instagram/api/v1/users/web_profile_info/?username=budi.asn")
    assert (r.status_code, r.json()["status"]) == (429, "fail")
    replica.clear_faults()
    replica.add_fault("tiktok", "challenge", route="profile_page")
    r = client.get("/tiktok/@budi.asn")
    assert 'data-page="challenge"' in r.text and "captcha" in r.text
    replica.add_fault("facebook", "login_wall", account="budi.asn")
    assert 'id="login_form"' in client.get("/facebook/budi.asn").text


def test_admin_endpoint_adds_and_clears_faults_and_posts(
    client: TestClient, replica: Replica
) -> None:
    r = client.post(
        "/_admin/faults", json={"platform": "tiktok", "mode": "rate_limit", "route": "item_list"}
    )
    assert r.json()["faults"][0]["mode"] == "rate_limit"
    assert client.post("/_admin/faults", json={"platform": "x", "mode": "nope"}).status_code == 400
    assert client.delete("/_admin/faults").json() == {"faults": []}
    r = client.post(
        "/_admin/posts",
        json={
            "platform": "x",
            "author": "budi.asn",
            "time": "2026-11-20T01:00:00Z",
            "text": "Baru",
        },
    )
    new_id = r.json()["id"]
    budi = replica.scenario.account("x", "budi.asn")
    tweets = client.get(_x("UserTweets", {"userId": budi.id})).text  # type: ignore[union-attr]
    assert f'"rest_id":"{new_id}"' in tweets


def test_add_post_at_run_time_appears_first(client: TestClient, replica: Replica) -> None:
    post = replica.add_post(
        platform="instagram",
        author="budi.asn",
        id=pid("instagram", 900),
        time="2099-12-01T00:00:00Z",
        text="Postingan baru #Pemilu",
    )
    tim = replica.scenario.account("instagram", "budi.asn")
    items = client.get(f"/instagram/api/v1/feed/user/{tim.id}/").json()["items"]  # type: ignore[union-attr]
    assert str(items[0]["pk"]) == post.id and items[0]["caption"]["text"] == post.text
    with pytest.raises(InputRejected):
        replica.add_post(platform="instagram", author="nobody", text="x")
    # without a time, a run-time post is stamped now: after every scenario post but the one
    # dated in the future above
    later = replica.add_post(platform="instagram", author="budi.asn", text="Tanpa waktu")
    order = [p.id for p in replica.scenario.timeline("instagram", "budi.asn")]
    assert order[:2] == [post.id, later.id]


def test_scenario_file_errors_name_section_and_field(tmp_path: Path) -> None:
    data = scenario_dict(posts_per_campaign=2)
    data["posts"].append(
        {"platform": "x", "author": "ghost", "time": "2026-01-01T00:00:00Z", "text": "?"}
    )
    data["likes"].append({"platform": "x", "account": "budi.asn", "post": "123"})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    from pantau.collect.replica import load_scenario

    with pytest.raises(InputRejected) as err:
        load_scenario(path)
    text = str(err.value)
    assert "posts.author" in text and "'ghost'" in text and "likes.post" in text


def test_threaded_server_serves_resets_and_slows(tmp_path: Path) -> None:
    path = tmp_path / "scn.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(posts_per_campaign=3)))
    with run_replica(path) as rep:
        assert set(rep.base_urls) == {"x", "instagram", "tiktok", "facebook"}
        base = rep.base_urls["instagram"]
        ok = httpx.get(f"{base}/api/v1/users/web_profile_info/?username=budi.asn")
        assert ok.json()["data"]["user"]["username"] == "budi.asn"
        rep.add_fault("instagram", "reset", route="web_profile_info", times=1)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base}/api/v1/users/web_profile_info/?username=budi.asn")
        rep.add_fault("instagram", "slow", route="web_profile_info", times=1, delay_s=1.0)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{base}/api/v1/users/web_profile_info/?username=budi.asn", timeout=0.2)
        assert httpx.get(f"{base}/budi.asn/").status_code == 200
    assert set(MODES) >= {"reset", "slow"}
