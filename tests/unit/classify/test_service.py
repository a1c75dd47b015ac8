"""classify_posts writes one Prediction per unclassified post (idempotent); predict_file I/O."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.classify.predict import model_version
from pantau.classify.service import classify_posts, predict_file
from pantau.classify.train import TrainConfig
from pantau.collect.models import Post
from pantau.store.db import utcnow
from tests.unit.classify.tiny import ToyMatcher, train_tiny


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = TrainConfig(batch_size=8, learning_rate=2e-3, max_steps=40, threads=1)
    return train_tiny(tmp_path_factory, config)


def _post(post_id: str, text: str, **extra: object) -> Post:
    return Post(platform="x", post_id=post_id, author_id="a1", text=text, **extra)


def test_classify_posts_once_per_model(session: Session, model_dir: Path) -> None:
    session.add_all(
        [
            _post("1", "ayo coblos prabowo menang"),
            _post("2", "makan siang di kantor"),
            _post("3", ""),  # nothing to classify
            _post("4", "tolak anies", deleted_at=utcnow()),
        ]
    )
    session.flush()
    matcher = ToyMatcher()
    assert classify_posts(session=session, model_dir=model_dir, matcher=matcher) == 2
    rows = session.scalars(select(Prediction).order_by(Prediction.post_id)).all()
    assert [r.post_id for r in rows] == ["1", "2"]
    assert rows[0].targets == ["prabowo-gibran"] and rows[1].targets == []
    assert rows[0].model_version == model_version(model_dir)
    for row in rows:
        assert row.score == pytest.approx(max(row.probs.values()))
        assert row.label == max(row.probs, key=lambda k: row.probs[k])
    assert classify_posts(session=session, model_dir=model_dir, matcher=matcher) == 0
    session.add(_post("5", "jadwal debat kpu"))
    session.flush()
    assert classify_posts(session=session, model_dir=model_dir, matcher=matcher) == 1


def test_predict_file_round_trip(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "in.tsv"
    src.write_text("id\ttext\np1\tjangan pilih ganjar\np2\tbanjir hujan\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    n = predict_file(input_path=src, output_path=out, model_dir=model_dir, matcher=ToyMatcher())
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert n == 2 and [x["id"] for x in lines] == ["p1", "p2"]
    assert lines[0]["targets"] == ["ganjar-mahfud"]
    assert all(abs(sum(x["probs"].values()) - 1) < 1e-4 for x in lines)


def test_a_model_replaced_in_place_is_loaded_afresh(tmp_path: Path, model_dir: Path) -> None:
    import os
    import shutil

    from pantau.classify.predict import load_classifier

    folder = tmp_path / "deployed"
    shutil.copytree(model_dir, folder)
    first = load_classifier(folder)
    assert load_classifier(folder) is first  # cached while the weights are unchanged
    weights = folder / "model.safetensors"
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_classifier(folder) is not first  # promoted/rebuilt in place: reloaded
