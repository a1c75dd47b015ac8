"""Real Chromium against the review app: two reviewers work a flag to confirmed (through a
clarification round), the queue and flag pages show hostile scraped text as inert literal text,
and no dialog ever fires.

Screenshots (review-queue.png, review-flag.png, review-flag-confirmed.png) land in
``docs/screenshots/`` when ``PANTAU_UPDATE_SCREENSHOTS=1``, else in the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from pantau.collect.evidence import EvidenceStore
from pantau.config import PROJECT_ROOT, get_settings
from pantau.detect.models import Flag, FlagEvidence
from pantau.registry.models import Side
from pantau.review import users
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.browser import require_chromium, serve_app
from tests.support.review_app import OPERATOR, PASSWORD, app_for, use_cheap_hasher
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag
from tests.support.screens import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS_FILE = PROJECT_ROOT / "tests" / "data" / "xss_payloads.txt"
POST_TEXT = (
    "Sudah waktunya perubahan! Ayo coblos nomor 2 tanggal 14 Februari, "
    "#Paslon2Menang bersama @timpaslon2"
)
# A stand-in for the collector's screenshot of the post (our own markup, rendered by Chromium).
POST_CARD = """<html><body style="margin:0;font:15px system-ui,sans-serif;background:#fff">
<div style="width:560px;padding:16px;border:1px solid #cfd9de;border-radius:12px;margin:0">
<div style="display:flex;gap:10px;align-items:center"><div style="width:44px;height:44px;
border-radius:50%;background:#8aa4b8"></div><div><b>Andi Saputra</b><br>
<span style="color:#536471">@andi_saputra_asn · 12 Nov</span></div></div>
<p style="font-size:17px;line-height:1.4">TEXT</p>
<div style="color:#536471">11.02 · 12 Nov 2026 · 1.204 Tayangan</div></div></body></html>"""


def payloads() -> list[str]:
    return [p for p in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines() if p.strip()]


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture
def chromium_path() -> str:
    path = require_chromium()
    return path


def _post_card_png(chromium: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page(viewport={"width": 640, "height": 400})
            page.set_content(POST_CARD.replace("TEXT", POST_TEXT))
            return page.locator("body > div").screenshot()
        finally:
            browser.close()


@pytest.fixture
def seeded(tmp_path: Path, chromium_path: str) -> Iterator[tuple[Engine, int, list[int]]]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    store = EvidenceStore.from_settings()
    with session_scope(engine) as s:
        for name, display in (("rina", "Rina Peninjau"), ("bayu", "Bayu Peninjau")):
            users.add_user(
                session=s,
                actor=OPERATOR,
                username=name,
                role="reviewer",
                password=PASSWORD,
                display_name=display,
            )
        s.add(Side(key="paslon-2", kind="pair", name="Pasangan Calon Nomor Urut 2"))
        agency = make_agency(s, name="Dinas Pendidikan Provinsi DKI Jakarta")
        person, account = make_asn(s, agency=agency, name="Andi Saputra", handle="andi_saputra_asn")
        spec = FlagSpec(text=POST_TEXT, side="paslon-2", priority=2.7, with_evidence=True)
        main = make_flag(s, person=person, account=account, spec=spec, store=store)
        main.reasons = [
            "unggahan sendiri berlabel 'support' untuk paslon-2",
            "isyarat kampanye: nomor urut 2, tagar #Paslon2Menang",
        ]
        main.target_handle = "timpaslon2"
        shot = store.put(
            session=s,
            data=_post_card_png(chromium_path),
            kind="screenshot",
            content_type="image/png",
            platform="x",
            url=main.item_url,
            collector_version="pantau-collect 0.1",
            captured_by="petugas.sweep",
        )
        for old in list(main.evidence):
            if old.role == "screenshot":
                s.delete(old)
        s.add(FlagEvidence(flag_id=main.id, capture_id=shot.id, role="screenshot"))
        earlier = FlagSpec(act_code="LIKE", status="dismissed", deadline_in=timedelta(days=-30))
        make_flag(s, person=person, account=account, spec=earlier)  # "other flags" on the page
        hostile_ids = []
        for i, payload in enumerate(payloads()):
            p, a = make_asn(s, agency=agency, name=payload, handle=payload[:100])
            hostile = FlagSpec(
                text=payload,
                act_code=("LIKE", "COMMENT", "SHARE")[i % 3],
                deadline_in=timedelta(days=(i % 9) - 2),
                priority=(i % 5) * 0.6,
                side="paslon-1" if i % 2 else "paslon-2",
            )
            flag = make_flag(s, person=p, account=a, spec=hostile)
            flag.reasons = [payload]
            hostile_ids.append(flag.id)
        main_id = main.id
    yield engine, main_id, hostile_ids
    engine.dispose()


@pytest.fixture
def served(seeded: tuple[Engine, int, list[int]]) -> Iterator[str]:
    with serve_app(app_for(seeded[0])) as base:
        yield base


def _login(page: Any, base: str, username: str, target: str) -> None:
    page.goto(base + target)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + target)


def _logout(page: Any, base: str) -> None:
    page.click("button:has-text('Keluar')")
    page.wait_for_url(base + "/login?keluar=1")


def test_two_reviewers_work_a_flag_to_confirmed(
    served: str, seeded: tuple[Engine, int, list[int]], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    engine, main_id, hostile_ids = seeded
    shots = screenshot_dir(tmp_path)
    dialogs: list[str] = []
    flag_path = f"/flags/{main_id}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=get_settings().collect.chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            _login(page, served, "rina", "/queue")
            assert page.inner_text("h1") == "Antrean Tinjauan"
            table = page.inner_text("table.queue")
            for payload in payloads():
                assert payload[:64] in table, payload  # literal text, not markup
            assert page.locator("table.queue tr.late").count() >= 1
            assert "TERLAMBAT" in table and "SEGERA" in table
            page.screenshot(path=str(shots / "review-queue.png"), full_page=False)
            # At 1024 px every column shows, "Buka" included; narrower, the table scrolls in its
            # own box and the page keeps the window's width.
            width_js = (
                "[document.documentElement.scrollWidth, document.querySelector('.table-scroll')"
                ".scrollWidth, document.querySelector('.table-scroll').clientWidth]"
            )
            page.set_viewport_size({"width": 1024, "height": 900})
            page_width, table_width, box_width = page.evaluate(width_js)
            assert page_width == 1024 and table_width <= box_width, (table_width, box_width)
            opener = page.locator(f"table.queue a[href='{flag_path}']").bounding_box()
            assert opener is not None and opener["x"] + opener["width"] <= 1024
            page.set_viewport_size({"width": 700, "height": 900})
            page_width, table_width, box_width = page.evaluate(width_js)
            assert page_width == 700 and table_width > box_width
            page.set_viewport_size({"width": 1280, "height": 900})

            # Rina asks the civil servant first, records the reply, then confirms.
            page.click(f"a[href='{flag_path}']")
            page.wait_for_url(served + flag_path)
            assert POST_TEXT in page.inner_text("blockquote.captured")
            page.fill(
                "form.decide-clarify textarea[name=reason]", "Apakah Anda menulis unggahan ini?"
            )
            page.fill("form.decide-clarify input[name=channel]", "surat dinas")
            page.click("form.decide-clarify button")
            page.wait_for_url(served + flag_path + "?hasil=clarify")
            assert "Menunggu klarifikasi" in page.inner_text("p.flag-status")
            page.click("a:has-text('Catat jawaban klarifikasi')")
            page.fill(
                "textarea[name=reply_text]", "Benar, itu akun saya. Saya tidak tahu aturannya."
            )
            page.select_option("select[name=outcome]", "reply_received")
            page.click("form.clarification-form button")
            page.wait_for_url(served + flag_path + "?hasil=klarifikasi")
            page.click("form.decide-confirm button")
            page.wait_for_url(served + flag_path + "?hasil=confirm")
            assert "Sedang ditinjau" in page.inner_text("p.flag-status")
            assert page.locator("form.decide-confirm").count() == 0  # no second vote for Rina
            _logout(page, served)

            _login(page, served, "bayu", flag_path)
            assert "LIKE" in page.inner_text("ul.other-flags")  # the same person's other flag
            img = page.locator("figure.shot img")
            assert img.evaluate("e => e.naturalWidth") > 100  # served through the audited route
            page.screenshot(path=str(shots / "review-flag.png"), full_page=True)
            page.click("form.decide-confirm button")
            page.wait_for_url(served + flag_path + "?hasil=confirm")
            assert "Terkonfirmasi" in page.inner_text("p.flag-status")
            history = page.inner_text("section.history")
            assert history.count("Konfirmasi") >= 2 and "rina" in history and "bayu" in history
            page.screenshot(path=str(shots / "review-flag-confirmed.png"), full_page=False)

            for flag_id, payload in list(zip(hostile_ids, payloads(), strict=True))[:8]:
                page.goto(f"{served}/flags/{flag_id}")
                assert payload in page.inner_text("blockquote.captured"), payload
                assert payload in page.inner_text("section.record"), payload
            assert page.locator("main script, main iframe, main svg").count() == 0
        finally:
            browser.close()
    assert dialogs == []
    with session_scope(engine) as s:
        flag = s.get(Flag, main_id)
        assert flag is not None and flag.status == "confirmed"
    for name in ("review-queue.png", "review-flag.png", "review-flag-confirmed.png"):
        assert (shots / name).stat().st_size > 10_000, name
