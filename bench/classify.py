"""Benchmark: ``pantau model predict``'s path vs a naive transformers pipeline, same run.

    .venv/bin/python bench/classify.py [--model DIR] [--datasets DIR] [--n 300] [--threads 2]

Texts are the labelled evaluation texts (held-out source + random test split of the corpus; the
seed set's test split when no datasets directory is given). The fast path is
:func:`pantau.classify.service.predict_file` on a TSV of those texts (read, length-sorted
dynamic batches, ``inference_mode``, cue-matcher targets, JSONL written), run four ways: as
``pantau model predict`` runs by default (int8 where the model card allows it and the int8
engine has a fast int8 product on this CPU, else fp32), in fp32, in int8 in ONNX Runtime (the
int8 engine where torch's int8 product is slow) and in int8 in torch (on a CPU without a fast
``torch._int_mm``, int8 sums from fp32 products: the same labels, no faster); on a CPU with int8
dot products, also in ONNX Runtime with the u8u8 product that CPUs without them get. The baseline is
``transformers.pipeline("text-classification")`` called once per post, on texts prepared the
way the model was trained (its cue masking, per post too). Both report
posts/s and 4-class macro-F1 / partisan F1 on the same texts, and the CPU's int8 capability.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import torch

from pantau.classify import corpus, metrics, onnx_engine, preprocess
from pantau.classify.build import default_datasets_dir, default_model_dir
from pantau.classify.predict import clear_classifier_cache, load_classifier
from pantau.classify.preprocess import TextPreparer
from pantau.classify.quantize import int8_kernel_fast
from pantau.classify.service import predict_file
from pantau.config import get_settings


def eval_examples(datasets_dir: Path | None, n: int) -> list[corpus.Example]:
    """``n`` texts spread evenly over the held-out sources and the test split."""
    splits = corpus.split(corpus.load_corpus(datasets_dir=datasets_dir))
    pool = [*splits.heldout, *splits.test]
    step = max(1, len(pool) // n)
    return pool[::step][:n]


def run_fast(
    model: Path, examples: list[corpus.Example], quantize: bool | None, engine: str | None = None
) -> dict[str, float]:
    clear_classifier_cache()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.tsv", Path(tmp) / "out.jsonl"
        clean = [e.text.replace("\t", " ").replace("\n", " ") for e in examples]
        src.write_text("text\n" + "\n".join(clean) + "\n", encoding="utf-8")
        # Model loading (and the int8 graph's export) is not per-post work.
        load_classifier(model.resolve(), quantize, engine)
        started = time.perf_counter()
        predict_file(
            input_path=src, output_path=out, model_dir=model, quantize=quantize, int8_engine=engine
        )
        seconds = time.perf_counter() - started
        pred = [json.loads(line)["label"] for line in out.read_text().splitlines()]
    return _scores(examples, pred, seconds)


def run_naive(model: Path, examples: list[corpus.Example]) -> dict[str, float]:
    from transformers import pipeline

    clf = pipeline("text-classification", model=str(model), tokenizer=str(model), device=-1)
    prepare = TextPreparer(preprocess.load(model))
    started = time.perf_counter()
    pred = [clf(prepare([e.text])[0], truncation=True)[0]["label"] for e in examples]
    seconds = time.perf_counter() - started
    return _scores(examples, pred, seconds)


def _scores(examples: list[corpus.Example], pred: list[str], seconds: float) -> dict[str, float]:
    gold = [e.label for e in examples]
    return {
        "posts": len(examples),
        "seconds": round(seconds, 2),
        "posts_per_s": round(len(examples) / seconds, 2),
        "macro_f1": round(metrics.macro_f1(gold, pred, list(corpus.LABELS)), 4),
        "partisan_f1": round(metrics.partisan_f1(gold, pred).f1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--datasets", type=Path, default=None)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    settings = get_settings()
    model = args.model or default_model_dir(settings)
    datasets = args.datasets or default_datasets_dir(settings)
    torch.set_num_threads(args.threads)
    examples = eval_examples(datasets, args.n)
    results = {
        "naive_pipeline": run_naive(model, examples),
        "predict": run_fast(model, examples, quantize=None),
        "predict_fp32": run_fast(model, examples, quantize=False),
        "predict_int8": run_fast(model, examples, quantize=True, engine="onnxruntime"),
        "predict_int8_torch": run_fast(model, examples, quantize=True, engine="torch"),
    }
    if onnx_engine.product_kind() == "u8s8":
        # What a CPU without int8 dot products runs in ONNX Runtime: the u8u8 product.
        real = onnx_engine.has_int8_dot_product
        onnx_engine.product_kind.cache_clear()
        onnx_engine.has_int8_dot_product = lambda: False
        try:
            results["predict_int8_u8u8"] = run_fast(model, examples, True, engine="onnxruntime")
        finally:
            onnx_engine.has_int8_dot_product = real
            onnx_engine.product_kind.cache_clear()
    base = results["naive_pipeline"]["posts_per_s"]
    for name, r in results.items():
        r["speedup"] = round(r["posts_per_s"] / base, 2)
        print(
            f"{name:18s} {r['posts']:5d} posts {r['seconds']:8.2f} s {r['posts_per_s']:8.2f} "
            f"posts/s  x{r['speedup']:5.2f}  macro-F1 {r['macro_f1']:.3f}  "
            f"partisan F1 {r['partisan_f1']:.3f}"
        )
    cpu = {
        "capability": torch.backends.cpu.get_cpu_capability(),
        "int8_kernel_fast": int8_kernel_fast(),
        "onnxruntime_int8_fast": onnx_engine.int8_fast(),
    }
    print(
        f"CPU {cpu['capability']}, fast int8 product: torch {cpu['int8_kernel_fast']}, "
        f"ONNX Runtime {cpu['onnxruntime_int8_fast']}"
    )
    load = os.getloadavg()
    print(
        json.dumps(
            {"threads": args.threads, "loadavg": load, "cpu": cpu, "model": str(model), **results}
        )
    )


if __name__ == "__main__":
    main()
