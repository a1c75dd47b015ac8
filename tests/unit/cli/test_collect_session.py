from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.collect.sessions import StorageStateVault
from pantau.config import get_settings


def test_session_save_encrypts_and_refuses_non_state(tmp_path: Path) -> None:
    state = {"cookies": [{"name": "sessionid", "value": "secret-cookie-1"}], "origins": []}
    plain = tmp_path / "state.json"
    plain.write_text(json.dumps(state), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["collect", "session-save", "ig-monitor", str(plain)])
    assert result.exit_code == 0, result.output
    stored = get_settings().var_dir / "sessions" / "ig-monitor.state.enc"
    assert stored.is_file()
    assert b"secret-cookie-1" not in stored.read_bytes()
    assert StorageStateVault.from_settings(get_settings()).load("ig-monitor") == state
    bad = tmp_path / "bad.json"
    bad.write_text('{"origins": []}', encoding="utf-8")
    refused = runner.invoke(app, ["collect", "session-save", "x", str(bad)])
    assert refused.exit_code == 1
    assert "not a storage state" in refused.output
