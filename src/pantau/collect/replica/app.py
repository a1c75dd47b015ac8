"""The replica server: a Starlette app serving the four platforms under ``/x``, ``/instagram``,
``/tiktok`` and ``/facebook``, plus a fake login per platform and an admin API for faults.

``Replica`` holds the scenario and the fault rules; ``run_replica`` serves it on
``127.0.0.1:0`` in a background thread for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from pantau.collect.replica import faults as fl
from pantau.collect.replica import (
    pages,
    routes_facebook,
    routes_instagram,
    routes_tiktok,
    routes_x,
)
from pantau.collect.replica.scenario import (
    PLATFORMS,
    Account,
    Post,
    Scenario,
    load_scenario,
    make_account,
    make_post,
)
from pantau.errors import CollectError, InputRejected

# The platforms' own session cookie names; each is scoped to its platform's path prefix.
SESSION_COOKIES = {
    "x": "auth_token",
    "instagram": "sessionid",
    "tiktok": "sessionid",
    "facebook": "xs",
}
_RAW_SEND = "pantau.replica.raw_send"
# Where X and Instagram send a logged-out browser (their real login paths, under the prefix).
LOGIN_REDIRECTS = {
    "x": "/i/flow/login?redirect_after_login=",
    "instagram": "/accounts/login/?next=",
}


class Replica:
    """The scenario being served, its fault rules and the ASGI app."""

    # The key only signs the replica's fake sessions; it protects nothing real.
    def __init__(self, scenario: Scenario, *, secret: str = "pantau-replica") -> None:  # noqa: S107
        self.scenario = scenario
        self.faults = fl.FaultBook()
        self._secret = secret.encode()
        self._lock = threading.RLock()
        self.base_url = ""
        for raw in scenario.faults:
            self.faults.add(fl.rule_from_dict(raw))
        self.app = _build_app(self)

    # -- ASGI entry: keep the server's own ``send`` so a fault can reset the connection ----------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_RAW_SEND] = send
        await self.app(scope, receive, send)

    @property
    def base_urls(self) -> dict[str, str]:
        return {p: f"{self.base_url}/{p}" for p in PLATFORMS}

    def scenario_ref(self) -> Scenario:
        with self._lock:
            return self.scenario

    @staticmethod
    def prefix(request: Request, platform: str) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/{platform}"

    # -- Python API ---------------------------------------------------------------------
    def add_post(self, **fields: Any) -> Post:
        """Add a post or comment (``reply_to=``) at run time; returns it with its id.

        ``time`` defaults to now (UTC), so a post added between two runs is newer than both."""
        fields.setdefault("time", datetime.now(UTC).replace(microsecond=0))
        with self._lock:
            return self.scenario.add_post(make_post(fields))

    def add_account(self, **fields: Any) -> Account:
        with self._lock:
            return self.scenario.add_account(make_account(fields))

    def reload(self, path: Path) -> None:
        """Replace the scenario by a file's content (faults from the file are added)."""
        fresh = load_scenario(path)
        with self._lock:
            self.scenario = fresh
        for raw in fresh.faults:
            self.faults.add(fl.rule_from_dict(raw))

    def add_fault(self, platform: str, mode: str, **options: Any) -> fl.FaultRule:
        return self.faults.add(fl.rule_from_dict({"platform": platform, "mode": mode, **options}))

    def clear_faults(self) -> None:
        self.faults.clear()

    def session_value(self, platform: str, user: str = "monitor") -> str:
        sig = hmac.new(self._secret, f"{platform}:{user}".encode(), hashlib.sha256).hexdigest()
        return f"{user}:{sig[:32]}"

    def session_cookie(self, platform: str, user: str = "monitor") -> dict[str, str]:
        """A cookie (name, value, path) a monitoring session can load into its browser."""
        return {
            "name": SESSION_COOKIES[platform],
            "value": self.session_value(platform, user),
            "path": f"/{platform}",
        }

    def logged_in(self, request: Request, platform: str) -> bool:
        value = request.cookies.get(SESSION_COOKIES[platform], "")
        user = value.split(":", 1)[0]
        return bool(user) and hmac.compare_digest(value, self.session_value(platform, user))

    # -- the one place faults and login walls are applied ----------------------------------------
    async def respond(
        self,
        request: Request,
        platform: str,
        route: str,
        subjects: tuple[str, ...],
        make: Callable[[], Response],
        *,
        page: bool = False,
        login: bool = False,
    ) -> Response:
        rule = self.faults.take(platform, route, subjects)
        mode = rule.mode if rule else ""
        if mode == "slow" and rule is not None:
            await asyncio.sleep(rule.delay_s)
        if mode == "reset":
            return _ResetResponse()
        if mode == "rate_limit":
            if page:
                return HTMLResponse(pages.rate_limited_page(platform), 429)
            status, body = fl.RATE_LIMIT_BODY[platform]
            return JSONResponse(
                body, status, headers={"x-rate-limit-remaining": "0", "retry-after": "900"}
            )
        if mode == "challenge":
            if page:
                return HTMLResponse(pages.challenge_page(platform, self.prefix(request, platform)))
            status, body = fl.CHALLENGE_BODY[platform]
            return JSONResponse(body, status)
        if mode == "login_wall" or (login and not self.logged_in(request, platform)):
            return self._login_wall(request, platform, page)
        with self._lock:
            response = make()
        if mode in ("malformed_json", "truncated", "empty"):
            raw = bytes(response.body)
            altered = b""
            if mode == "malformed_json":
                altered = fl.malformed(raw)
            elif mode == "truncated":
                altered = fl.truncated(raw)
            return Response(altered, response.status_code, media_type=response.media_type)
        return response

    def _login_wall(self, request: Request, platform: str, page: bool) -> Response:
        base = self.prefix(request, platform)
        if page:
            if platform in LOGIN_REDIRECTS:
                target = f"{base}{LOGIN_REDIRECTS[platform]}{quote(str(request.url), safe='')}"
                return RedirectResponse(target, 302)
            return HTMLResponse(pages.login_wall(platform, base, str(request.url)))
        status, body = fl.LOGIN_BODY[platform]
        return JSONResponse(body, status)


