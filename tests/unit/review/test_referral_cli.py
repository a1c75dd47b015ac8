"""``pantau referral verify``: a recipient's check of an exported package."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.collect.evidence import EvidenceStore
from pantau.review.referral import create_referral, export_package
from pantau.store.db import session_scope
from tests.support.referral_world import CHRONOLOGY, build_world

runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def package(engine: Engine, tmp_path: Path) -> Path:
    w = build_world(engine, EvidenceStore(tmp_path / "evidence"))
    with session_scope(engine) as s:
        officer = s.merge(w.officer)
        referral = create_referral(
            session=s, flag_id=w.flag_id, officer=officer, chronology=CHRONOLOGY
        )
        return export_package(
            session=s,
            referral_id=referral.id,
            out_dir=tmp_path / "out",
            officer=officer,
            store=w.store,
        )


def _rewrite(source: Path, target: Path, change: str, data: bytes | None) -> None:
    """Copy a package, replacing (or, with ``data`` None, dropping) one member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name != change:
                new.writestr(name, old.read(name))
            elif data is not None:
                new.writestr(name, data)


def test_intact_package_passes(package: Path) -> None:
    result = runner.invoke(app, ["referral", "verify", str(package)])
    assert result.exit_code == 0, result.output
    assert "4 files match MANIFEST.sha256" in result.output
    assert hashlib.sha256(package.read_bytes()).hexdigest() in result.output


@pytest.mark.parametrize(
    ("member", "data", "problem"),
    [
        ("referral.json", b'{"edited": true}', "referral.json does not match its manifest hash"),
        ("surat-rujukan.pdf", None, "surat-rujukan.pdf is listed but absent"),
        ("MANIFEST.sha256", None, "MANIFEST.sha256 is missing"),
    ],
)
def test_altered_package_fails_naming_the_file(
    package: Path, tmp_path: Path, member: str, data: bytes | None, problem: str
) -> None:
    bad = tmp_path / "bad.zip"
    _rewrite(package, bad, member, data)
    result = runner.invoke(app, ["referral", "verify", str(bad)])
    assert result.exit_code == 1
    assert problem in result.output


def test_extra_file_and_non_zip_fail(package: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.zip"
    _rewrite(package, extra, "", None)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("bukti/99-sisipan.png", b"tambahan")
    result = runner.invoke(app, ["referral", "verify", str(extra)])
    assert result.exit_code == 1
    assert "bukti/99-sisipan.png is not in the manifest" in result.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = runner.invoke(app, ["referral", "verify", str(junk)])
    assert result.exit_code == 1
    assert "not a ZIP package" in result.output
