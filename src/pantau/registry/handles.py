"""Account references: profile URL or ``@handle`` -> (platform, handle, native id), per platform.

Accepted forms (``https://``, ``http://`` or no scheme; query strings and fragments ignored):

- x: ``x.com/<h>``, ``twitter.com/<h>`` with ``www.``, ``mobile.`` or ``m.``; handle 1-15 of
  ``A-Z a-z 0-9 _`` (case kept, compared case-insensitively).
- instagram: ``instagram.com/<u>/`` (``www.``, ``m.``); 1-30 of ``a-z 0-9 . _``, not starting
  or ending with a dot, no two dots in a row; stored lower-case.
- tiktok: ``tiktok.com/@<u>`` (``www.``, ``m.``; ``/video/...`` after it is ignored); 2-24 of
  ``a-z 0-9 . _``, not ending with a dot; stored lower-case. Short links (``vm.tiktok.com``)
  are refused: resolving them needs the network.
- facebook: ``facebook.com/<vanity>`` (``www.``, ``m.``, ``mbasic.``, ``web.``, ``fb.com``);
  vanity 5-50 of ``a-z 0-9 .`` with at least one letter, stored lower-case.
  ``facebook.com/profile.php?id=N`` and ``facebook.com/people/<name>/N`` carry the numeric
  profile id: the handle and the native id are both ``N`` (an all-digit facebook handle is
  always read as a numeric id).

Plain values (``nama.asn``, ``@nama``) need the platform; URLs name it themselves, and a URL of
another platform than the row's platform is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pantau.errors import RegistryError
from pantau.registry.models import PLATFORMS

_X = re.compile(r"[A-Za-z0-9_]{1,15}")
_INSTAGRAM = re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)")
_TIKTOK = re.compile(r"[a-z0-9._]{2,24}(?<!\.)")
_FACEBOOK = re.compile(r"(?=.*[a-z])[a-z0-9.]{5,50}")
_DIGITS = re.compile(r"[0-9]{1,20}")

PLATFORM_ALIASES: dict[str, str] = {
    "x": "x",
    "twitter": "x",
    "x (twitter)": "x",
    "x/twitter": "x",
    "instagram": "instagram",
    "ig": "instagram",
    "facebook": "facebook",
    "fb": "facebook",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
}

_HOSTS: dict[str, str] = {
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "fb.com": "facebook",
}
_HOST_PREFIXES = ("www.", "mobile.", "m.", "mbasic.", "web.")

# First path segments that are site pages, not accounts.
_RESERVED: dict[str, frozenset[str]] = {
    "x": frozenset(
        {"home", "i", "intent", "search", "hashtag", "explore", "settings", "messages", "share"}
        | {"notifications", "login", "signup", "tos", "privacy", "compose"}
    ),
    "instagram": frozenset(
        {"p", "reel", "reels", "stories", "explore", "accounts", "tv", "direct", "about"}
    ),
    "facebook": frozenset(
        {"pages", "groups", "watch", "events", "story.php", "permalink.php", "photo.php"}
        | {"sharer.php", "sharer", "login", "marketplace", "gaming", "hashtag", "share"}
    ),
    "tiktok": frozenset(),
}


@dataclass(frozen=True)
class AccountRef:
    """A normalised account: the handle as stored, the native id when the form carries it."""

    platform: str
    handle: str
    native_id: str | None
    profile_url: str


def normalize_platform(value: str) -> str:
    """``Twitter`` -> ``x``, ``IG`` -> ``instagram``; :class:`RegistryError` when unknown."""
    key = " ".join(value.strip().lower().split())
    if key not in PLATFORM_ALIASES:
        raise RegistryError(f"unknown platform {value!r} (use one of {', '.join(PLATFORMS)})")
    return PLATFORM_ALIASES[key]


def handle_problem(platform: str, handle: str) -> str | None:
    """Why ``handle`` is not valid on ``platform`` (None when it is)."""
    if platform == "x":
        ok = _X.fullmatch(handle) is not None
        rule = "1-15 letters, digits or _"
    elif platform == "instagram":
        ok = _INSTAGRAM.fullmatch(handle) is not None
        rule = "1-30 of a-z 0-9 . _, no leading, trailing or double dot"
    elif platform == "tiktok":
        ok = _TIKTOK.fullmatch(handle) is not None
        rule = "2-24 of a-z 0-9 . _, not ending with a dot"
    elif platform == "facebook":
        ok = _FACEBOOK.fullmatch(handle) is not None or _DIGITS.fullmatch(handle) is not None
        rule = "5-50 of a-z 0-9 . with a letter, or a numeric profile id"
    else:
        return f"unknown platform {platform!r}"
    return None if ok else f"not a valid {platform} handle ({rule})"


def profile_url(platform: str, handle: str, native_id: str | None = None) -> str:
    """The canonical profile URL of an account."""
    if platform == "x":
        return f"https://x.com/{handle}"
    if platform == "instagram":
        return f"https://www.instagram.com/{handle}/"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle}"
    if native_id is not None and handle == native_id:
        return f"https://www.facebook.com/profile.php?id={native_id}"
    return f"https://www.facebook.com/{handle}"


def _make(platform: str, handle: str, native_id: str | None = None) -> AccountRef:
    if platform != "x":
        handle = handle.lower()
    if platform == "facebook" and _DIGITS.fullmatch(handle):
        native_id = handle
    problem = handle_problem(platform, handle)
    if problem:
        raise RegistryError(f"{handle!r} is {problem}")
    return AccountRef(platform, handle, native_id, profile_url(platform, handle, native_id))


def _url_platform(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host[len(prefix) :] in _HOSTS:
            host = host[len(prefix) :]
            break
    return _HOSTS.get(host)


def _looks_like_url(value: str) -> bool:
    if "://" in value:
        return True
    head = value.split("/", 1)[0].lower()
    return "/" in value and "." in head and not head.startswith("@")


def parse_profile_url(url: str) -> AccountRef:
    """The account a profile URL points to; :class:`RegistryError` when it points to none."""
    text = url.strip()
    parts = urlsplit(text if "://" in text else "https://" + text)
    if parts.scheme not in ("http", "https"):
        raise RegistryError(f"{url!r} is not an http(s) URL")
    platform = _url_platform(parts.hostname or "")
    if platform is None:
        raise RegistryError(f"{url!r} is not a profile URL of {', '.join(PLATFORMS)}")
    segments = [s for s in parts.path.split("/") if s]
    if platform == "facebook":
        return _facebook_url(url, segments, parse_qs(parts.query))
    if not segments:
        raise RegistryError(f"{url!r} names no account")
    first = segments[0]
    if platform == "tiktok":
        if not first.startswith("@"):
            raise RegistryError(f"{url!r}: a TikTok profile URL has /@name")
        return _make(platform, first[1:])
    if first.lower() in _RESERVED[platform]:
        raise RegistryError(f"{url!r} is a page on {platform}, not a profile")
    return _make(platform, first.removeprefix("@"))


def _facebook_url(url: str, segments: list[str], query: dict[str, list[str]]) -> AccountRef:
    if segments and segments[0].lower() == "profile.php":
        ids = query.get("id", [])
        if len(ids) != 1 or not _DIGITS.fullmatch(ids[0]):
            raise RegistryError(f"{url!r}: profile.php needs a numeric ?id=")
        return _make("facebook", ids[0], ids[0])
    if len(segments) >= 3 and segments[0].lower() == "people" and _DIGITS.fullmatch(segments[2]):
        return _make("facebook", segments[2], segments[2])
    if not segments:
        raise RegistryError(f"{url!r} names no account")
    if segments[0].lower() in _RESERVED["facebook"]:
        raise RegistryError(f"{url!r} is a page on facebook, not a profile")
    return _make("facebook", segments[0])


def normalize_account(value: str, platform: str | None = None) -> AccountRef:
    """``@nama`` / ``nama`` / a profile URL -> :class:`AccountRef`.

    ``platform`` (already normalised, or an alias) is needed for plain handles and must agree
    with a URL's platform.
    """
    text = value.strip()
    plat = normalize_platform(platform) if platform else None
    if not text:
        raise RegistryError("account is empty")
    if _looks_like_url(text):
        ref = parse_profile_url(text)
        if plat is not None and ref.platform != plat:
            raise RegistryError(f"{value!r} is a {ref.platform} URL but the platform is {plat}")
        return ref
    if plat is None:
        raise RegistryError(f"{value!r}: a plain handle needs the platform")
    return _make(plat, text.removeprefix("@"))
