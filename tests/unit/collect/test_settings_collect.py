from __future__ import annotations

import pytest
from pydantic import ValidationError

from pantau.collect.settings import REAL_BASE_URLS, CollectSettings
from pantau.config import get_settings, reset_settings


def test_every_platform_is_off_by_default_and_points_at_the_real_site() -> None:
    c = get_settings().collect
    assert {p: m.enabled for p, m in c.methods.items()} == {
        "x": False,
        "instagram": False,
        "facebook": False,
        "tiktok": False,
    }
    assert c.base_urls == REAL_BASE_URLS


def test_enabling_needs_a_legal_basis() -> None:
    with pytest.raises(ValidationError, match="legal_basis"):
        CollectSettings.model_validate({"methods": {"x": {"enabled": True}}})
    ok = CollectSettings.model_validate(
        {"methods": {"x": {"enabled": True, "legal_basis": "Perbawaslu 2024 art. 5"}}}
    )
    assert ok.methods["x"].enabled
    assert not ok.methods["tiktok"].enabled


def test_unknown_platform_refused_and_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="unknown platform"):
        CollectSettings.model_validate({"base_urls": {"myspace": "http://a"}})
    monkeypatch.setenv("PANTAU_COLLECT__BASE_URLS__TIKTOK", "http://127.0.0.1:8123/")
    reset_settings()
    c = get_settings().collect
    assert c.base_urls["tiktok"] == "http://127.0.0.1:8123"
    assert c.base_urls["x"] == "https://x.com"


def test_replica_settings_enable_only_the_replica() -> None:
    from pantau.collect.settings import replica_collect_settings

    urls = {p: f"http://127.0.0.1:9/{p}" for p in ("x", "instagram", "facebook", "tiktok")}
    c = replica_collect_settings(get_settings().collect, urls)
    assert c.base_urls == urls
    assert all(m.enabled and "replica" in m.legal_basis for m in c.methods.values())
    with pytest.raises(ValueError, match="not the real sites"):
        replica_collect_settings(get_settings().collect, {**urls, "x": "https://x.com"})
