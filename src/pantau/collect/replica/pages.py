"""HTML of the replica's pages: app shells whose scripts fetch the JSON routes, login walls,
challenge pages and the fake login form. Scraped text only ever reaches the DOM through
``textContent`` (scripts) or Jinja autoescaping; embedded JSON has ``<`` escaped."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, select_autoescape

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

TITLES = {"x": "X", "instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook"}


def script_json(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` breakout)."""
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# The shared client code: fetch JSON, render text items, load more at the end of the page.
_RUNTIME = """
const R = {
  async get(url, opts) {
    const r = await fetch(url, Object.assign({credentials: 'include'}, opts || {}));
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text.split('\\r\\n')[0]); } catch (e) { body = null; }
    document.body.dataset.lastStatus = String(r.status);
    return {status: r.status, body: body, text: text};
  },
  item(kind, id, author, text) {
    const el = document.createElement('article');
    el.dataset.testid = kind; el.dataset.id = id;
    const a = document.createElement('b'); a.textContent = author; el.appendChild(a);
    const p = document.createElement('p'); p.textContent = text; el.appendChild(p);
    document.getElementById('feed').appendChild(el);
  },
  more: null, busy: false, done: false,
  async next() {
    if (R.busy || R.done || !R.more) return;
    R.busy = true;
    try { if (!(await R.more())) R.done = true; } finally { R.busy = false; }
    document.body.dataset.loaded = R.done ? 'all' : 'page';
  },
};
window.addEventListener('scroll', () => {
  if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) R.next();
});
"""

_PAGE = _env.from_string(
    """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:640px;margin:auto}article{border-bottom:1px solid
#ccc;padding:8px}#feed{min-height:120vh}</style></head>
<body data-platform="{{ platform }}" data-page="{{ page }}">
<header><h1>{{ heading }}</h1>{% if sub %}<p>{{ sub }}</p>{% endif %}</header>
<main id="feed"></main>
{% for body in data_scripts %}<script type="application/json" data-sjs>{{ body|safe }}</script>
{% endfor %}{% if universal %}<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"
 type="application/json">{{ universal|safe }}</script>
{% endif %}<script>{{ runtime|safe }}
const BASE = {{ base_json|safe }};
const PAGE = {{ page_json|safe }};
{{ script|safe }}
R.next();
</script></body></html>"""
)


def page(
    *,
    platform: str,
    kind: str,
    base: str,
    params: dict[str, Any],
    script: str,
    heading: str,
    sub: str = "",
    data_scripts: list[str] | None = None,
    universal: Any = None,
) -> str:
    return _PAGE.render(
        title=f"{heading} | {TITLES[platform]}",
        platform=platform,
        page=kind,
        heading=heading,
        sub=sub,
        data_scripts=[s.replace("</", "<\\/") for s in (data_scripts or [])],
        universal=script_json(universal) if universal is not None else "",
        runtime=_RUNTIME,
        base_json=script_json(base),
        page_json=script_json(params),
        script=script,
    )


_LOGIN_WALL = _env.from_string(
    """<!DOCTYPE html>
<html lang="en" id="facebook"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body class="login_page" data-platform="{{ platform }}" data-page="login_wall">
<div id="login_wall" role="main"><h2>{{ title }}</h2>
<p>{{ message }}</p>
<form id="login_form" action="{{ action }}" method="post">
<input type="hidden" name="next" value="{{ next }}">
<input type="text" name="email" id="email" autocomplete="username" placeholder="{{ user_label }}">
<input type="password" name="pass" id="pass" autocomplete="current-password">
<button type="submit" name="login" id="loginbutton">Log in</button>
</form></div></body></html>"""
)

_WALL_TEXT = {
    "x": ("Log in to X", "Sign in to see this page.", "Phone, email or username"),
    "instagram": (
        "Login • Instagram",
        "Log in to see photos and videos from friends.",
        "Phone number, username, or email",
    ),
    "tiktok": ("Log in | TikTok", "Log in to TikTok to see this content.", "Email or username"),
    "facebook": ("Log into Facebook", "You must log in to continue.", "Email or phone number"),
}


def login_wall(platform: str, base: str, next_url: str) -> str:
    title, message, user_label = _WALL_TEXT[platform]
    return _LOGIN_WALL.render(
        platform=platform,
        title=title,
        message=message,
        user_label=user_label,
        action=f"{base}/login",
        next=next_url,
    )


_CHALLENGE = _env.from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body data-platform="{{ platform }}" data-page="challenge">
<div id="challenge" class="{{ css }}"><h2>{{ title }}</h2><p>{{ message }}</p>
<div id="captcha-verify-container" class="captcha_verify_container"></div>
<form id="checkpoint_form" action="{{ base }}/challenge/" method="post">
<button type="submit">Continue</button></form></div></body></html>"""
)

_CHALLENGE_TEXT = {
    "x": ("Your account has been locked", "Verify your identity to continue.", "LoginForm"),
    "instagram": (
        "Help us confirm it's you",
        "Challenge required: confirm your account.",
        "challenge_required",
    ),
    "tiktok": ("Verify to continue", "Drag the slider to fit the puzzle.", "captcha_verify"),
    "facebook": ("Security check", "We need to confirm this account belongs to you.", "checkpoint"),
}


def challenge_page(platform: str, base: str) -> str:
    title, message, css = _CHALLENGE_TEXT[platform]
    return _CHALLENGE.render(platform=platform, title=title, message=message, css=css, base=base)


_RATE_PAGE = _env.from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Too Many Requests</title></head>
<body data-platform="{{ platform }}" data-page="rate_limited"><h1>429 Too Many Requests</h1>
<p>Something went wrong, but don't fret — let's give it another shot.</p></body></html>"""
)


def rate_limited_page(platform: str) -> str:
    return _RATE_PAGE.render(platform=platform)


_NOT_FOUND = _env.from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body data-platform="{{ platform }}" data-page="not_found"><h1>This page isn't available</h1>
<p>The link may be broken, or the page may have been removed.</p></body></html>"""
)


def not_found_page(platform: str) -> str:
    return _NOT_FOUND.render(platform=platform)
