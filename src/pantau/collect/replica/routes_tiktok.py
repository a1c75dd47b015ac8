"""The replica's routes for TikTok: its pages and the JSON endpoints of its web app.

Each handler names its route (the fault-rule ``route``) and its subjects (handles and ids a fault
rule may target), then lets :meth:`Replica.respond` apply faults and the login check.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pantau.collect.replica import client_js, pages
from pantau.collect.replica import render_tiktok as tt
from pantau.collect.replica.routes import json_response, query_int

if TYPE_CHECKING:
    from pantau.collect.replica.app import Replica

Endpoint = Callable[[Request], Awaitable[Response]]


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

    def _account_list(op: str, render: Callable[..., dict[str, Any]]) -> Endpoint:
        """An account-keyed list (videos, reposts, liked videos), paged by ``cursor``."""

        async def endpoint(request: Request) -> Response:
            q = request.query_params
            sec = q.get("secUid", "")
            return await rep.respond(
                request,
                "tiktok",
                op,
                _sec_subjects(sec),
                lambda: json_response(
                    render(scn(), sec, cursor=q.get("cursor"), count=query_int(q.get("count"), 30))
                ),
            )

        return endpoint

    item_list = _account_list("item_list", tt.item_list)
    reposts = _account_list("repost_list", functools.partial(tt.item_list, reposts=True))
    favorites = _account_list("favorite_list", tt.favorite_list)

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
            lambda: json_response(
                tt.comment_list(
                    scn(), aweme, cursor=q.get("cursor"), count=query_int(q.get("count"), 20)
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
            lambda: json_response(
                tt.following_list(
                    scn(), sec, min_cursor=q.get("minCursor"), count=query_int(q.get("count"), 30)
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
