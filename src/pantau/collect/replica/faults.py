"""Fault modes: make a route (for one account or all) misbehave the way real platforms do.

A :class:`FaultRule` matches a platform, a route name (``UserTweets``, ``web_profile_info``,
``profile_page``, ... or ``*``) and an account handle or post id (or ``*``); it fires ``times``
times (``None`` = until cleared). The bodies below imitate each platform's own refusal.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from pantau.errors import InputRejected

MODES: tuple[str, ...] = (
    "rate_limit",
    "login_wall",
    "challenge",
    "slow",
    "malformed_json",
    "truncated",
    "empty",
    "reset",
)


@dataclass
class FaultRule:
    platform: str
    mode: str
    route: str = "*"
    account: str = "*"
    times: int | None = None
    delay_s: float = 2.0

    def matches(self, platform: str, route: str, subjects: tuple[str, ...]) -> bool:
        if self.platform not in ("*", platform):
            return False
        if self.route not in ("*", route):
            return False
        wanted = self.account.lower().lstrip("@")
        return wanted == "*" or wanted in {s.lower() for s in subjects}


def rule_from_dict(raw: dict[str, Any]) -> FaultRule:
    mode = str(raw.get("mode", ""))
    if mode not in MODES:
        raise InputRejected(f"fault mode {mode!r} unknown; choose one of {', '.join(MODES)}")
    times = raw.get("times")
    return FaultRule(
        platform=str(raw.get("platform", "*")),
        mode=mode,
        route=str(raw.get("route", "*")),
        account=str(raw.get("account", "*")),
        times=None if times is None else int(times),
        delay_s=float(raw.get("delay_s", 2.0)),
    )


class FaultBook:
    """The active rules; thread-safe because tests change them while the server runs."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, platform: str, route: str, subjects: tuple[str, ...]) -> FaultRule | None:
        """The first matching rule, counting one use of it."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(platform, route, subjects):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self._rules.remove(rule)
                    return rule
        return None


# -- the platforms' own refusal bodies (status, JSON body) ---------------------------------------

RATE_LIMIT_BODY: dict[str, tuple[int, dict[str, Any]]] = {
    "x": (429, {"errors": [{"code": 88, "message": "Rate limit exceeded."}]}),
    "instagram": (
        429,
        {
            "message": "Please wait a few minutes before you try again.",
            "require_login": True,
            "status": "fail",
        },
    ),
    "tiktok": (429, {"statusCode": 10000, "status_code": 10000, "status_msg": "Too many requests"}),
    "facebook": (
        429,
        {
            "error": 1675004,
            "errorSummary": "Rate limit exceeded",
            "errorDescription": "You're temporarily blocked from using this feature.",
            "payload": None,
        },
    ),
}

LOGIN_BODY: dict[str, tuple[int, dict[str, Any]]] = {
    "x": (401, {"errors": [{"code": 32, "message": "Could not authenticate you."}]}),
    "instagram": (
        401,
        {"message": "login_required", "require_login": True, "status": "fail"},
    ),
    "tiktok": (200, {"statusCode": 10201, "status_code": 10201, "status_msg": "login_required"}),
    "facebook": (
        200,
        {
            "error": 1357001,
            "errorSummary": "Not Logged In",
            "errorDescription": "Please log in to continue.",
            "error_type": "login_required",
            "payload": None,
        },
    ),
}

CHALLENGE_BODY: dict[str, tuple[int, dict[str, Any]]] = {
    "x": (
        200,
        {
            "errors": [
                {
                    "code": 326,
                    "message": "To protect our users from spam and other "
                    "malicious activity, this account is temporarily locked.",
                }
            ]
        },
    ),
    "instagram": (
        400,
        {
            "message": "challenge_required",
            "challenge": {
                "url": "https://www.instagram.com/challenge/",
                "api_path": "/challenge/",
                "hide_webview_header": True,
                "lock": True,
                "logout": False,
            },
            "status": "fail",
        },
    ),
    "tiktok": (
        200,
        {
            "statusCode": 10101,
            "status_code": 10101,
            "status_msg": "captcha verify required",
            "verifyConfig": {"type": "verify", "subtype": "slide"},
        },
    ),
    "facebook": (
        200,
        {
            "error": 1357053,
            "errorSummary": "Security Check Required",
            "errorDescription": "Please complete a security check.",
            "error_type": "checkpoint_required",
            "payload": None,
        },
    ),
}


def json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def malformed(body: bytes) -> bytes:
    """A body that looks like JSON but does not parse (an HTML error glued into it)."""
    return body[: max(1, len(body) // 3)] + b"<!DOCTYPE html><html><body>Error</body></html>"


def truncated(body: bytes) -> bytes:
    return body[: max(1, len(body) // 2)]
