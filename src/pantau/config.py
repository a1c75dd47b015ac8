"""Typed settings.

Sources, later ones winning: the defaults below, ``config/pantau.toml`` (or the file named by
``PANTAU_CONFIG_FILE``), then ``PANTAU_*`` environment variables. Nested sections use a double
underscore: ``PANTAU_COLLECT__CHROMIUM_PATH``. Settings are read on demand by
:func:`get_settings`, never at import time.

Every setting is documented in ``docs/settings.md`` (a test checks that).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pantau.classify.settings import ClassifySettings
from pantau.collect.settings import CollectSettings
from pantau.errors import ConfigError
from pantau.review.settings import ReviewSettings
from pantau.sweep.settings import SweepSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config" / "pantau.toml"
DEV_SECRET = "development-only-insecure-secret-key"  # noqa: S105 - refused outside development


def config_file() -> Path:
    """The TOML file settings are read from (``PANTAU_CONFIG_FILE`` or the project's)."""
    return Path(os.environ.get("PANTAU_CONFIG_FILE", str(DEFAULT_CONFIG_FILE)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PANTAU_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    mode: Literal["development", "production", "test"] = "development"
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str | None = None
    evidence_dir: Path | None = None
    models_dir: Path | None = None
    display_timezone: str = "Asia/Jakarta"
    retention_days: int = Field(default=180, ge=1)
    secret_key: SecretStr | None = None
    shared_dir: Path | None = None
    watchlist_dir: Path = PROJECT_ROOT / "config" / "watchlists"
    log_format: Literal["auto", "text", "json"] = "auto"

    collect: CollectSettings = Field(default_factory=CollectSettings)
    classify: ClassifySettings = Field(default_factory=ClassifySettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    sweep: SweepSettings = Field(default_factory=SweepSettings)

    @field_validator("shared_dir")
    @classmethod
    def _shared_from_project(cls, value: Path | None) -> Path | None:
        """A relative ``shared_dir`` (the config file's ``../shared``) is the project's sibling,
        wherever the command runs from."""
        return value if value is None or value.is_absolute() else PROJECT_ROOT / value

    @field_validator("display_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _no_default_secrets(self) -> Settings:
        if self.mode != "development":
            missing = [
                name
                for name, value in (
                    ("PANTAU_SECRET_KEY", self.secret_key),
                    ("PANTAU_COLLECT__STORAGE_STATE_KEY", self.collect.storage_state_key),
                )
                if value is None
            ]
            if missing:
                raise ValueError(
                    f"mode={self.mode!r} needs these secrets set: {', '.join(missing)} "
                    "(only mode='development' has built-in insecure defaults)"
                )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    # Derived locations -------------------------------------------------------------------
    @property
    def db_url(self) -> str:
        """The database URL: ``database_url`` or a SQLite file in the var directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'pantau.sqlite3').resolve()}"

    @property
    def evidence_path(self) -> Path:
        return self.evidence_dir or self.var_dir / "evidence"

    @property
    def models_path(self) -> Path:
        return self.models_dir or self.var_dir / "models"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)

    @property
    def secret(self) -> str:
        """The application secret (signing, CSRF); the development default only in development."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return DEV_SECRET


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings (cached; call :func:`reset_settings` after changing the environment)."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigError(f"invalid settings (from {config_file()} and PANTAU_*): {exc}") from exc


def reset_settings() -> None:
    get_settings.cache_clear()
