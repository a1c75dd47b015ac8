"""Service functions the CLI and the sweep call: predict a file, classify stored posts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from pantau.classify.models import Prediction
from pantau.classify.predict import SideMatcher, load_classifier
from pantau.classify.predict_io import read_inputs, write_outputs
from pantau.collect.models import Post


def predict_file(
    *,
    input_path: Path,
    output_path: Path,
    model_dir: Path,
    quantize: bool | None = None,
    matcher: SideMatcher | None = None,
    int8_engine: str | None = None,
) -> int:
    """Classify every row of ``input_path`` into ``output_path``; returns the row count.
    ``int8_engine`` runs an int8 model (default: ``classify.int8_engine``)."""
    rows = read_inputs(input_path)
    classifier = load_classifier(model_dir.resolve(), quantize, int8_engine)
    suggestions = classifier.suggest([r.text for r in rows], matcher=matcher)
    write_outputs(output_path, rows, suggestions)
    return len(rows)


def classify_posts(
    *,
    session: Session,
    model_dir: Path,
    limit: int | None = None,
    quantize: bool | None = None,
    matcher: SideMatcher | None = None,
) -> int:
    """Write a :class:`Prediction` for each post this model has not classified yet.

    Idempotent: re-running adds nothing for posts already classified by the same model
    version. Deleted posts and posts without text are skipped. Returns the rows written."""
    classifier = load_classifier(model_dir.resolve(), quantize)
    version = classifier.version
    done = and_(
        Prediction.platform == Post.platform,
        Prediction.post_id == Post.post_id,
        Prediction.model_version == version,
    )
    query = (
        select(Post.platform, Post.post_id, Post.text)
        .where(
            Post.deleted_at.is_(None), Post.text != "", ~select(Prediction.id).where(done).exists()
        )
        .order_by(Post.id)
    )
    if limit is not None:
        query = query.limit(limit)
    posts = session.execute(query).all()
    if not posts:
        return 0
    suggestions = classifier.suggest([p.text for p in posts], matcher=matcher)
    session.add_all(
        Prediction(
            platform=p.platform,
            post_id=p.post_id,
            model_version=version,
            label=s.label,
            score=s.score,
            probs=s.probs,
            targets=list(s.targets),
        )
        for p, s in zip(posts, suggestions, strict=True)
    )
    session.flush()
    return len(posts)
