"""Settings: TOML file, then PANTAU_* environment; unsafe defaults refused outside development."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.config import DEV_SECRET, get_settings, reset_settings
from pantau.errors import ConfigError


def _write(path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PANTAU_CONFIG_FILE", str(path))
    reset_settings()


def test_defaults_put_everything_under_the_var_dir(isolated_settings: Path) -> None:
    s = get_settings()
    assert s.var_dir == isolated_settings
    assert s.db_url == f"sqlite:///{(isolated_settings / 'pantau.sqlite3').resolve()}"
    assert s.evidence_path == isolated_settings / "evidence"
    assert s.models_path == isolated_settings / "models"
    assert s.display_timezone == "Asia/Jakarta"
    assert str(s.tz) == "Asia/Jakarta"


def test_toml_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PANTAU_VAR_DIR")
    _write(
        tmp_path / "p.toml",
        'var_dir = "/srv/pantau"\nretention_days = 90\n[collect]\nmax_contexts = 4\n',
        monkeypatch,
    )
    s = get_settings()
    assert s.var_dir == Path("/srv/pantau")
    assert s.retention_days == 90
    assert s.collect.max_contexts == 4
    monkeypatch.setenv("PANTAU_RETENTION_DAYS", "30")
    monkeypatch.setenv("PANTAU_COLLECT__MAX_CONTEXTS", "1")
    reset_settings()
    s = get_settings()
    assert (s.retention_days, s.collect.max_contexts) == (30, 1)


def test_postgres_url_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://pantau@db.internal:5432/pantau"
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    assert get_settings().db_url == url


def test_development_mode_has_a_dev_secret() -> None:
    assert get_settings().secret == DEV_SECRET


@pytest.mark.parametrize("mode", ["production", "test"])
def test_no_default_secret_outside_development(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_MODE", mode)
    with pytest.raises(ConfigError, match="PANTAU_SECRET_KEY"):
        get_settings()


def test_production_with_secrets_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_MODE", "production")
    monkeypatch.setenv("PANTAU_SECRET_KEY", "s3cret-from-the-vault")
    monkeypatch.setenv("PANTAU_COLLECT__STORAGE_STATE_KEY", "another-secret")
    s = get_settings()
    assert s.secret == "s3cret-from-the-vault"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('display_timezone = "Mars/Olympus"\n', "unknown time zone"),
        ("retention_days = 0\n", "retention_days"),
        ('no_such_setting = "x"\n', "no_such_setting"),
        ('mode = "staging"\n', "mode"),
    ],
)
def test_bad_settings_name_the_problem(
    text: str, fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PANTAU_MODE")
    _write(tmp_path / "bad.toml", text, monkeypatch)
    with pytest.raises(ConfigError, match=fragment):
        get_settings()


def test_relative_shared_dir_is_taken_from_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pantau.config import PROJECT_ROOT

    monkeypatch.delenv("PANTAU_SHARED_DIR", raising=False)
    _write(tmp_path / "p.toml", 'shared_dir = "../shared"\n', monkeypatch)
    monkeypatch.chdir(tmp_path)  # wherever the command runs from
    assert get_settings().shared_dir == PROJECT_ROOT / ".." / "shared"
    monkeypatch.setenv("PANTAU_SHARED_DIR", str(tmp_path / "elsewhere"))
    reset_settings()
    assert get_settings().shared_dir == tmp_path / "elsewhere"


def test_the_shipped_config_points_at_the_sibling_shared_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pantau.config import PROJECT_ROOT

    monkeypatch.delenv("PANTAU_SHARED_DIR", raising=False)
    monkeypatch.setenv("PANTAU_CONFIG_FILE", str(PROJECT_ROOT / "config" / "pantau.toml"))
    reset_settings()
    assert get_settings().shared_dir == PROJECT_ROOT / ".." / "shared"
