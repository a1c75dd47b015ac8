"""Evidence screenshots of a post page served by the replica (real Chromium)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.collect.evidence import EvidenceStore
from pantau.collect.models import CustodyEvent, EvidenceLink
from pantau.collect.replica import run_replica, scenario_from_dict
from pantau.collect.settings import CollectSettings
from pantau.collect.snapshot import item_id_of, platform_of, snapshot
from pantau.config import get_settings
from tests.integration.collect_scenario import CAMPAIGN, campaign_post_id, scenario_dict

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_snapshot_stores_a_png_linked_to_the_post(engine: Engine, tmp_path: Path) -> None:
    base = get_settings()
    if not base.collect.chromium_path.is_file():
        pytest.skip("Chromium not installed (run scripts/install-system-deps.sh)")
    now = datetime.now(UTC).replace(microsecond=0)
    with run_replica(scenario_from_dict(scenario_dict(now))) as rep:
        settings = base.model_copy(
            update={
                "collect": CollectSettings.model_validate(
                    {"base_urls": rep.base_urls, "page_timeout_s": 15}
                ),
                "evidence_dir": tmp_path / "evidence",
            }
        )
        pid = campaign_post_id("x")
        url = f"{rep.base_urls['x']}/{CAMPAIGN}/status/{pid}"
        assert platform_of(url, settings) == "x"
        assert item_id_of(url) == pid
        with Session(engine) as session:
            capture = snapshot(url, session=session, settings=settings, captured_by="officer-1")
            session.commit()
            data = EvidenceStore(settings.evidence_path).get(capture.sha256)
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            assert hashlib.sha256(data).hexdigest() == capture.sha256
            assert (capture.kind, capture.content_type, capture.platform) == (
                "screenshot",
                "image/png",
                "x",
            )
            links = session.execute(
                select(
                    EvidenceLink.platform,
                    EvidenceLink.item_type,
                    EvidenceLink.item_id,
                    EvidenceLink.role,
                ).where(EvidenceLink.capture_id == capture.id)
            ).all()
            assert links == [("x", "post", pid, "screenshot")]
            custody = session.scalars(
                select(CustodyEvent.action).where(CustodyEvent.capture_id == capture.id)
            ).all()
            assert list(custody) == ["captured"]
