"""Real Chromium against the review app: a referral officer sees confirmed flags with deadline
warnings, writes a chronology, exports the package and downloads it; the package's manifest
holds, and the letter (PDF rendered to PNG with pdftoppm) is saved for people to look at. Hostile
scraped text stays inert (no dialog fires).

Screenshots (referral-list.png, referral-page.png, referral-pdf-1.png .. referral-pdf-3.png) land
in ``docs/screenshots/`` when ``PANTAU_UPDATE_SCREENSHOTS=1``, else in the test's temporary
directory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pantau.collect.evidence import EvidenceStore
from pantau.detect.models import Flag, FlagEvidence
from pantau.review import users
from pantau.review.referral_package import check_manifest
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.browser import require_chromium, serve_app
from tests.support.referral_world import confirm, ensure_side, make_people
from tests.support.review_app import OPERATOR, PASSWORD, app_for, use_cheap_hasher
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag
from tests.support.screens import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<img src=x onerror="alert(1)"> {{7*7}}'
POST_TEXT = f"Ayo coblos nomor 1 tanggal 27 November! #Paslon1Menang {HOSTILE}"
CHRONOLOGY = (
    "Pada 21 November 2026 pukul 14.02 WIB akun @budi_santoso milik Budi Santoso (NIP tercantum) "
    "mengunggah ajakan memilih pasangan calon nomor urut 1 disertai tagar kampanye. Unggahan "
    "terekam otomatis bersama tangkapan layarnya, diperiksa oleh dua peninjau, dan ASN telah "
    "dimintai klarifikasi; klaim akun diretas tidak terbukti setelah pemeriksaan riwayat login."
)
CARD = """<html><body style="margin:0;background:#fff;font:15px system-ui,sans-serif">
<div id="card" style="width:540px;padding:14px 16px;border:1px solid #cfd9de;border-radius:12px">
<div style="display:flex;gap:10px;align-items:center"><div style="width:42px;height:42px;
border-radius:50%;background:#7f9db5"></div><div><b>Budi Santoso</b><br>
<span style="color:#536471">@budi_santoso · 21 Nov</span></div></div>
<p id="text" style="font-size:17px;line-height:1.4"></p>
<div style="color:#536471">14.02 · 21 Nov 2026</div></div></body></html>"""


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture
def chromium_path() -> str:
    path = require_chromium()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return path


def _card_png(chromium: str) -> bytes:
    """A stand-in for the collector's screenshot of the post, rendered by Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page(viewport={"width": 600, "height": 300})
            page.set_content(CARD)
            page.locator("#text").evaluate("(el, t) => { el.textContent = t; }", POST_TEXT)
            return page.locator("#card").screenshot()
        finally:
            browser.close()


def _flag(
    engine: Engine,
    store: EvidenceStore,
    *,
    name: str,
    handle: str,
    due: timedelta,
    shot: bytes | None = None,
) -> int:
    with session_scope(engine) as s:
        ensure_side(s)
        agency = make_agency(s, name="Dinas Pendidikan Provinsi Contoh")
        person, account = make_asn(s, agency=agency, name=name, handle=handle)
        spec = FlagSpec(text=POST_TEXT, deadline_in=due, with_evidence=shot is None)
        flag = make_flag(s, person=person, account=account, spec=spec, store=store)
        if shot is not None:
            payload = json.dumps({"id_str": flag.item_id, "full_text": POST_TEXT}).encode()
            for kind, content_type, data in (
                ("payload", "application/json", payload),
                ("screenshot", "image/png", shot),
            ):
                capture = store.put(
                    session=s,
                    data=data,
                    kind=kind,
                    content_type=content_type,
                    platform="x",
                    url=flag.item_url,
                    collector_version="pantau-collect 0.1",
                    captured_by="sweep-malam",
                )
                s.add(FlagEvidence(flag_id=flag.id, capture_id=capture.id, role=kind))
        flag_id = flag.id
    return flag_id


