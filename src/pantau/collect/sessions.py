"""Monitoring sessions: who the browser is, and their storage state encrypted at rest.

A logged-in monitoring session's storage state (cookies) is a credential: it is kept only as a
Fernet token (key from ``collect.storage_state_key``; a development default only in development
mode) in ``var/sessions/<name>.state.enc``, readable by its owner only, and a wrong key or an
altered file is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from pantau.config import DEV_SECRET, Settings
from pantau.errors import ConfigError


# -- storage state, encrypted at rest --------------------------------------------------------
def fernet_key(secret: str) -> bytes:
    """A Fernet key derived from any secret string (SHA-256, url-safe base64)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


class StorageStateVault:
    """Logged-in monitoring sessions' storage state, one encrypted file per session."""

    def __init__(self, *, directory: Path, secret: str) -> None:
        self.directory = directory
        self._fernet = Fernet(fernet_key(secret))

    @classmethod
    def from_settings(cls, settings: Settings) -> StorageStateVault:
        key = settings.collect.storage_state_key
        if key is None:
            if settings.mode != "development":
                raise ConfigError("collect.storage_state_key must be set outside development")
            return cls(directory=settings.var_dir / "sessions", secret=DEV_SECRET)
        return cls(directory=settings.var_dir / "sessions", secret=key.get_secret_value())

    def path(self, name: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name):
            raise ConfigError(f"bad monitoring-session name {name!r}")
        return self.directory / f"{name}.state.enc"

    def save(self, name: str, state: dict[str, Any]) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        token = self._fernet.encrypt(json.dumps(state, sort_keys=True).encode())
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(token)
        tmp.chmod(0o600)
        tmp.replace(path)
        return path

    def load(self, name: str) -> dict[str, Any] | None:
        path = self.path(name)
        if not path.is_file():
            return None
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(path.read_bytes()))
        except InvalidToken as exc:
            raise ConfigError(
                f"storage state {path} does not decrypt with collect.storage_state_key "
                "(wrong key, or the file was altered)"
            ) from exc
        return data


@dataclass(frozen=True)
class MonitoringSession:
    """Who the browser is: ``public`` (logged out) or a logged-in monitoring account."""

    name: str = "public"
    logged_in_platforms: frozenset[str] = frozenset()
    storage_state: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def logged_in(self, platform: str) -> bool:
        return platform in self.logged_in_platforms


PUBLIC = MonitoringSession()
