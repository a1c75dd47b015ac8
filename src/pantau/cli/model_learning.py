"""``pantau model export-reviews`` and ``pantau model promote``: learning from reviewers'
decisions and replacing the deployed model only with one that is not worse (docs/learning.md).
Registered on ``pantau model`` by :func:`register`."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from pantau.classify.corpus import Example
from pantau.cli.common import console, db_session, fail, handled, settings
from pantau.errors import InputRejected


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def reviews_for_training(with_reviews: bool, path: Path | None) -> list[Example]:
    """The review examples ``train --with-reviews`` adds (none without the flag)."""
    from pantau.classify.reviews import default_reviews_path, load_reviews

    if not with_reviews:
        if path is not None:
            raise InputRejected("--reviews needs --with-reviews")
        return []
    path = path or default_reviews_path(settings().var_dir)
    if not path.is_file():
        raise InputRejected(f"no review export at {path}: run `pantau model export-reviews` first")
    examples = load_reviews(path)
    console.print(f"{len(examples)} review examples from {path}", highlight=False, soft_wrap=True)
    return examples


def export_reviews(
    out: Path | None = typer.Option(
        None, "--out", help="JSON-lines file (default: var/reviews/reviews.jsonl)."
    ),
) -> None:
    """Write confirmed and dismissed flags as labelled training examples (source=review)."""
    from pantau.classify.reviews import default_reviews_path
    from pantau.classify.reviews import export_reviews as service
    from pantau.cli.users import require_schema

    with handled():
        require_schema()
    target = out or default_reviews_path(settings().var_dir)
    with handled(), db_session() as session:
        report = service(session=session, out=target, actor=_actor())
    labels = ", ".join(f"{k} {v}" for k, v in sorted(report.per_label.items())) or "none"
    console.print(
        f"{len(report.examples)} examples ({labels}) from {report.flags_seen} settled flags "
        f"written to {target}",
        highlight=False,
        soft_wrap=True,
    )
    for why, n in sorted(report.skipped.items()):
        console.print(f"  skipped {n}: {why}", highlight=False, soft_wrap=True)


def promote(
    model_dir: Path = typer.Argument(..., help="The candidate model folder."),
    datasets: Path | None = typer.Option(
        None, "--datasets", help="Directory of the public datasets (held-out source)."
    ),
    f1_tolerance: float = typer.Option(0.0, help="Allowed macro-F1 drop."),
    fairness_tolerance: float = typer.Option(
        0.0, help="Allowed rise of the counterfactual change rate and the precision gap."
    ),
) -> None:
    """Deploy MODEL_DIR only if it is not worse than the deployed model (else exit 1, why).

    Both models are re-evaluated now on the same held-out data: macro-F1, counterfactual
    decision-change rate and per-candidate precision gap are compared.
    """
    from pantau.classify import promote as service
    from pantau.classify.build import default_datasets_dir, default_model_dir
    from pantau.cli.users import require_schema

    with handled():
        require_schema()
    s = settings()
    tolerances = service.Tolerances(f1_tolerance, fairness_tolerance, fairness_tolerance)
    with handled(), db_session() as session:
        result = service.promote(
            session=session,
            candidate_dir=model_dir,
            deployed_dir=default_model_dir(s),
            datasets_dir=datasets if datasets is not None else default_datasets_dir(s),
            actor=_actor(),
            default_seed=s.classify.seed,
            tolerances=tolerances,
        )
    _print_comparison(result.verdict)
    if not result.verdict.accepted:
        fail("promotion refused: " + "; ".join(result.verdict.reasons))
    console.print(f"promoted {model_dir} to {result.deployed_dir}", highlight=False, soft_wrap=True)
    if result.previous_dir is not None:
        console.print(
            f"previous model kept at {result.previous_dir}", highlight=False, soft_wrap=True
        )


def _print_comparison(verdict: object) -> None:
    from pantau.classify.promote import Verdict

    assert isinstance(verdict, Verdict)
    table = Table("split", "metric", "candidate", "deployed", "better is", "worse?")
    for c in verdict.comparisons:
        table.add_row(
            c.split,
            c.metric,
            "-" if c.candidate is None else f"{c.candidate:.4f}",
            "-" if c.deployed is None else f"{c.deployed:.4f}",
            "higher" if c.higher_is_better else "lower",
            "WORSE" if c.worse else "no",
        )
    if verdict.comparisons:
        console.print(table)
    for reason in verdict.reasons:
        console.print(reason, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("export-reviews")(export_reviews)
    app.command("promote")(promote)
