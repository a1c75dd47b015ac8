"""The weekly report: personal data only for roles that may see it; HTML and PDF; audited."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import get_settings
from pantau.errors import InputRejected
from pantau.review.insight.weekly import build_weekly, write_weekly
from pantau.review.insight.weekly_render import render_html
from pantau.review.models import AuditEntry
from pantau.review.permissions import Operator
from pantau.store import migrate
from pantau.store.db import make_engine, session_scope
from tests.support.insight_world import (
    HOSTILE_AGENCY,
    NOW,
    PERSON_NAMES,
    World,
    deploy_model_card,
    seed_flags,
    seed_side_flags,
    seed_sweep,
    seed_world,
)

OPERATOR = Operator("test")


def _seed(session: Session) -> World:
    world = seed_world(session)
    seed_flags(session, world)
    seed_sweep(session, world)
    return world


def _personal_strings(world: World) -> list[str]:
    return [*PERSON_NAMES, *world.nips]


@pytest.mark.parametrize("role", [None, "admin", "analyst"])
def test_no_personal_data_for_roles_that_may_not_see_it(session: Session, role: str | None) -> None:
    world = _seed(session)
    report = build_weekly(session=session, settings=get_settings(), now=NOW, role=role)
    assert not report.personal
    assert [r.flag_id for r in report.at_risk]  # the backlog is there ...
    assert all(r.name == "" and r.nip == "" for r in report.at_risk)  # ... without people
    html = render_html(report)
    for text in _personal_strings(world):
        assert text not in html
    assert "Tanpa data pribadi" in html


@pytest.mark.parametrize("role", ["reviewer", "referral_officer", "auditor"])
def test_roles_that_may_view_records_get_names_and_nips(session: Session, role: str) -> None:
    world = _seed(session)
    report = build_weekly(session=session, settings=get_settings(), now=NOW, role=role)
    assert report.personal
    html = render_html(report)
    # the two flags due soon (not yet overdue) belong to people 1 and 5
    for index in (1, 5):
        assert PERSON_NAMES[index] in html and world.nips[index] in html
    for index in (0, 2):  # only at-risk flags name anybody
        assert PERSON_NAMES[index] not in html and world.nips[index] not in html


def test_html_is_self_contained_with_valid_inline_charts(session: Session) -> None:
    _seed(session)
    html = render_html(build_weekly(session=session, settings=get_settings(), now=NOW, role=None))
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<script" not in html
    svgs = html.count("<svg ")
    assert svgs == 10
    start = html.index("<svg ")
    ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])  # noqa: S314
    assert "&lt;script&gt;alert(&#39;dinas&#39;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert('dinas')&lt;/script&gt;" in html
    )
    assert HOSTILE_AGENCY not in html
    assert "750.00" in html  # agency A: 3 confirmed / 4 registered


def test_write_pdf_and_html_are_audited(tmp_path: Path, session: Session) -> None:
    _seed(session)
    s = get_settings()
    pdf = tmp_path / "out" / "weekly.pdf"
    report = write_weekly(
        session=session, settings=s, actor=OPERATOR, out=pdf, fmt="pdf", role=None, now=NOW
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert not (tmp_path / "out" / "weekly.pdf.part").exists()
    html = tmp_path / "weekly.html"
    write_weekly(
        session=session, settings=s, actor=OPERATOR, out=html, fmt="html", role="auditor", now=NOW
    )
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.weekly").order_by(AuditEntry.seq)
    ).all()
    assert [(e.actor, e.detail["role"], e.detail["personal_data"]) for e in entries] == [
        ("cli:test", "supervisor", False),
        ("cli:test", "auditor", True),
    ]
    assert report.totals == {"raised": 9, "confirmed": 4, "dismissed": 1}


def test_bad_role_and_format_are_refused(tmp_path: Path, session: Session) -> None:
    with pytest.raises(InputRejected, match="unknown role 'boss'"):
        build_weekly(session=session, settings=get_settings(), now=NOW, role="boss")
    with pytest.raises(InputRejected, match="'docx' is not one of pdf, html"):
        write_weekly(
            session=session,
            settings=get_settings(),
            actor=OPERATOR,
            out=tmp_path / "x.docx",
            fmt="docx",
            role=None,
            now=NOW,
        )
    assert not (tmp_path / "x.docx").exists()


@pytest.fixture
def cli_db() -> World:
    url = get_settings().db_url
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        world = _seed(s)
        seed_side_flags(s, world, skewed=True)
    engine.dispose()
    return world


def test_cli_report_fairness_json_and_table(cli_db: World) -> None:
    runner = CliRunner()
    # --days 0: all flags (the seeded ones are dated NOW, not today)
    result = runner.invoke(app, ["report", "fairness", "--format", "json", "--days", "0"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert [s["side"] for s in figures["sides"]] == ["paslon-1", "paslon-2"]
    assert figures["counterfactual"] is None
    assert {(w["side"], w["metric"]) for w in figures["warnings"]} == {
        ("paslon-1", "precision"),
        ("paslon-2", "precision"),
    }
    table = runner.invoke(app, ["report", "fairness", "--days", "0"])
    assert table.exit_code == 0
    assert "WARNING" in table.output and "not available" in table.output
    bad = runner.invoke(app, ["report", "fairness", "--format", "xml"])
    assert bad.exit_code == 1


def test_cli_report_fairness_names_the_models_splits(
    cli_db: World, isolated_settings: Path
) -> None:
    """The table names each evaluation split in words, its card key beside it."""
    deploy_model_card(isolated_settings, {"heldout:pilkada_dki2017": (7, 0.1), "new": (3, 0.2)})
    table = CliRunner().invoke(app, ["report", "fairness", "--days", "0"])
    assert table.exit_code == 0, table.output
    lines = [x for x in table.output.splitlines() if x.startswith("counterfactual")]
    assert lines == [
        "counterfactual (default, Pilkada DKI 2017 (tukar antar-pasangan 2017) "
        "[heldout:pilkada_dki2017]): 7 swaps, decision changed 0.000",
        # a split the app has no words for is named once, by its key
        "counterfactual (default, new): 3 swaps, decision changed 0.000",
    ]


def test_cli_report_weekly_writes_html(cli_db: World, tmp_path: Path) -> None:
    out = tmp_path / "w.html"
    result = CliRunner().invoke(app, ["report", "weekly", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "no personal data" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Laporan mingguan" in html
    for name in PERSON_NAMES:
        assert name not in html
    refused = CliRunner().invoke(app, ["report", "weekly", "--role", "boss", "--out", str(out)])
    assert refused.exit_code == 1 and "unknown role" in refused.output


@pytest.mark.parametrize(
    ("role", "personal"), [(None, False), ("analyst", False), ("auditor", True)]
)
def test_pdf_draws_names_only_for_roles_that_may_see_them(
    session: Session, monkeypatch: pytest.MonkeyPatch, role: str | None, personal: bool
) -> None:
    """Every string the PDF writer draws passes through ``clean``: record them."""
    from pantau.review.insight import pdf as pdf_module
    from pantau.review.insight import weekly_render

    drawn: list[str] = []
    original = pdf_module.clean

    def recording(text: str) -> str:
        drawn.append(text)
        return original(text)

    monkeypatch.setattr(weekly_render, "clean", recording)
    monkeypatch.setattr(pdf_module, "clean", recording)
    world = _seed(session)
    report = build_weekly(session=session, settings=get_settings(), now=NOW, role=role)
    data = weekly_render.render_pdf(report)
    assert data.startswith(b"%PDF-")
    assert any(t.startswith("Instansi: perbuatan terkonfirmasi") for t in drawn)  # a chart
    assert HOSTILE_AGENCY in drawn  # ranking table cell, drawn as text
    named = [t for t in drawn if t in (*PERSON_NAMES, *world.nips)]
    if personal:
        assert sorted(named) == sorted(
            [PERSON_NAMES[1], PERSON_NAMES[5], world.nips[1], world.nips[5]]
        )
    else:
        assert named == []
