"""The replica's routes for Facebook: its pages and the JSON endpoints of its web app.

Each handler names its route (the fault-rule ``route``) and its subjects (handles and ids a fault
rule may target), then lets :meth:`Replica.respond` apply faults and the login check.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pantau.collect.replica import client_js, pages
from pantau.collect.replica import render_facebook as fb
from pantau.collect.replica.routes import json_response, query_int

if TYPE_CHECKING:
    from pantau.collect.replica.app import Replica


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
        count = query_int(v.get("count") or v.get("first"), fb.PAGE_SIZE)
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
                lambda: json_response(
                    fb.comments(s, fid, cursor=v.get("cursor") or v.get("after"), count=count)
                ),
            )
        if name == "CometUFIReactionsDialogQuery":
            return await rep.respond(
                request,
                "facebook",
                name,
                subjects,
                lambda: json_response(
                    fb.reactors(s, fid, cursor=v.get("cursor") or v.get("after"), count=count)
                ),
                login=True,
            )
        return json_response({"errors": [{"message": f"unknown query {name!r}"}]}, 400)

    return [
        Route("/facebook/api/graphql/", graphql, methods=["POST"]),
        Route("/facebook/{handle}/posts/{post_id}", post_page),
        Route("/facebook/{handle}", profile),
    ]
