"""Helpers for the parser tests: our own fixtures and the shared real captures."""

from __future__ import annotations

from pathlib import Path

from pantau.collect.parse import parse_capture
from pantau.collect.records import ParseResult

OWN_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def own(platform: str, name: str, **kwargs: str) -> ParseResult:
    """Parse one of our fictional fixtures under ``tests/fixtures/<platform>/``."""
    return parse_capture(platform, (OWN_FIXTURES / platform / name).read_bytes(), **kwargs)


def real(shared_dir: Path, platform: str, name: str, **kwargs: str) -> ParseResult:
    """Parse one real capture from ``<shared>/fixtures/<platform>/``."""
    folder = {"x": "x", "instagram": "instagram", "tiktok": "tiktok", "facebook": "facebook"}
    body = (shared_dir / "fixtures" / folder[platform] / name).read_bytes()
    return parse_capture(platform, body, **kwargs)
