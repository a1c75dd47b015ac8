"""Dashboard and fairness pages, and every chart endpoint, on empty and seeded databases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pantau.review.insight.figures import CHARTS
from pantau.store.db import session_scope
from tests.support.insight_world import (
    NOW,
    PERSON_NAMES,
    seed_flags,
    seed_side_flags,
    seed_sweep,
    seed_world,
)
from tests.support.review_app import app_for, make_users, signed_in_client

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pantau.review.web.routes.dashboard.utcnow", lambda: NOW)


def _client(engine: Engine, role: str = "analyst") -> TestClient:
    made = make_users(engine, (role,))
    return signed_in_client(app_for(engine), engine, made[role])


def _seed(engine: Engine, *, skewed: bool | None = None) -> None:
    with session_scope(engine) as s:
        world = seed_world(s)
        seed_flags(s, world)
        seed_sweep(s, world)
        if skewed is not None:
            seed_side_flags(s, world, skewed=skewed)


def _svg(client: TestClient, name: str) -> ET.Element:
    response = client.get(f"/dasbor/grafik/{name}.svg")
    assert response.status_code == 200, name
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)  # noqa: S314
    assert root.tag == f"{SVG}svg", name
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_every_chart_is_valid_svg_on_an_empty_database(engine: Engine) -> None:
    client = _client(engine)
    for name in CHARTS:
        assert "Belum ada data" in _texts(_svg(client, name)), name


def test_every_chart_is_valid_svg_with_data(engine: Engine) -> None:
    _seed(engine)
    client = _client(engine)
    empty = {name for name in CHARTS if "Belum ada data" in _texts(_svg(client, name))}
    # only platforms without any crawl that night stay empty
    assert empty == {"sweep-facebook", "sweep-tiktok"}
    agencies = _texts(_svg(client, "agencies"))
    assert any(t.startswith("1. <script>alert('dinas')</script>") for t in agencies)
    assert "750.00 (3/4)" in agencies
    assert not any("Badan Kosong C" in t for t in agencies)  # no ASN: not ranked
    raw = client.get("/dasbor/grafik/agencies.svg").text
    assert "<script>" not in raw


def test_unknown_chart_is_404(engine: Engine) -> None:
    assert _client(engine).get("/dasbor/grafik/nope.svg").status_code == 404


def test_dashboard_page_shows_rankings_and_backlog_without_personal_data(
    engine: Engine,
) -> None:
    _seed(engine)
    for role in ("analyst", "auditor"):
        html = _client(engine, role).get("/dasbor").text
        assert "&lt;script&gt;alert(&#39;dinas&#39;)&lt;/script&gt;" in html
        assert "<script>" not in html
        assert "750.00" in html and "500.00" in html
        assert 'src="/dasbor/grafik/sweep-x.svg"' in html
        assert 'href="/flags/' in html  # deadlines at risk link to the flag pages
        for name in PERSON_NAMES:
            assert name not in html


def test_fairness_page_warns_on_skewed_data(engine: Engine) -> None:
    _seed(engine, skewed=True)
    html = _client(engine).get("/dasbor/keadilan").text
    assert 'class="card fairness-warning"' in html
    assert "presisi saran model pihak paslon-2 0.33" in html  # (3 + 1) / (10 + 2)
    assert "Tidak tersedia" in html  # no deployed model in the test's var dir


def test_fairness_page_balanced_has_no_warning(engine: Engine) -> None:
    _seed(engine, skewed=False)
    html = _client(engine).get("/dasbor/keadilan").text
    assert "fairness-warning" not in html
    assert "fairness-ok" in html
    assert "Pasangan Satu" in html


def test_fairness_page_names_the_deployed_models_evaluation_splits(
    engine: Engine, isolated_settings: Path
) -> None:
    from tests.support.insight_world import deploy_model_card

    deploy_model_card(isolated_settings)
    _seed(engine, skewed=False)
    html = _client(engine).get("/dasbor/keadilan").text
    assert "<td>Pilkada DKI 2017 (tukar antar-pasangan 2017)</td><td>7</td>" in html
    assert "heldout:pilkada_dki2017" not in html
