"""The dispatcher: platform names, odd-but-valid bodies, and stray errors as ParseError."""

from __future__ import annotations

import pytest

from pantau.collect import parse as dispatch
from pantau.collect.parse import normalize_platform, parse_capture
from pantau.collect.records import PLATFORMS, ParseResult
from pantau.errors import ParseError


@pytest.mark.parametrize(
    ("given", "expected"),
    [("X", "x"), ("twitter", "x"), ("IG", "instagram"), ("fb", "facebook"), ("TikTok", "tiktok")],
)
def test_platform_aliases(given: str, expected: str) -> None:
    assert normalize_platform(given) == expected


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("body", [b"{}", b"[]", b"null", b'"text"', b'{"data": null}', b"<html/>"])
def test_odd_bodies_give_empty_results(platform: str, body: bytes) -> None:
    result = parse_capture(platform, body)
    assert result.platform == platform
    assert result.is_empty
    assert result.wall == ""


def test_raw_ref_is_attached() -> None:
    assert parse_capture("x", b"{}", raw_ref="ab" * 32).raw_ref == "ab" * 32


def test_stray_errors_become_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(body: bytes, **_: str) -> ParseResult:
        raise KeyError("legacy")

    monkeypatch.setitem(dispatch.PARSERS, "tiktok", broken)
    with pytest.raises(ParseError, match="KeyError") as info:
        parse_capture("tiktok", b"{}", url="https://www.tiktok.com/api/post/item_list/")
    assert info.value.platform == "tiktok"
    assert info.value.item == "https://www.tiktok.com/api/post/item_list/"