class _ResetResponse(Response):
    """Abort the TCP connection with a RST (uvicorn's transport); in-process: raise."""

    def __init__(self) -> None:
        super().__init__(b"")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get(_RAW_SEND)
        transport = getattr(getattr(raw, "__self__", None), "transport", None)
        if transport is None:
            raise ConnectionResetError("replica fault: connection reset")
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        # Let the server see the disconnect before this app returns, so it does not try to
        # answer (and log) a 500 on the aborted connection.
        await asyncio.sleep(0.01)


# -- login and admin routes ------------------------------------------------------------------------


def _login_routes(rep: Replica) -> list[Route]:
    async def login(request: Request) -> Response:
        platform = request.path_params["platform"]
        if platform not in PLATFORMS:
            return HTMLResponse(pages.not_found_page("x"), 404)
        if request.method == "GET" and "user" not in request.query_params:
            nxt = request.query_params.get("next", f"/{platform}")
            return HTMLResponse(pages.login_wall(platform, rep.prefix(request, platform), nxt))
        form = await request.form() if request.method == "POST" else {}
        user = str(request.query_params.get("user") or form.get("email") or "monitor")
        nxt = str(form.get("next") or request.query_params.get("next") or f"/{platform}")
        if not nxt.startswith(("/", rep.prefix(request, ""))):
            nxt = f"/{platform}"  # never redirect off the replica
        resp = RedirectResponse(nxt, 303)
        resp.set_cookie(
            SESSION_COOKIES[platform],
            rep.session_value(platform, user),
            path=f"/{platform}",
            httponly=True,
            samesite="lax",
        )
        return resp

    async def login_page(request: Request) -> Response:
        platform = request.url.path.strip("/").split("/")[0]
        nxt = request.query_params.get("redirect_after_login") or request.query_params.get("next")
        return HTMLResponse(pages.login_wall(platform, rep.prefix(request, platform), nxt or "/"))

    return [
        Route("/{platform}/login", login, methods=["GET", "POST"]),
        Route("/x/i/flow/login", login_page),
        Route("/instagram/accounts/login/", login_page),
    ]


def _admin_routes(rep: Replica) -> list[Route]:
    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            rep.clear_faults()
        elif request.method == "POST":
            try:
                rule = fl.rule_from_dict(await request.json())
            except (InputRejected, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, 400)
            rep.faults.add(rule)
        return JSONResponse({"faults": [asdict(r) for r in rep.faults.rules()]})

    async def posts(request: Request) -> Response:
        try:
            post = rep.add_post(**(await request.json()))
        except (InputRejected, KeyError, ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"id": post.id, "platform": post.platform}, 201)

    async def reload(request: Request) -> Response:
        path = request.query_params.get("path") or rep.scenario.source
        try:
            rep.reload(Path(path))
        except InputRejected as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse(
            {"accounts": len(rep.scenario.accounts), "posts": len(rep.scenario.posts)}
        )

    async def index(request: Request) -> Response:
        return JSONResponse(
            {
                "platforms": {p: f"{rep.prefix(request, p)}" for p in PLATFORMS},
                "accounts": len(rep.scenario.accounts),
                "posts": len(rep.scenario.posts),
            }
        )

    return [
        Route("/_admin/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_admin/posts", posts, methods=["POST"]),
        Route("/_admin/reload", reload, methods=["POST"]),
        Route("/", index),
    ]


def _build_app(rep: Replica) -> Starlette:
    table = [
        *_admin_routes(rep),
        *_login_routes(rep),
        *routes_x.x_routes(rep),
        *routes_instagram.instagram_routes(rep),
        *routes_tiktok.tiktok_routes(rep),
        *routes_facebook.facebook_routes(rep),
    ]
    return Starlette(routes=table)


# -- serving ---------------------------------------------------------------------------------------


def serve(replica: Replica, *, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Serve in the foreground (the CLI)."""
    replica.base_url = f"http://{host}:{port}"
    uvicorn.run(replica, host=host, port=port, log_level="warning", access_log=False)


@contextmanager
def run_replica(
    scenario: Scenario | Path | str, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[Replica]:
    """Serve a scenario in a background thread; yields the :class:`Replica` (``base_urls``)."""
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(Path(scenario))
    replica = Replica(scn)
    config = uvicorn.Config(
        replica, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="pantau-replica", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise CollectError(f"replica server did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()
    replica.base_url = f"http://{host}:{bound[1]}"
    try:
        yield replica
    finally:
        server.should_exit = True
        thread.join(timeout=10)
