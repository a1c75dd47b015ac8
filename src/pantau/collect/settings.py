"""Settings of the collection stage (section ``[collect]``, env ``PANTAU_COLLECT__*``).

Collection is OPT-IN per platform: a platform is collected only when ``methods.<platform>``
is enabled and carries the ``legal_basis`` the operator's legal review approved (DOMAIN.md
safeguard 9). ``base_urls`` point at the real sites by default; the demo and the tests point
them at the local replica.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, model_validator

PLATFORMS = ("x", "instagram", "facebook", "tiktok")

REAL_BASE_URLS: dict[str, str] = {
    "x": "https://x.com",
    "instagram": "https://www.instagram.com",
    "facebook": "https://www.facebook.com",
    "tiktok": "https://www.tiktok.com",
}


class CollectionMethod(BaseModel):
    """How one platform may be collected: off unless enabled with a written legal basis."""

    enabled: bool = False
    legal_basis: str = ""

    @model_validator(mode="after")
    def _basis_required(self) -> CollectionMethod:
        if self.enabled and not self.legal_basis.strip():
            raise ValueError("an enabled collection method needs a legal_basis text")
        return self


def _default_methods() -> dict[str, CollectionMethod]:
    return {platform: CollectionMethod() for platform in PLATFORMS}


class CollectSettings(BaseModel):
    chromium_path: Path = Path("/usr/bin/chromium")
    storage_state_key: SecretStr | None = None
    max_contexts: int = Field(default=2, ge=1)
    page_timeout_s: float = Field(default=30.0, gt=0)
    engagement_window_days: int = Field(default=14, ge=0)
    methods: dict[str, CollectionMethod] = Field(default_factory=_default_methods)
    base_urls: dict[str, str] = Field(default_factory=lambda: dict(REAL_BASE_URLS))
    platform_rate_per_minute: float = Field(default=30.0, gt=0)
    session_rate_per_minute: float = Field(default=20.0, gt=0)
    rate_burst: int = Field(default=5, ge=1)
    rate_jitter_s: float = Field(default=0.5, ge=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=300.0, gt=0)
    watermark_overlap_hours: float = Field(default=48.0, ge=0)
    max_pages: int = Field(default=5, ge=1)
    block_resources: bool = True

    @model_validator(mode="after")
    def _known_platforms(self) -> CollectSettings:
        for name, mapping in (("methods", self.methods), ("base_urls", self.base_urls)):
            unknown = sorted(set(mapping) - set(PLATFORMS))
            if unknown:
                raise ValueError(f"collect.{name}: unknown platform(s) {unknown}")
        for platform in PLATFORMS:
            self.methods.setdefault(platform, CollectionMethod())
            self.base_urls.setdefault(platform, REAL_BASE_URLS[platform])
        self.base_urls = {k: v.rstrip("/") for k, v in self.base_urls.items()}
        return self


REPLICA_LEGAL_BASIS = (
    "local replica with fictional data (demo and tests): no real platform is contacted"
)


def replica_collect_settings(base: CollectSettings, base_urls: dict[str, str]) -> CollectSettings:
    """``base`` with every platform pointed at the replica and enabled for it only.

    What the demo uses: the opt-in is given for the replica's addresses, never for the real
    sites (a real site needs its own ``legal_basis`` from the operator's legal review).
    """
    unknown = sorted(set(base_urls) - set(PLATFORMS))
    if unknown:
        raise ValueError(f"unknown platform(s) {unknown}")
    if any(url.rstrip("/") == REAL_BASE_URLS[p] for p, url in base_urls.items()):
        raise ValueError("replica_collect_settings is for the local replica, not the real sites")
    return base.model_copy(
        update={
            "base_urls": {p: base_urls[p].rstrip("/") for p in PLATFORMS},
            "methods": {
                p: CollectionMethod(enabled=True, legal_basis=REPLICA_LEGAL_BASIS)
                for p in PLATFORMS
            },
        }
    )
