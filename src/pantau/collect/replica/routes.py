"""The replica's routes, per platform: pages and the JSON endpoints of the real web apps.

Every handler names its route (the fault-rule ``route``) and its subjects (handles and ids a
fault rule may target), then lets :meth:`Replica.respond` apply faults and the login check.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pantau.collect.replica import client_js, pages
from pantau.collect.replica import render_facebook as fb
from pantau.collect.replica import render_instagram as ig
from pantau.collect.replica import render_tiktok as tt
from pantau.collect.replica import render_x as rx

if TYPE_CHECKING:
    from pantau.collect.replica.app import Replica


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status,
        media_type="application/json",
    )


def _vars(request: Request, name: str = "variables") -> dict[str, Any]:
    try:
        value = json.loads(request.query_params.get(name) or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# -- X --------------------------------------------------------------------------------------------


def x_routes(rep: Replica) -> list[BaseRoute]:
    scn = rep.scenario_ref

    def x_page(
        request: Request, kind: str, script: str, params: dict[str, Any], heading: str
    ) -> Response:
        params = {**params, "qids": client_js.X_QUERY_IDS, "features": client_js.X_FEATURES}
        return HTMLResponse(
            pages.page(
                platform="x",
                kind=kind,
                base=rep.prefix(request, "x"),
                params=params,
                script=script,
                heading=heading,
            )
        )

    async def profile(request: Request) -> Response:
        handle = request.path_params["handle"]
        tab = request.path_params.get("tab", "")
        login = tab in ("with_replies", "following")
        route = {"": "profile_page", "with_replies": "replies_page", "following": "following_page"}
        if tab not in route:
            return HTMLResponse(pages.not_found_page("x"), 404)

        def make() -> Response:
            acc = scn().account("x", handle)
            if tab == "following":
                return x_page(
                    request,
                    "following",
                    client_js.X_FOLLOWING,
                    {"handle": handle},
                    f"@{handle} / following",
                )
            op = "UserTweetsAndReplies" if tab == "with_replies" else "UserTweets"
            return x_page(
                request,
                "profile",
                client_js.X_PROFILE,
                {"handle": handle, "op": op},
                acc.name if acc else f"@{handle}",
            )

        return await rep.respond(request, "x", route[tab], (handle,), make, page=True, login=login)

    async def status(request: Request) -> Response:
        handle, post_id = request.path_params["handle"], request.path_params["post_id"]
        tab = request.path_params.get("tab", "")
        if tab not in ("", "retweets"):
            return HTMLResponse(pages.not_found_page("x"), 404)

        def make() -> Response:
            script = client_js.X_RETWEETS if tab else client_js.X_STATUS
            return x_page(
                request,
                "retweets" if tab else "status",
                script,
                {"handle": handle, "post_id": post_id},
                f"Post {post_id}",
            )

        return await rep.respond(
            request,
            "x",
            "retweets_page" if tab else "post_page",
            (handle, post_id),
            make,
            page=True,
            login=bool(tab),
        )

    async def graphql(request: Request) -> Response:
        op = request.path_params["op"]
        v = _vars(request)
        count = _int(v.get("count"), rx.PAGE_SIZE)
        cursor = v.get("cursor")
        s = scn()
        subjects: tuple[str, ...]
        if op == "UserByScreenName":
            subjects = (str(v.get("screen_name", "")),)
            return await rep.respond(
                request, "x", op, subjects, lambda: _json(rx.user_by_screen_name(s, subjects[0]))
            )
        if op in ("UserTweets", "UserTweetsAndReplies", "Following"):
            user_id = str(v.get("userId", ""))
            acc = s.account_by_id("x", user_id)
            subjects = (user_id, acc.handle) if acc else (user_id,)
            if op == "Following":
                return await rep.respond(
                    request,
                    "x",
                    op,
                    subjects,
                    lambda: _json(rx.following(s, user_id, cursor=cursor, count=count)),
                    login=True,
                )
            return await rep.respond(
                request,
                "x",
                op,
                subjects,
                lambda: _json(
                    rx.user_tweets(
                        s,
                        user_id,
                        cursor=cursor,
                        count=count,
                        with_replies=op == "UserTweetsAndReplies",
                    )
                ),
                login=op == "UserTweetsAndReplies",
            )
        if op in ("TweetDetail", "Retweeters"):
            post_id = str(v.get("focalTweetId") or v.get("tweetId") or "")
            post = s.post("x", post_id)
            subjects = (post_id, post.author) if post else (post_id,)
            if op == "Retweeters":
                return await rep.respond(
                    request,
                    "x",
                    op,
                    subjects,
                    lambda: _json(rx.retweeters(s, post_id, cursor=cursor, count=count)),
                    login=True,
                )
            return await rep.respond(
                request,
                "x",
                op,
                subjects,
                lambda: _json(rx.tweet_detail(s, post_id, cursor=cursor)),
            )
        return _json({"errors": [{"message": f"Unknown operation {op}", "code": 404}]}, 404)

    return [
        Route("/x/i/api/graphql/{qid}/{op}", graphql, methods=["GET"]),
        Route("/x/{handle}/status/{post_id}", status),
        Route("/x/{handle}/status/{post_id}/{tab}", status),
        Route("/x/{handle}", profile),
        Route("/x/{handle}/{tab}", profile),
    ]


# -- Instagram ------------------------------------------------------------------------------------


def instagram_routes(rep: Replica) -> list[BaseRoute]:
    scn = rep.scenario_ref

    def ig_page(
        request: Request, kind: str, script: str, params: dict[str, Any], heading: str
    ) -> Response:
        return HTMLResponse(
            pages.page(
                platform="instagram",
                kind=kind,
                base=rep.prefix(request, "instagram"),
                params=params,
                script=script,
                heading=heading,
            )
        )

    async def profile(request: Request) -> Response:
        handle = request.path_params["handle"]
        return await rep.respond(
            request,
            "instagram",
            "profile_page",
            (handle,),
            lambda: ig_page(
                request, "profile", client_js.IG_PROFILE, {"handle": handle}, f"@{handle}"
            ),
            page=True,
        )

    async def following_page(request: Request) -> Response:
        handle = request.path_params["handle"]
        return await rep.respond(
            request,
            "instagram",
            "following_page",
            (handle,),
            lambda: ig_page(
                request,
                "following",
                client_js.IG_FOLLOWING,
                {"handle": handle},
                f"@{handle} following",
            ),
            page=True,
            login=True,
        )

    async def post_page(request: Request) -> Response:
        code = request.path_params["code"]
        liked_by = request.path_params.get("tab") == "liked_by"
        try:
            pk = ig.pk_from_shortcode(code)
        except ValueError:
            return HTMLResponse(pages.not_found_page("instagram"), 404)
        post = scn().post("instagram", pk)
        subjects = (pk, code, post.author) if post else (pk, code)
        return await rep.respond(
            request,
            "instagram",
            "likers_page" if liked_by else "post_page",
            subjects,
            lambda: ig_page(
                request,
                "post",
                client_js.IG_POST,
                {"media_id": pk, "code": code, "likers": liked_by},
                f"Post {code}",
            ),
            page=True,
            login=liked_by,
        )

    async def api(request: Request) -> Response:
        s = scn()
        path = request.url.path.split("/api/v1/", 1)[1].strip("/").split("/")
        q = request.query_params
        if path[:2] == ["users", "web_profile_info"]:
            name = q.get("username", "")
            return await rep.respond(
                request,
                "instagram",
                "web_profile_info",
                (name,),
                lambda: _json(*reversed(ig.web_profile_info(s, name))),
            )
        if len(path) == 3 and path[0] == "feed" and path[1] == "user":
            uid = path[2]
            acc = s.account_by_id("instagram", uid)
            return await rep.respond(
                request,
                "instagram",
                "feed",
                (uid, acc.handle) if acc else (uid,),
                lambda: _json(
                    *reversed(
                        ig.user_feed(
                            s, uid, max_id=q.get("max_id"), count=_int(q.get("count"), ig.PAGE_SIZE)
                        )
                    )
                ),
            )
        if len(path) == 3 and path[0] == "media":
            mid, what = path[1], path[2]
            post = s.post("instagram", mid.split("_", 1)[0])
            subjects = (mid.split("_", 1)[0], post.author) if post else (mid,)
            if what == "info":
                return await rep.respond(
                    request,
                    "instagram",
                    "media_info",
                    subjects,
                    lambda: _json(*reversed(ig.media_info(s, mid))),
                )
            if what == "comments":
                return await rep.respond(
                    request,
                    "instagram",
                    "comments",
                    subjects,
                    lambda: _json(*reversed(ig.comments(s, mid, min_id=q.get("min_id")))),
                )
            if what == "likers":
                return await rep.respond(
                    request,
                    "instagram",
                    "likers",
                    subjects,
                    lambda: _json(*reversed(ig.likers(s, mid))),
                    login=True,
                )
        if len(path) == 3 and path[0] == "friendships" and path[2] == "following":
            uid = path[1]
            acc = s.account_by_id("instagram", uid)
            return await rep.respond(
                request,
                "instagram",
                "following",
                (uid, acc.handle) if acc else (uid,),
                lambda: _json(
                    *reversed(
                        ig.following(
                            s, uid, max_id=q.get("max_id"), count=_int(q.get("count"), ig.PAGE_SIZE)
                        )
                    )
                ),
                login=True,
            )
        return _json({"message": "Page not found", "status": "fail"}, 404)

    return [
        Route("/instagram/api/v1/{rest:path}", api, methods=["GET"]),
        Route("/instagram/p/{code}/", post_page),
        Route("/instagram/p/{code}/{tab}/", post_page),
        Route("/instagram/{handle}/following/", following_page),
        Route("/instagram/{handle}/", profile),
    ]


# -- TikTok ---------------------------------------------------------------------------------------


def tiktok_routes(rep: Replica) -> list[BaseRoute]:
    scn = rep.scenario_ref

    def tt_page(
        request: Request,
        kind: str,
        script: str,
        params: dict[str, Any],
        heading: str,
        scope: dict[str, Any],
    ) -> Response:
        universal = {
            "__DEFAULT_SCOPE__": {
                "webapp.app-context": {"language": "id-ID", "region": "ID", "user": {}},
                **scope,
            }
        }
        return HTMLResponse(
            pages.page(
                platform="tiktok",
                kind=kind,
                base=rep.prefix(request, "tiktok"),
                params=params,
                script=script,
                heading=heading,
                universal=universal,
            )
        )

    def handle_of(request: Request) -> str:
        raw = str(request.path_params["handle"])
        return raw[1:] if raw.startswith("@") else raw

    async def profile(request: Request) -> Response:
        raw = request.path_params["handle"]
        if not raw.startswith("@"):
            return HTMLResponse(pages.not_found_page("tiktok"), 404)
        handle = handle_of(request)

        def make() -> Response:
            acc = scn().account("tiktok", handle)
            sec = acc.sec_uid if acc and acc.exists else ""
            return tt_page(
                request,
                "profile",
                client_js.TT_PROFILE,
                {"handle": handle, "sec_uid": sec},
                f"@{handle}",
                {"webapp.user-detail": tt.user_detail_scope(scn(), handle)},
            )

        return await rep.respond(request, "tiktok", "profile_page", (handle,), make, page=True)

    async def following_page(request: Request) -> Response:
        handle = handle_of(request)

        def make() -> Response:
            acc = scn().account("tiktok", handle)
            sec = acc.sec_uid if acc and acc.exists else ""
            return tt_page(
                request,
                "following",
                client_js.TT_FOLLOWING,
                {"handle": handle, "sec_uid": sec},
                f"@{handle} following",
                {"webapp.user-detail": tt.user_detail_scope(scn(), handle)},
            )

        return await rep.respond(
            request, "tiktok", "following_page", (handle,), make, page=True, login=True
        )

    async def video(request: Request) -> Response:
        handle, post_id = handle_of(request), request.path_params["post_id"]
        return await rep.respond(
            request,
            "tiktok",
            "video_page",
            (handle, post_id),
            lambda: tt_page(
                request,
                "video",
                client_js.TT_VIDEO,
                {"handle": handle, "post_id": post_id},
                f"Video {post_id}",
                {"webapp.video-detail": tt.video_detail_scope(scn(), post_id)},
            ),
            page=True,
        )

    def _sec_subjects(sec: str) -> tuple[str, ...]:
        acc = scn().account_by_id("tiktok", sec)
        return (sec, acc.handle, acc.id) if acc else (sec,)

    async def item_list(request: Request) -> Response:
        q = request.query_params
        sec = q.get("secUid", "")
        return await rep.respond(
            request,
            "tiktok",
            "item_list",
            _sec_subjects(sec),
            lambda: _json(
                tt.item_list(scn(), sec, cursor=q.get("cursor"), count=_int(q.get("count"), 30))
            ),
        )

    async def reposts(request: Request) -> Response:
        q = request.query_params
        sec = q.get("secUid", "")
        return await rep.respond(
            request,
            "tiktok",
            "repost_list",
            _sec_subjects(sec),
            lambda: _json(
                tt.item_list(
                    scn(), sec, cursor=q.get("cursor"), count=_int(q.get("count"), 30), reposts=True
                )
            ),
        )

    async def favorites(request: Request) -> Response:
        q = request.query_params
        sec = q.get("secUid", "")
        return await rep.respond(
            request,
            "tiktok",
            "favorite_list",
            _sec_subjects(sec),
            lambda: _json(
                tt.favorite_list(scn(), sec, cursor=q.get("cursor"), count=_int(q.get("count"), 30))
            ),
        )

    async def comment_list(request: Request) -> Response:
        q = request.query_params
        aweme = q.get("aweme_id", "")
        post = scn().post("tiktok", aweme)
        subjects = (aweme, post.author) if post else (aweme,)
        return await rep.respond(
            request,
            "tiktok",
            "comment_list",
            subjects,
            lambda: _json(
                tt.comment_list(
                    scn(), aweme, cursor=q.get("cursor"), count=_int(q.get("count"), 20)
                )
            ),
        )

    async def user_list(request: Request) -> Response:
        q = request.query_params
        sec = q.get("secUid", "")
        return await rep.respond(
            request,
            "tiktok",
            "user_list",
            _sec_subjects(sec),
            lambda: _json(
                tt.following_list(
                    scn(), sec, min_cursor=q.get("minCursor"), count=_int(q.get("count"), 30)
                )
            ),
            login=True,
        )

    return [
        Route("/tiktok/api/post/item_list/", item_list),
        Route("/tiktok/api/favorite/item_list/", favorites),
        Route("/tiktok/api/repost/item_list/", reposts),
        Route("/tiktok/api/comment/list/", comment_list),
        Route("/tiktok/api/user/list/", user_list),
        Route("/tiktok/{handle}/video/{post_id}", video),
        Route("/tiktok/{handle}/following", following_page),
        Route("/tiktok/{handle}", profile),
    ]


# -- Facebook -------------------------------------------------------------------------------------

FB_DOC_IDS = {
    "ProfileCometTimelineFeedRefetchQuery": fb.TIMELINE_DOC_ID,
    "CommentsListComponentsPaginationQuery": "9000000000000002",
    "CometUFIReactionsDialogQuery": "9000000000000003",
}


def facebook_routes(rep: Replica) -> list[BaseRoute]:
    scn = rep.scenario_ref

    async def profile(request: Request) -> Response:
        handle = request.path_params["handle"]
        if handle == "profile.php":  # numeric profiles: /profile.php?id=1000...
            handle = request.query_params.get("id", "")

        def make() -> Response:
            acc = scn().account("facebook", handle) or scn().account_by_id("facebook", handle)
            if acc is None or not acc.exists:
                return HTMLResponse(pages.not_found_page("facebook"), 404)
            _, info = fb.timeline_parts(scn(), acc, start=0, size=fb.FIRST_PAGE)
            params = {
                "handle": handle,
                "user_id": acc.id,
                "doc_id": fb.TIMELINE_DOC_ID,
                "end_cursor": info["data"]["page_info"]["end_cursor"],
                "has_next_page": info["data"]["page_info"]["has_next_page"],
            }
            return HTMLResponse(
                pages.page(
                    platform="facebook",
                    kind="profile",
                    base=rep.prefix(request, "facebook"),
                    params=params,
                    script=client_js.FB_PROFILE,
                    heading=acc.name,
                    data_scripts=fb.preload_scripts(scn(), acc),
                )
            )

        return await rep.respond(request, "facebook", "profile_page", (handle,), make, page=True)

    async def post_page(request: Request) -> Response:
        handle, post_id = (
            request.path_params["handle"],
            fb.post_id_of(request.path_params["post_id"]),
        )
        asked = request.query_params.get("reactors") == "1"
        # The reactions dialog needs a session: a logged-in page loads it, ?reactors=1 demands it.
        reactors = asked or rep.logged_in(request, "facebook")

        def make() -> Response:
            post = scn().post("facebook", post_id)
            if post is None:
                return HTMLResponse(pages.not_found_page("facebook"), 404)
            params = {
                "post_id": post_id,
                "feedback_id": fb.b64(f"feedback:{post_id}"),
                "doc_ids": FB_DOC_IDS,
                "reactors": reactors,
            }
            return HTMLResponse(
                pages.page(
                    platform="facebook",
                    kind="post",
                    base=rep.prefix(request, "facebook"),
                    params=params,
                    script=client_js.FB_POST,
                    heading=f"Post {post_id}",
                    sub=post.text,
                )
            )

        return await rep.respond(
            request, "facebook", "post_page", (handle, post_id), make, page=True, login=reactors
        )

    async def graphql(request: Request) -> Response:
        form = await request.form()
        name = str(
            form.get("fb_api_req_friendly_name") or request.headers.get("x-fb-friendly-name", "")
        )
        try:
            v = json.loads(str(form.get("variables") or "{}"))
        except json.JSONDecodeError:
            v = {}
        s = scn()
        count = _int(v.get("count") or v.get("first"), fb.PAGE_SIZE)
        if name == "ProfileCometTimelineFeedRefetchQuery":
            uid = str(v.get("id", ""))
            acc = s.account_by_id("facebook", uid)
            return await rep.respond(
                request,
                "facebook",
                name,
                (uid, acc.handle) if acc else (uid,),
                lambda: Response(
                    fb.timeline_graphql(s, uid, cursor=v.get("cursor"), count=count),
                    media_type="application/json",
                ),
            )
        fid = str(v.get("id") or v.get("feedbackTargetID") or "")
        post = fb._feedback_post(s, fid)
        subjects = (fid, post.id, post.author) if post else (fid,)
        if name == "CommentsListComponentsPaginationQuery":
            return await rep.respond(
                request,
                "facebook",
                name,
                subjects,
                lambda: _json(
                    fb.comments(s, fid, cursor=v.get("cursor") or v.get("after"), count=count)
                ),
            )
        if name == "CometUFIReactionsDialogQuery":
            return await rep.respond(
                request,
                "facebook",
                name,
                subjects,
                lambda: _json(
                    fb.reactors(s, fid, cursor=v.get("cursor") or v.get("after"), count=count)
                ),
                login=True,
            )
        return _json({"errors": [{"message": f"unknown query {name!r}"}]}, 400)

    return [
        Route("/facebook/api/graphql/", graphql, methods=["POST"]),
        Route("/facebook/{handle}/posts/{post_id}", post_page),
        Route("/facebook/{handle}", profile),
    ]
