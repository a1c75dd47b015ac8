"""A small synthetic world for dashboard, fairness and report tests (our own data).

Fixed at ``NOW`` (a Wednesday, 05:00 UTC = 12:00 WIB):

- agencies: A (hostile name, 4 ASN in region 31), B (2 ASN in region 32), C (no ASN);
- flags: A has 2 confirmed acts + 1 referred, B has 1 confirmed; both sides have flags, with
  statuses and suggestions chosen by the caller's ``skewed`` switch (precision per side);
- a crawl run the night before with collected, failed, blocked and unobservable accounts;
- classified posts naming each side (for the flag rate).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.collect.models import AccountCrawl, CrawlRun
from pantau.detect.models import Flag
from pantau.registry.models import Account, Agency, CivilServant, Side

NOW = datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
HOSTILE_AGENCY = "<script>alert('dinas')</script> & Dinas \"Kominfo\""
PERSON_NAMES = ("Siti Rahmawati", "Bambang Hartono", "Dewi Lestari", "Agus Salim", "Rina", "Yudi")
_serial = itertools.count(1)


@dataclass
class World:
    agencies: dict[str, Agency]
    people: list[CivilServant]
    accounts: list[Account]
    nips: list[str]


def _flag(
    session: Session,
    person: CivilServant,
    account: Account,
    *,
    status: str,
    side: str = "paslon-1",
    act: str = "POST",
    days_ago: float = 1,
    deadline_in: float = 5,
    suggestion: str | None = "support",
) -> Flag:
    n = next(_serial)
    flag = Flag(
        civil_servant_id=person.id,
        account_id=account.id,
        agency_id=person.agency_id,
        region_code=person.region_code,
        act_code=act,
        platform=account.platform,
        item_type="post",
        item_id=f"item{n}",
        target_side=side,
        suggestion_label=suggestion,
        suggestion_score=0.9 if suggestion else None,
        first_detected_at=NOW - timedelta(days=days_ago),
        deadline_at=NOW + timedelta(days=deadline_in),
        status=status,
    )
    session.add(flag)
    return flag


def seed_world(session: Session) -> World:
    agencies = {
        "A": Agency(code="A", name=HOSTILE_AGENCY, level="provinsi", region_code="31"),
        "B": Agency(code="B", name="Dinas Pendidikan B", level="kota", region_code="32"),
        "C": Agency(code="C", name="Badan Kosong C", level="kota", region_code="33"),
    }
    session.add_all(agencies.values())
    session.flush()
    people, accounts = [], []
    for i, name in enumerate(PERSON_NAMES):
        agency = agencies["A"] if i < 4 else agencies["B"]
        person = CivilServant(
            nip=f"1980010120100{i:05d}",
            name=name,
            status="PNS",
            agency_id=agency.id,
            region_code=agency.region_code,
        )
        session.add(person)
        session.flush()
        account = Account(
            civil_servant_id=person.id,
            platform="x" if i % 2 == 0 else "instagram",
            handle=f"asn_{i}",
            ownership_basis="hr_record",
        )
        session.add(account)
        session.flush()
        people.append(person)
        accounts.append(account)
    session.add_all(
        [
            Side(key="paslon-1", kind="pair", name="Pasangan Satu", ballot_number=1),
            Side(key="paslon-2", kind="pair", name="Pasangan Dua", ballot_number=2),
        ]
    )
    session.flush()
    return World(agencies, people, accounts, [p.nip for p in people])


def seed_flags(session: Session, world: World) -> None:
    """Confirmed: A 3 (2 confirmed + 1 referred), B 1; active ones with near deadlines."""
    p, a = world.people, world.accounts
    _flag(session, p[0], a[0], status="confirmed", act="POST", days_ago=1)
    _flag(session, p[1], a[1], status="confirmed", act="LIKE", days_ago=2)
    _flag(session, p[2], a[2], status="referred", act="POST", days_ago=3)
    _flag(session, p[4], a[4], status="confirmed", act="SHARE", days_ago=1, side="paslon-2")
    _flag(session, p[3], a[3], status="dismissed", days_ago=2, side="paslon-2")
    _flag(session, p[0], a[0], status="open", days_ago=6.5, deadline_in=-0.5)  # overdue
    _flag(session, p[1], a[1], status="in_review", days_ago=6, deadline_in=0.5)  # < 1 day
    _flag(session, p[5], a[5], status="awaiting_clarification", days_ago=5, deadline_in=1.5)
    _flag(session, p[5], a[5], status="open", days_ago=0.1, deadline_in=6.9, side="paslon-2")
    session.flush()


def seed_side_flags(session: Session, world: World, *, skewed: bool) -> None:
    """Ten settled, model-suggested flags per side. Balanced: 8 of 10 confirmed on both sides.
    Skewed: paslon-1 9 of 10, paslon-2 3 of 10 (the model over-flags side 2)."""
    confirmed = {"paslon-1": 9 if skewed else 8, "paslon-2": 3 if skewed else 8}
    person, account = world.people[0], world.accounts[0]
    for side, good in confirmed.items():
        for i in range(10):
            status = "confirmed" if i < good else "dismissed"
            _flag(session, person, account, status=status, side=side, days_ago=2)
    for side in confirmed:
        for i in range(40):
            session.add(
                Prediction(
                    platform="x",
                    post_id=f"{side}-{i}",
                    model_version="m1",
                    label="support",
                    score=0.9,
                    targets=[side],
                    created_at=NOW - timedelta(days=2),
                )
            )
    session.flush()


def seed_sweep(session: Session, world: World) -> None:
    """The night before NOW (WIB): x: asn_0 collected, asn_2 blocked (login wall),
    asn_4 failed (not found); instagram: asn_1 collected, asn_3 unobservable only."""
    run = CrawlRun(trigger="sweep", started_at=NOW - timedelta(hours=11), status="done")
    session.add(run)
    session.flush()
    a = world.accounts
    rows = [
        (a[0], "posts", "ok", ""),
        (a[0], "likes", "unobservable", "platform_private"),
        (a[2], "posts", "failed", "login_wall"),
        (a[2], "following", "ok", ""),
        (a[4], "posts", "failed", "not_found"),
        (a[1], "posts", "ok", ""),
        (a[3], "likes", "unobservable", "needs_login"),
    ]
    for account, act, status, reason in rows:
        session.add(
            AccountCrawl(
                run_id=run.id,
                account_id=account.id,
                act=act,
                status=status,
                reason=reason,
                at=run.started_at,
            )
        )
    session.flush()


# The default model's figures (weights a437534d, 2026-12-02: counterfactual pairs, precision
# gap), per split.
DEFAULT_MODEL_FAIRNESS = {
    "heldout": (622, 0.204),
    "heldout:pilkada_dki2017": (1738, 0.149),
    "test": (752, 0.194),
}


def deploy_model_card(
    settings_dir: Path, splits: dict[str, tuple[int, float]] | None = None
) -> Path:
    """A deployed model folder (``models/default`` under the isolated settings) whose card holds
    a fairness block per split (pairs, precision gap; by default 7 pairs on the 2017 pairs):
    what the panel and the report read."""
    model = settings_dir / "models" / "default"
    model.mkdir(parents=True)
    fairness = {
        split: {
            "counterfactual": {"pairs": n, "decision_change_rate": 0.0, "label_change_rate": 0.0},
            "precision_gap": gap,
        }
        for split, (n, gap) in (splits or {"heldout:pilkada_dki2017": (7, 0.1)}).items()
    }
    info = {"model": {"name": "default"}, "fairness": fairness}
    (model / "metrics.json").write_text(json.dumps(info), encoding="utf-8")
    return model
