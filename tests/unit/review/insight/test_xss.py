"""Hostile agency names, region codes and side names (the XSS corpus) stay inert text on the
dashboard, in the charts (valid SVG, the payload as text), the fairness panel and the report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from pantau.config import PROJECT_ROOT, get_settings
from pantau.detect.models import Flag
from pantau.registry.models import Account, Agency, CivilServant, Side
from pantau.review.insight.figures import RANKING_ROWS
from pantau.review.insight.weekly import build_weekly
from pantau.review.insight.weekly_render import render_html
from pantau.store.db import session_scope
from tests.support.insight_world import NOW
from tests.support.review_app import app_for, make_users, signed_in_client

SVG = "{http://www.w3.org/2000/svg}"
PAYLOADS = [
    p
    for p in (PROJECT_ROOT / "tests" / "data" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if p.strip()
]
MARKUP = [p for p in PAYLOADS if "<" in p]


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pantau.review.web.routes.dashboard.utcnow", lambda: NOW)


def _seed(engine: Engine) -> None:
    with session_scope(engine) as s:
        for i, payload in enumerate(PAYLOADS):
            agency = Agency(code=f"X{i}", name=payload, level="kota", region_code=payload[:16])
            s.add(agency)
            s.add(Side(key=payload[:64], kind="party", name=payload))
            s.flush()
            person = CivilServant(
                nip=f"1990{i:014d}",
                name=f"P{i}",
                status="PNS",
                agency_id=agency.id,
                region_code=payload[:16],
            )
            s.add(person)
            s.flush()
            account = Account(
                civil_servant_id=person.id,
                platform="x",
                handle=f"h{i}",
                ownership_basis="hr_record",
            )
            s.add(account)
            s.flush()
            s.add(
                Flag(
                    civil_servant_id=person.id,
                    account_id=account.id,
                    agency_id=agency.id,
                    region_code=payload[:16],
                    act_code="POST",
                    platform="x",
                    item_type="post",
                    item_id=f"i{i}",
                    target_side=payload[:64],
                    status="confirmed",
                    first_detected_at=NOW - timedelta(days=1),
                    deadline_at=NOW + timedelta(days=1),
                )
            )


def test_hostile_names_are_inert_everywhere(engine: Engine) -> None:
    _seed(engine)
    made = make_users(engine, ("auditor",))
    client = signed_in_client(app_for(engine), engine, made["auditor"])
    for path in ("/dasbor", "/dasbor/keadilan"):
        html = client.get(path).text
        for payload in MARKUP:
            assert payload not in html, (path, payload)
    units = {"agencies": len(PAYLOADS), "regions": len({p[:16] for p in PAYLOADS})}
    for name, n in units.items():
        svg = client.get(f"/dasbor/grafik/{name}.svg").text
        root = ET.fromstring(svg)  # noqa: S314 - our own output
        texts = [t.text or "" for t in root.iter(f"{SVG}text")]
        # the title, then a label and a note per ranked row (the chart shows the top rows)
        assert len(texts) == 1 + 2 * min(n, RANKING_ROWS)
        for payload in MARKUP:
            assert payload not in svg
    with session_scope(engine) as s:
        report = build_weekly(session=s, settings=get_settings(), now=NOW, role=None)
        html = render_html(report)
    for payload in MARKUP:
        assert payload not in html
    agencies = {r.label for r in report.agencies}
    assert agencies == set(PAYLOADS)  # the names themselves are kept, only escaped
