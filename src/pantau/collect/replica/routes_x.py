"""The replica's routes for X: its pages and the JSON endpoints of its web app.

Each handler names its route (the fault-rule ``route``) and its subjects (handles and ids a fault
rule may target), then lets :meth:`Replica.respond` apply faults and the login check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pantau.collect.replica import client_js, pages
from pantau.collect.replica import render_x as rx
from pantau.collect.replica.routes import json_response, query_int, query_json

if TYPE_CHECKING:
    from pantau.collect.replica.app import Replica


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
        v = query_json(request)
        count = query_int(v.get("count"), rx.PAGE_SIZE)
        cursor = v.get("cursor")
        s = scn()
        subjects: tuple[str, ...]
        if op == "UserByScreenName":
            subjects = (str(v.get("screen_name", "")),)
            return await rep.respond(
                request,
                "x",
                op,
                subjects,
                lambda: json_response(rx.user_by_screen_name(s, subjects[0])),
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
                    lambda: json_response(rx.following(s, user_id, cursor=cursor, count=count)),
                    login=True,
                )
            return await rep.respond(
                request,
                "x",
                op,
                subjects,
                lambda: json_response(
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
                    lambda: json_response(rx.retweeters(s, post_id, cursor=cursor, count=count)),
                    login=True,
                )
            return await rep.respond(
                request,
                "x",
                op,
                subjects,
                lambda: json_response(rx.tweet_detail(s, post_id, cursor=cursor)),
            )
        return json_response({"errors": [{"message": f"Unknown operation {op}", "code": 404}]}, 404)

    return [
        Route("/x/i/api/graphql/{qid}/{op}", graphql, methods=["GET"]),
        Route("/x/{handle}/status/{post_id}", status),
        Route("/x/{handle}/status/{post_id}/{tab}", status),
        Route("/x/{handle}", profile),
        Route("/x/{handle}/{tab}", profile),
    ]