@pytest.fixture
def seeded(tmp_path: Path, chromium_path: str) -> Iterator[tuple[Engine, int]]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    store = EvidenceStore.from_settings()
    _officer, reviewers = make_people(engine)
    with session_scope(engine) as s:
        users.add_user(
            session=s,
            actor=OPERATOR,
            username="rina",
            role="referral_officer",
            password=PASSWORD,
            display_name="Rina Wulandari",
        )
    main = _flag(
        engine,
        store,
        name="Budi Santoso",
        handle="budi_santoso",
        due=timedelta(days=4),
        shot=_card_png(chromium_path),
    )
    late = _flag(engine, store, name="Ani Lestari", handle="ani_l", due=timedelta(days=-1))
    soon = _flag(engine, store, name=f"Dewi {HOSTILE}", handle="dewi_k", due=timedelta(hours=30))
    for flag_id in (main, late, soon):
        confirm(engine, flag_id, reviewers, clarify=flag_id == main)
    yield engine, main
    engine.dispose()


@pytest.fixture
def served(seeded: tuple[Engine, int]) -> Iterator[str]:
    with serve_app(app_for(seeded[0])) as base:
        yield base


def test_officer_refers_exports_and_downloads(
    served: str, seeded: tuple[Engine, int], chromium_path: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    engine, flag_id = seeded
    shots = screenshot_dir(tmp_path)
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page(
                viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True
            )
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(served + "/login?next=/rujukan")
            page.fill("input[name=username]", "rina")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(served + "/rujukan")
            rows = page.locator("table.awaiting tbody tr")
            assert rows.count() == 3
            assert "TERLAMBAT" in rows.nth(0).inner_text()  # overdue first, marked
            assert "SEGERA" in rows.nth(1).inner_text()
            assert f"Dewi {HOSTILE}" in rows.nth(1).inner_text()  # literal text, not markup
            page.screenshot(path=str(shots / "referral-list.png"), full_page=True)

            page.click(f"a[href='/rujukan/baru/{flag_id}']")
            page.wait_for_url(f"{served}/rujukan/baru/{flag_id}")
            assert "Akun diretas / diambil alih" in page.inner_text("main")
            page.fill("textarea[name=chronology]", CHRONOLOGY)
            page.click("button:has-text('Simpan rujukan')")
            page.wait_for_url("**/rujukan/*?hasil=dibuat")
            page.click("button:has-text('Ekspor paket')")
            page.wait_for_url("**/rujukan/*?hasil=ekspor")
            assert "Paket rujukan diekspor." in page.inner_text("main")
            assert POST_TEXT in page.inner_text("main")
            page.screenshot(path=str(shots / "referral-page.png"), full_page=False)
            with page.expect_download() as info:
                page.click("a.download")
            package = tmp_path / info.value.suggested_filename
            info.value.save_as(package)
        finally:
            browser.close()
    assert dialogs == []
    assert package.name.startswith("rujukan-PNT-RJK-") and package.name.endswith("-POST.zip")
    assert check_manifest(package) == []
    with zipfile.ZipFile(package) as archive:
        record = json.loads(archive.read("referral.json"))
        letter = tmp_path / "surat.pdf"
        letter.write_bytes(archive.read("surat-rujukan.pdf"))
    assert record["chronology"] == CHRONOLOGY
    assert record["act"]["captured_text"] == POST_TEXT
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "3", str(letter), str(tmp_path / "p")],
        check=True,
    )
    for n in (1, 2, 3):
        rendered = sorted(tmp_path.glob(f"p-*{n}.png"))[0]
        shutil.copyfile(rendered, shots / f"referral-pdf-{n}.png")
        assert (shots / f"referral-pdf-{n}.png").stat().st_size > 20_000
    with session_scope(engine) as s:
        flag = s.get(Flag, flag_id)
        assert flag is not None and flag.status == "referred"
