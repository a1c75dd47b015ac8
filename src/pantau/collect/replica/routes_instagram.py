"""The replica's routes for Instagram: its pages and the JSON endpoints of its web app.

Each handler names its route (the fault-rule ``route``) and its subjects (handles and ids a fault
rule may target), then lets :meth:`Replica.respond` apply faults and the login check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pantau.collect.replica import client_js, pages
from pantau.collect.replica import render_instagram as ig
from pantau.collect.replica.routes import json_response, query_int

if TYPE_CHECKING:
    from pantau.collect.replica.app import Replica


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
        page_size = query_int(q.get("count"), ig.PAGE_SIZE)

        def answer(
            op: str,
            subjects: tuple[str, ...],
            render: Callable[[], tuple[int, Any]],
            *,
            login: bool = False,
        ) -> Awaitable[Response]:
            """Respond with a rendered ``(status, body)`` through the fault/login checks."""
            return rep.respond(
                request,
                "instagram",
                op,
                subjects,
                lambda: json_response(*reversed(render())),
                login=login,
            )

        def account_subjects(uid: str) -> tuple[str, ...]:
            acc = s.account_by_id("instagram", uid)
            return (uid, acc.handle) if acc else (uid,)

        if path[:2] == ["users", "web_profile_info"]:
            name = q.get("username", "")
            return await answer("web_profile_info", (name,), lambda: ig.web_profile_info(s, name))
        if len(path) == 3 and path[0] == "feed" and path[1] == "user":
            uid = path[2]
            return await answer(
                "feed",
                account_subjects(uid),
                lambda: ig.user_feed(s, uid, max_id=q.get("max_id"), count=page_size),
            )
        if len(path) == 3 and path[0] == "media":
            mid, what = path[1], path[2]
            post = s.post("instagram", mid.split("_", 1)[0])
            subjects = (mid.split("_", 1)[0], post.author) if post else (mid,)
            if what == "info":
                return await answer("media_info", subjects, lambda: ig.media_info(s, mid))
            if what == "comments":
                return await answer(
                    "comments", subjects, lambda: ig.comments(s, mid, min_id=q.get("min_id"))
                )
            if what == "likers":
                return await answer("likers", subjects, lambda: ig.likers(s, mid), login=True)
        if len(path) == 3 and path[0] == "friendships" and path[2] == "following":
            uid = path[1]
            return await answer(
                "following",
                account_subjects(uid),
                lambda: ig.following(s, uid, max_id=q.get("max_id"), count=page_size),
                login=True,
            )
        return json_response({"message": "Page not found", "status": "fail"}, 404)

    return [
        Route("/instagram/api/v1/{rest:path}", api, methods=["GET"]),
        Route("/instagram/p/{code}/", post_page),
        Route("/instagram/p/{code}/{tab}/", post_page),
        Route("/instagram/{handle}/following/", following_page),
        Route("/instagram/{handle}/", profile),
    ]
