"""Learning from reviews: settled flags -> labelled examples -> a file -> corpus Examples ->
a tiny model trained on them (the model card counts them)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from pantau.classify import corpus
from pantau.classify.build import build_model
from pantau.classify.reviews import (
    add_to_training,
    dismissal_label,
    export_reviews,
    load_reviews,
)
from pantau.classify.train import TrainConfig
from pantau.detect.models import Flag
from pantau.errors import InputRejected
from pantau.review.decisions_models import Clarification, Decision
from pantau.review.models import AuditEntry, User
from pantau.store.db import session_scope
from tests.support.review_app import make_users
from tests.support.review_flags import FlagSpec, make_agency, make_asn, make_flag
from tests.unit.classify.tiny import ToyMatcher, make_tiny_base, toy_examples


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        ("Berita netral dari KPU, tidak memihak", "neutral"),
        ("hanya informasi jadwal debat", "neutral"),
        ("Tidak terkait pemilu: soal banjir", "unrelated"),
        ("bukan politik, hanya kesamaan nama", "unrelated"),
        ("Akun diretas menurut klarifikasi", None),
        ("bukan akun milik ASN ini", None),
        ("duplikat dari temuan lain", None),
        ("diunggah di luar masa kampanye", None),
    ],
)
def test_dismissal_reason_mapping(reason: str, label: str | None) -> None:
    assert dismissal_label(reason) == label


TEXTS = {
    "support": "Coblos nomor 1, @teman_kantor! https://t.co/x #Menang1",
    "cues": "Salam satu jari #Menang1",
    "engaged": "kapan acaranya mulai?",
    "neutral": "Jadwal debat capres malam ini di TV",
    "unrelated": "Banjir lagi di depan kantor",
    "hacked": "Pilih paslon 1!",
    "claim": "Ayo menangkan paslon 1",
    "conflict": "Dukung 1, tolak 2",
    "one": "Menang satu putaran!",
}


def _decide(s: object, flag: Flag, reviewers: list[User], verdict: str, reason: str = "") -> None:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    who = reviewers if verdict == "confirm" else reviewers[:1]
    for r in who:
        s.add(
            Decision(
                flag_id=flag.id,
                reviewer_id=r.id,
                reviewer=r.username,
                verdict=verdict,
                reason=reason,
            )
        )


@pytest.fixture
def reviewed(engine: Engine) -> dict[str, int]:
    """Settled flags of every kind the export must tell apart; returns flag ids by name."""
    made = make_users(engine, ("reviewer",))
    with session_scope(engine) as s:
        reviewers = [s.merge(made["reviewer"])]
        other = User(username="peninjau2", role="reviewer", password_hash="x")
        s.add(other)
        s.flush()
        reviewers.append(other)
        person, account = make_asn(s, agency=make_agency(s))
        ids: dict[str, int] = {}

        def flag(name: str, status: str, **changes: object) -> Flag:
            f = make_flag(
                s, person=person, account=account, spec=FlagSpec(status=status, text=TEXTS[name])
            )
            for key, value in changes.items():
                setattr(f, key, value)
            ids[name] = f.id
            return f

        _decide(s, flag("support", "confirmed"), reviewers, "confirm")
        f = flag("cues", "referred", suggestion_label=None, target_handle="")
        _decide(s, f, reviewers, "confirm")
        f = flag("engaged", "confirmed", suggestion_label="neutral", act_code="COMMENT")
        _decide(s, f, reviewers, "confirm")
        _decide(s, flag("neutral", "dismissed"), reviewers, "dismiss", "berita netral")
        f = flag("unrelated", "dismissed")
        _decide(s, f, reviewers, "dismiss", "tidak terkait pemilu")
        _decide(s, flag("hacked", "dismissed"), reviewers, "dismiss", "akun diretas")
        f = flag("claim", "dismissed")
        _decide(s, f, reviewers, "dismiss", "klarifikasi diterima")
        s.add(
            Clarification(
                flag_id=f.id,
                asked_by="reviewer",
                claim="impersonated",
                outcome="claim_substantiated",
            )
        )
        f = flag("conflict", "confirmed", suggestion_label="support")
        _decide(s, f, reviewers, "confirm")
        g = make_flag(s, person=person, account=account, spec=FlagSpec(status="confirmed"))
        g.item_id, g.suggestion_label, g.target_side = f.item_id, "oppose", "paslon-2"
        _decide(s, g, reviewers, "confirm")
        f = flag("one", "confirmed")  # a stored status one confirmation does not back
        _decide(s, f, reviewers[:1], "confirm")
        edge = make_flag(s, person=person, account=account, spec=FlagSpec(status="confirmed"))
        edge.item_type, edge.act_code = "edge", "LIKE"
    return ids


def test_export_maps_decisions_to_labels_and_round_trips(
    engine: Engine, reviewed: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "reviews.jsonl"
    with session_scope(engine) as s:
        report = export_reviews(session=s, out=out, actor="cli:test")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_flag = {r["flag_ids"][0]: r for r in rows}
    got = {name: by_flag[i]["label"] for name, i in reviewed.items() if i in by_flag}
    assert got == {
        "support": "support",
        "cues": "support",
        "neutral": "neutral",
        "unrelated": "unrelated",
    }
    first = by_flag[reviewed["support"]]
    assert first["source"] == "review" and first["targets"] == ["paslon-1"]
    assert first["text"] == "Coblos nomor 1, @USER! HTTPURL #Menang1"  # minimised
    assert len(first["decision_ids"]) == 2
    assert by_flag[reviewed["neutral"]]["targets"] == []
    assert dict(report.skipped) == {
        "confirmed engagement without a text label": 1,
        "dismissed for the account or procedure": 1,
        "account claim substantiated": 1,
        "confirmed flags disagree (support and oppose)": 2,
        "not a post": 1,
        "status not backed by the decisions": 1,
    }
    with session_scope(engine) as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "model.export_reviews")
        ).one()
        assert (entry.actor, entry.detail["examples"]) == ("cli:test", 4)
    examples = load_reviews(out)
    assert [e.label for e in examples] == [r["label"] for r in rows]
    assert {e.source for e in examples} == {"review"}
    assert all(isinstance(e, corpus.Example) and e.group == e.id for e in examples)


def test_load_reviews_reports_every_bad_row(tmp_path: Path) -> None:
    good = {"id": "review:x:1", "text": "t", "label": "neutral", "source": "review"}
    lines = [
        json.dumps(good | {"decision_ids": [1]}),
        json.dumps(good | {"id": "review:x:2", "label": "maybe", "decision_ids": [2]}),
        json.dumps(good | {"id": "review:x:3", "decision_ids": []}),
        "{not json",
        json.dumps(good | {"decision_ids": [4]}),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputRejected) as info:
        load_reviews(path)
    assert [(e.row, e.column) for e in info.value.errors] == [
        (2, "label"),
        (3, "decision_ids"),
        (4, "json"),
        (5, "id"),
    ]


def test_reviews_join_training_only_and_never_an_evaluation_text() -> None:
    examples = toy_examples()
    splits = corpus.split(examples, seed=3, test_fraction=0.34, dev_fraction=0.34)
    leaked = replace(splits.test[0], id="review:x:9", source="review")
    fresh = corpus.Example("review:x:10", "ayo dukung amin", "support", (), "review", "review")
    merged = add_to_training(splits, [leaked, fresh, fresh])
    assert merged.test == splits.test and merged.heldout == splits.heldout
    assert merged.dev == splits.dev
    assert merged.train[len(splits.train) :] == [replace(fresh, group=fresh.id)]


def test_exported_reviews_train_a_tiny_model(
    engine: Engine, reviewed: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "reviews.jsonl"
    with session_scope(engine) as s:
        export_reviews(session=s, out=out, actor="cli:test")
    reviews = load_reviews(out)
    info = build_model(
        out_dir=tmp_path / "model",
        datasets_dir=None,
        base=str(make_tiny_base(tmp_path / "base")),
        config=TrainConfig(max_steps=3, batch_size=8, threads=1),
        matcher=ToyMatcher(),
        reviews=reviews,
    )
    data = info["training_data"]
    assert data["n_review"] == len(reviews) == 4
    assert data["per_source"]["review"] >= 4  # plus any swapped copies
    card = (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "reviewers' labels (`pantau model export-reviews`): 4 examples" in card


def test_train_option_errors_name_the_fix(tmp_path: Path) -> None:
    from pantau.cli.model_learning import reviews_for_training

    assert reviews_for_training(False, None) == []
    with pytest.raises(InputRejected, match="--reviews needs --with-reviews"):
        reviews_for_training(False, tmp_path / "r.jsonl")
    with pytest.raises(InputRejected, match="run `pantau model export-reviews` first"):
        reviews_for_training(True, tmp_path / "missing.jsonl")


def test_cli_export_then_train_with_reviews(
    engine: Engine, reviewed: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pantau model export-reviews`` then ``pantau model train --with-reviews`` (tiny base)."""
    from alembic import command
    from typer.testing import CliRunner

    from pantau.cli.main import app
    from pantau.config import get_settings, reset_settings
    from pantau.store import migrate

    url = engine.url.render_as_string(hide_password=False)
    command.stamp(migrate.alembic_config(url), "head")  # the fixture made the tables
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    monkeypatch.setenv("PANTAU_CLASSIFY__BASE_MODEL", str(make_tiny_base(tmp_path / "base")))
    monkeypatch.setenv("PANTAU_CLASSIFY__FREEZE_LAYERS", "0")
    monkeypatch.setenv("PANTAU_CLASSIFY__THREADS", "1")
    monkeypatch.setenv("COLUMNS", "200")
    reset_settings()
    runner = CliRunner()
    result = runner.invoke(app, ["model", "export-reviews"])
    assert result.exit_code == 0, result.output
    assert "4 examples (neutral 1, support 2, unrelated 1)" in result.output
    assert (get_settings().var_dir / "reviews" / "reviews.jsonl").is_file()
    out = tmp_path / "candidate"
    args = ["model", "train", "--online", "--out", str(out), "--max-steps", "2", "--with-reviews"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "4 review examples from" in result.output
    info = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert info["training_data"]["n_review"] == 4
