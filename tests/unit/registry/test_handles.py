"""Profile URL / @handle normalisation: examples and "any valid handle survives every form"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.errors import RegistryError
from pantau.registry.handles import (
    _RESERVED,
    handle_problem,
    normalize_account,
    normalize_platform,
    parse_profile_url,
    profile_url,
)


def _valid(platform: str, pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True).filter(
        lambda h: handle_problem(platform, h) is None and h.lower() not in _RESERVED[platform]
    )


HANDLES: dict[str, st.SearchStrategy[str]] = {
    "x": _valid("x", r"[A-Za-z0-9_]{1,15}"),
    "instagram": _valid("instagram", r"[a-z0-9._]{1,30}"),
    "tiktok": _valid("tiktok", r"[a-z0-9._]{2,24}"),
    "facebook": _valid("facebook", r"[a-z0-9.]{5,50}").filter(lambda h: not h.isdigit()),
}

FORMS: dict[str, list[Callable[[str], str]]] = {
    "x": [
        lambda h: h,
        lambda h: "@" + h,
        lambda h: f"https://x.com/{h}",
        lambda h: f"http://twitter.com/{h}",
        lambda h: f"https://www.x.com/{h}/",
        lambda h: f"https://mobile.twitter.com/{h}?s=20",
        lambda h: f"x.com/{h}",
        lambda h: f"https://twitter.com/{h}/status/1234567890",
        lambda h: f"  https://x.com/@{h}#top ",
    ],
    "instagram": [
        lambda h: h,
        lambda h: "@" + h,
        lambda h: f"https://www.instagram.com/{h}/",
        lambda h: f"instagram.com/{h}",
        lambda h: f"https://m.instagram.com/{h}/?hl=id",
        lambda h: f"http://instagram.com/{h}#x",
    ],
    "tiktok": [
        lambda h: h,
        lambda h: "@" + h,
        lambda h: f"https://www.tiktok.com/@{h}",
        lambda h: f"tiktok.com/@{h}?lang=id",
        lambda h: f"https://m.tiktok.com/@{h}/video/7300000000000000000",
    ],
    "facebook": [
        lambda h: h,
        lambda h: "@" + h,
        lambda h: f"https://www.facebook.com/{h}",
        lambda h: f"m.facebook.com/{h}/",
        lambda h: f"https://web.facebook.com/{h}?ref=bookmarks",
        lambda h: f"https://fb.com/{h}",
        lambda h: f"https://mbasic.facebook.com/{h}",
    ],
}


@pytest.mark.parametrize("platform", sorted(FORMS))
@given(data=st.data())
def test_any_valid_handle_survives_every_form(platform: str, data: st.DataObject) -> None:
    handle = data.draw(HANDLES[platform])
    stored = handle if platform == "x" else handle.lower()
    for form in FORMS[platform]:
        ref = normalize_account(form(handle), platform)
        assert (ref.platform, ref.handle) == (platform, stored), form(handle)
        assert ref.profile_url == profile_url(platform, stored)
        # The canonical URL is itself a form that normalises to the same account.
        assert normalize_account(ref.profile_url, None) == ref


@given(st.integers(1, 10**17).map(str))
def test_facebook_numeric_ids_survive_every_id_form(number: str) -> None:
    forms = [
        f"https://www.facebook.com/profile.php?id={number}",
        f"m.facebook.com/profile.php?id={number}&ref=x",
        f"https://www.facebook.com/people/Budi-Santoso/{number}/",
        number,
    ]
    for form in forms:
        ref = normalize_account(form, "facebook")
        assert (ref.handle, ref.native_id) == (number, number), form
        assert ref.profile_url == f"https://www.facebook.com/profile.php?id={number}"


@pytest.mark.parametrize(
    ("value", "platform", "reason"),
    [
        ("https://www.instagram.com/p/C0dEfGh/", "instagram", "not a profile"),
        ("https://x.com/search?q=asn", "x", "not a profile"),
        ("https://www.facebook.com/groups/123/", "facebook", "not a profile"),
        ("https://vm.tiktok.com/ZSabc/", "tiktok", "not a profile URL"),
        ("https://www.tiktok.com/budi", "tiktok", "/@name"),
        ("https://www.youtube.com/@budi", None, "not a profile URL"),
        ("ftp://x.com/budi", "x", "not an http(s) URL"),
        ("https://www.facebook.com/profile.php?id=abc", "facebook", "numeric ?id="),
        ("https://www.tiktok.com/@budi", "instagram", "is a tiktok URL"),
        ("budi", None, "needs the platform"),
        ("", "x", "empty"),
        ("budi.santoso", "x", "not a valid x handle"),
        ("a" * 31, "instagram", "not a valid instagram handle"),
        (".budi", "instagram", "not a valid instagram handle"),
        ("budi.", "tiktok", "not a valid tiktok handle"),
        ("budi", "facebook", "not a valid facebook handle"),
        ("https://x.com/", "x", "names no account"),
    ],
)
def test_refused_forms_say_why(value: str, platform: str | None, reason: str) -> None:
    with pytest.raises(RegistryError) as caught:
        normalize_account(value, platform)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("alias", "platform"),
    [("Twitter", "x"), ("X", "x"), ("IG", "instagram"), ("fb", "facebook"), ("Tik Tok", "tiktok")],
)
def test_platform_aliases(alias: str, platform: str) -> None:
    assert normalize_platform(alias) == platform


def test_x_keeps_case_others_lower_case() -> None:
    assert parse_profile_url("https://x.com/Budi_ASN").handle == "Budi_ASN"
    assert parse_profile_url("https://www.instagram.com/Budi.ASN/").handle == "budi.asn"
    assert parse_profile_url("https://www.tiktok.com/@Budi.ASN").handle == "budi.asn"
