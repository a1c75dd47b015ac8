from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from pantau.collect.browser import FLAGS
from pantau.collect.sessions import StorageStateVault
from pantau.config import get_settings
from pantau.errors import ConfigError

STATE = {
    "cookies": [{"name": "sessionid", "value": "s3cr3t-cookie", "domain": ".instagram.com"}],
    "origins": [],
}


def test_round_trip_and_nothing_readable_at_rest(tmp_path: Path) -> None:
    vault = StorageStateVault(directory=tmp_path, secret="key one")
    path = vault.save("ig-monitor-1", STATE)
    raw = path.read_bytes()
    assert b"s3cr3t-cookie" not in raw
    assert b"sessionid" not in raw
    assert path.stat().st_mode & 0o077 == 0
    assert vault.load("ig-monitor-1") == STATE
    assert vault.load("never-saved") is None


def test_wrong_key_is_refused(tmp_path: Path) -> None:
    StorageStateVault(directory=tmp_path, secret="key one").save("s", STATE)
    other = StorageStateVault(directory=tmp_path, secret="key two")
    with pytest.raises(ConfigError, match="does not decrypt"):
        other.load("s")


def test_tampered_file_is_refused(tmp_path: Path) -> None:
    vault = StorageStateVault(directory=tmp_path, secret="k")
    path = vault.save("s", STATE)
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ConfigError):
        vault.load("s")


def test_session_names_cannot_escape_the_directory(tmp_path: Path) -> None:
    vault = StorageStateVault(directory=tmp_path, secret="k")
    with pytest.raises(ConfigError, match="bad monitoring-session name"):
        vault.save("../../etc/passwd", STATE)


def test_key_from_settings_and_dev_default_only_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    assert settings.mode == "development"
    dev = StorageStateVault.from_settings(settings)
    dev.save("s", STATE)
    keyed = settings.model_copy(
        update={
            "collect": settings.collect.model_copy(
                update={"storage_state_key": SecretStr("operator key")}
            )
        }
    )
    with pytest.raises(ConfigError):
        StorageStateVault.from_settings(keyed).load("s")
    prod = settings.model_copy(update={"mode": "production"})
    with pytest.raises(ConfigError, match="storage_state_key"):
        StorageStateVault.from_settings(prod)


def test_chromium_flags_are_the_hardened_set() -> None:
    assert set(FLAGS) == {
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    }
