"""One flag from the queue to Bawaslu's package, in real Chromium: reviewer 1 asks the civil
servant, records the reply (an "account hacked" claim and the checks made) and confirms; the
same reviewer cannot confirm twice; reviewer 2 confirms; the referral officer writes the
chronology, exports and downloads the package, whose manifest holds and whose record names both
witnesses, the claim and the checks. No screenshots here (the integration tests make them)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from pantau.collect.evidence import EvidenceStore
from pantau.config import get_settings
from pantau.detect.models import Flag
from pantau.review.referral_package import check_manifest
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.browser import serve_app
from tests.support.referral_world import make_people, new_flag
from tests.support.review_app import PASSWORD, app_for, use_cheap_hasher

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPLY = "Akun saya diretas pada awal November; saya tidak menulis unggahan itu."
CHECKS = "Riwayat login platform dan perangkat ASN diperiksa: tidak ada akses dari luar."
CHRONOLOGY = (
    "Unggahan ajakan memilih paslon nomor 1 terekam dari akun terdaftar milik ASN. ASN mengaku "
    "akunnya diretas; pemeriksaan riwayat login tidak menemukan akses asing. Dua peninjau "
    "mengonfirmasi setelah klarifikasi."
)


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Engine, int]]:
    chromium = Path(get_settings().collect.chromium_path)
    if not chromium.is_file():
        pytest.skip(f"Chromium not installed at {chromium} (run scripts/install-system-deps.sh)")
    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    make_people(engine)  # petugas (referral officer), peninjau1 and peninjau2 (reviewers)
    flag_id = new_flag(engine, EvidenceStore.from_settings())
    yield engine, flag_id
    engine.dispose()


@pytest.fixture
def served(world: tuple[Engine, int]) -> Iterator[str]:
    with serve_app(app_for(world[0])) as base:
        yield base


def _as(page: Any, base: str, username: str, target: str) -> None:
    page.context.clear_cookies()
    page.goto(base + target)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + target)


def test_flag_from_review_to_referral_package(
    served: str, world: tuple[Engine, int], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    engine, flag_id = world
    flag_path = f"/flags/{flag_id}"
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=get_settings().collect.chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            _as(page, served, "peninjau1", flag_path)
            page.fill("form.decide-clarify textarea[name=reason]", "Apakah Anda menulis ini?")
            page.click("form.decide-clarify button")
            page.wait_for_url(served + flag_path + "?hasil=clarify")
            page.goto(served + flag_path + "/clarification")
            page.fill("textarea[name=reply_text]", REPLY)
            page.select_option("select[name=claim]", "compromised")
            page.fill("textarea[name=checks_made]", CHECKS)
            page.select_option("select[name=outcome]", "claim_not_substantiated")
            page.click("form.clarification-form button")
            page.wait_for_url(served + flag_path + "?hasil=klarifikasi")
            page.click("form.decide-confirm button")
            page.wait_for_url(served + flag_path + "?hasil=confirm")
            assert page.locator("form.decide-confirm").count() == 0  # not twice

            # Before the second confirmation the officer cannot refer it.
            _as(page, served, "petugas", "/rujukan")
            assert f"/rujukan/baru/{flag_id}" not in page.content()
            refused = page.goto(f"{served}/rujukan/baru/{flag_id}")
            assert refused is not None and refused.status == 400

            _as(page, served, "peninjau2", flag_path)
            page.click("form.decide-confirm button")
            page.wait_for_url(served + flag_path + "?hasil=confirm")

            _as(page, served, "petugas", "/rujukan")
            page.click(f"a[href='/rujukan/baru/{flag_id}']")
            page.fill("textarea[name=chronology]", CHRONOLOGY)
            page.click("button:has-text('Simpan rujukan')")
            page.wait_for_url("**/rujukan/*?hasil=dibuat")
            page.click("button:has-text('Ekspor paket')")
            page.wait_for_url("**/rujukan/*?hasil=ekspor")
            with page.expect_download() as info:
                page.click("a.download")
            package = tmp_path / info.value.suggested_filename
            info.value.save_as(package)
        finally:
            browser.close()
    assert dialogs == []
    assert check_manifest(package) == []
    with zipfile.ZipFile(package) as archive:
        record = json.loads(archive.read("referral.json"))
    assert [w["username"] for w in record["witnesses"]] == ["peninjau1", "peninjau2"]
    (clarification,) = record["clarifications"]
    assert (clarification["claim"], clarification["reply_text"]) == ("compromised", REPLY)
    assert clarification["checks_made"] == CHECKS
    assert record["chronology"] == CHRONOLOGY
    assert record["referral"]["officer"] == "petugas"
    with session_scope(engine) as s:
        flag = s.get(Flag, flag_id)
        assert flag is not None and flag.status == "referred"
