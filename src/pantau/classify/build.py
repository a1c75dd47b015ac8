"""Building a model end to end: corpus -> split -> swap augmentation -> fine-tune -> evaluate.

``ensure_default_model`` is what ``make demo`` and the sweep call: it returns the configured
model folder, building it the first time (seed set always, public sets when a datasets
directory is known) and keeping it afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import torch

from pantau.classify import corpus
from pantau.classify.base import base_model_source, ensure_offline_base
from pantau.classify.card import git_commit, write_card
from pantau.classify.corpus import Example
from pantau.classify.evaluate import report
from pantau.classify.fairness import (
    SwapMatcher,
    contests_of,
    counterfactual,
    party_keys,
    per_candidate,
    precision_gap,
)
from pantau.classify.predict import METRICS_FILE, Classifier, default_side_matcher
from pantau.classify.preprocess import Preprocessing, TextPreparer, with_stand_in_names
from pantau.classify.preprocess import save as save_preprocessing
from pantau.classify.staging import share_folder
from pantau.classify.train import TrainConfig, fine_tune
from pantau.config import Settings, get_settings
from pantau.errors import ModelError
from pantau.store.db import utcnow

QUANT_TOLERANCE = 0.005  # int8 only where macro-F1 drops by at most half a point


def train_config(settings: Settings, **overrides: Any) -> TrainConfig:
    c = settings.classify
    values: dict[str, Any] = {
        "epochs": c.epochs,
        "batch_size": c.train_batch_size,
        "learning_rate": c.learning_rate,
        "max_length": c.max_length,
        "seed": c.seed,
        "threads": c.threads or None,
        "freeze_layers": c.freeze_layers,
        "layers": c.layers,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**values)


def default_datasets_dir(settings: Settings) -> Path | None:
    if settings.shared_dir is not None and (settings.shared_dir / "datasets").is_dir():
        return settings.shared_dir / "datasets"
    return None


def build_model(
    *,
    out_dir: Path,
    datasets_dir: Path | None,
    settings: Settings | None = None,
    offline: bool | None = None,
    base: str | None = None,
    config: TrainConfig | None = None,
    matcher: SwapMatcher | None = None,
    progress: bool = False,
    reviews: Sequence[Example] = (),
    mask_cues: bool | None = None,
) -> dict[str, Any]:
    """Train, evaluate and package a model at ``out_dir``; returns the metrics dictionary.

    Written to a temporary sibling folder and renamed at the end, so a failed or interrupted
    build never leaves a half-written model where ``predict`` would find it."""
    settings = settings or get_settings()
    config = config or train_config(settings)
    matcher = matcher if matcher is not None else _swap_matcher()
    examples = corpus.load_corpus(datasets_dir=datasets_dir)
    splits = corpus.split(examples, seed=config.seed)
    if reviews:  # reviewers' labels: training only, evaluation data unchanged (classify.reviews)
        from pantau.classify.reviews import add_to_training

        splits = add_to_training(splits, reviews)
    masking = settings.classify.mask_cues if mask_cues is None else mask_cues
    prep = Preprocessing(mask_cues=masking, compound_hashtags=masking)
    if prep.mask_cues:
        # A swapped copy masks to the same text as its original: nothing to add.
        train = list(splits.train)
    else:
        train = corpus.augment_with_swaps(splits.train, matcher, contests=contests_of(matcher))
    prepare = TextPreparer(prep, watchlist_matcher=matcher)
    stand_in_rate = settings.classify.stand_in_rate if prep.mask_cues else 0.0
    texts = prepare([e.text for e in train])
    if stand_in_rate:
        texts = with_stand_in_names(texts, rate=stand_in_rate, seed=config.seed)
    if base is None:
        use_offline = settings.classify.offline_base if offline is None else offline
        base = (
            str(
                ensure_offline_base(
                    models_root=settings.models_path,
                    texts=[e.text for e in examples],
                    vocab_size=settings.classify.vocab_size,
                )
            )
            if use_offline
            else base_model_source(settings=settings, offline=False)
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        result = fine_tune(
            base=base,
            texts=texts,
            labels=[e.label for e in train],
            out_dir=tmp,
            config=config,
            progress=progress,
        )
        info = {
            "model": {
                "name": out_dir.name,
                "base": base,
                "base_sha256": _base_sha(base),
                "git_commit": git_commit(),
                "weights_sha256": result.weights_sha256,
                "trained_at": utcnow().isoformat(),
                "train_seconds": round(result.seconds, 1),
                "steps": result.steps,
                "final_loss": result.final_loss,
                "config": asdict(config),
                "preprocessing": asdict(prep),
                "stand_in_rate": stand_in_rate,
            },
            "training_data": _data_summary(splits, train),
        }
        save_preprocessing(tmp, prep)
        info["quantization"] = calibrate_int8(
            tmp, calibration=[e.text for e in train], dev=[e.text for e in splits.dev]
        )
        info |= evaluate_all(model_dir=tmp, splits=splits, matcher=matcher)
        write_card(tmp, info)
        share_folder(tmp)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return info


def evaluate_all(*, model_dir: Path, splits: corpus.Splits, matcher: SwapMatcher) -> dict[str, Any]:
    """Metrics on the held-out sources (together and each alone) and the test split, in fp32
    and int8 (in each int8 engine); fairness; whether int8 keeps macro-F1 within
    :data:`QUANT_TOLERANCE` in every engine.

    Each text is classified once per precision; the per-source reports are slices."""
    from pantau.classify.predict import installed_int8_engines
    from pantau.config import get_settings

    fp32 = Classifier(model_dir, quantize=False)
    # int8 measured as predict runs it here (the configured engine), and in the other engine
    # too where installed (ONNX Runtime runs int8 on CPUs where torch's int8 product is slow).
    int8 = Classifier(model_dir, quantize=True, int8_engine=get_settings().classify.int8_engine)
    others = [
        Classifier(model_dir, quantize=True, int8_engine=engine)
        for engine in installed_int8_engines()
        if engine != int8.engine
    ]
    evaluation: dict[str, Any] = {}
    fairness: dict[str, Any] = {}
    drops: list[float] = []
    for name, examples in (("heldout", splits.heldout), ("test", splits.test)):
        if not examples:
            evaluation[name] = {"n": 0}
            continue
        texts = [e.text for e in examples]
        probs, probs_q = fp32.probabilities(texts), int8.probabilities(texts)
        parts = [(name, list(range(len(examples))))]
        sources = sorted({e.source for e in examples})
        if name == "heldout" and len(sources) > 1:
            parts += [
                (f"heldout:{s}", [i for i, e in enumerate(examples) if e.source == s])
                for s in sources
            ]
        for part, index in parts:
            gold = [examples[i].label for i in index]
            evaluation[part] = report(gold, probs[index], fp32.labels)
            evaluation[f"{part}_int8"] = report(gold, probs_q[index], int8.labels)
            drops.append(evaluation[part]["macro_f1"] - evaluation[f"{part}_int8"]["macro_f1"])
        for other in others:  # the whole split only: the per-source slices read alike
            key = f"{name}_int8_{other.engine}"
            evaluation[key] = report(
                [e.label for e in examples], other.probabilities(texts), other.labels
            )
            drops.append(evaluation[name]["macro_f1"] - evaluation[key]["macro_f1"])
        pred = [fp32.labels[int(i)] for i in probs.argmax(axis=1)]
        sides = per_candidate(examples, pred, matcher)
        fairness[name] = {
            "per_candidate": sides,
            "precision_gap": precision_gap(sides, exclude=party_keys(matcher)),
            "counterfactual": counterfactual(fp32, examples, matcher, original_probs=probs),
        }
        if name == "heldout":
            fairness |= _contest_fairness(fp32, examples, pred, probs, party_keys(matcher))
            evaluation |= _unknown_candidates(fp32, examples)
        else:
            evaluation |= _unknown_watched(fp32, examples)
    ok = bool(drops) and max(drops) <= QUANT_TOLERANCE
    worst = max(drops) if drops else None
    return {
        "evaluation": evaluation,
        "fairness": fairness,
        "quantize_int8": ok,
        "int8_engine": _engine_name(int8.engine),
        "int8_engines_measured": [_engine_name(c.engine) for c in (int8, *others)],
        "quantize_reason": f"largest macro-F1 drop {worst if worst is None else round(worst, 4)}"
        f" (tolerance {QUANT_TOLERANCE})",
    }


def _engine_name(engine: str) -> str:
    """The engine with its version, as the card records it (``onnxruntime 1.30.0``)."""
    if engine == "onnxruntime":
        from pantau.classify.onnx_engine import version

        return f"{engine} {version()}"
    return f"{engine} {torch.__version__}"


CALIBRATION_TEXTS = 256


def current_quantization(
    model_dir: Path, info: dict[str, Any], splits: corpus.Splits
) -> dict[str, Any]:
    """The card's int8 record, made again (:func:`calibrate_int8` on ``splits``) where it was
    made for another int8 scheme than :data:`~.quantize.METHOD`, or not at all."""
    from pantau.classify.quantize import measured_with_current_scheme

    if measured_with_current_scheme(info):
        current: dict[str, Any] = info["quantization"]
        return current
    return calibrate_int8(
        model_dir, calibration=[e.text for e in splits.train], dev=[e.text for e in splits.dev]
    )


def calibrate_int8(
    model_dir: Path, *, calibration: Sequence[str], dev: Sequence[str]
) -> dict[str, Any]:
    """Record activation ranges for int8 inference (:mod:`.quantize`) and choose SmoothQuant's
    alpha on the dev split (agreement with fp32), never on held-out or test data; where int8
    everywhere agrees on less than :data:`~.quantize.MIN_AGREEMENT`, keep the feed-forward
    output layers in fp32 if that agrees more."""
    from pantau.classify.quantize import (
        METHOD,
        MIN_AGREEMENT,
        Calibration,
        activation_maxima,
        choose_alpha,
        ffn_output_layers,
        quantize,
    )

    step = max(1, len(calibration) // CALIBRATION_TEXTS)
    sample = list(calibration[::step][:CALIBRATION_TEXTS])
    classifier = Classifier(model_dir, quantize=False)
    fp32 = classifier.model
    act_max = activation_maxima(fp32, lambda: classifier.probabilities(sample))
    texts = list(dev) or sample

    def decide(model: torch.nn.Module) -> Any:
        classifier.model = model
        return classifier.probabilities(texts).argmax(axis=1)

    keep: tuple[str, ...] = ()
    mixed: float | None = None
    ffn_outputs = ffn_output_layers(fp32)
    try:
        reference = decide(fp32)
        alpha, agreement = choose_alpha(decide, fp32, act_max, reference=reference)
        if agreement[alpha] < MIN_AGREEMENT and ffn_outputs:
            trial = Calibration(act_max, alpha, len(sample), ffn_outputs)
            mixed = float((decide(quantize(fp32, trial)) == reference).mean())
            if mixed > agreement[alpha]:
                keep = ffn_outputs
    finally:
        classifier.model = fp32
    Calibration(act_max, alpha, len(sample), keep).save(model_dir)
    return {
        "method": METHOD,
        "alpha": alpha,
        "n_calibration": len(sample),
        "agreement_by_alpha": {str(a): round(v, 4) for a, v in agreement.items()},
        "agreement_ffn_output_fp32": None if mixed is None else round(mixed, 4),
        "fp32_layers": list(keep),
        "chosen_on": "dev" if dev else "calibration texts",
    }


# The contest each held-out source is about: its fairness is also measured on that contest's
# own sides (per-candidate figures, and swaps between them), not only on the watch lists'.
HELDOUT_CONTESTS: dict[str, str] = {"pilkada_dki2017": "pilkada-dki-2017"}


def _contest_fairness(
    classifier: Classifier,
    examples: Sequence[Example],
    pred: Sequence[str],
    probs: Any,
    parties: frozenset[str],
) -> dict[str, Any]:
    from pantau.classify.historical import HISTORICAL_CONTESTS, historical_matcher

    out: dict[str, Any] = {}
    for source, election in HELDOUT_CONTESTS.items():
        index = [i for i, e in enumerate(examples) if e.source == source]
        if not index:
            continue
        past = historical_matcher(election)
        subset = [examples[i] for i in index]
        own = per_candidate(subset, [pred[i] for i in index], past)
        out[f"heldout:{source}"] = {
            "contest": election,
            "per_candidate": own,
            "precision_gap": precision_gap(own, exclude=parties),
            "counterfactual": counterfactual(
                classifier,
                subset,
                past,
                HISTORICAL_CONTESTS[election],
                original_probs=probs[index],
            ),
        }
    return out


def _unknown_candidates(classifier: Classifier, examples: Sequence[Example]) -> dict[str, Any]:
    """Each held-out contest again with its own candidates left unmasked, as a later
    election's candidates reach the model before anyone adds them to a watch list
    (``unknown:<source>``); nothing where the model does not mask that contest."""
    prep = classifier.prepare.prep
    out: dict[str, Any] = {}
    for source, election in HELDOUT_CONTESTS.items():
        index = [i for i, e in enumerate(examples) if e.source == source]
        if not index or not prep.mask_cues or election not in prep.historical:
            continue
        without = replace(prep, historical=tuple(h for h in prep.historical if h != election))
        probs = classifier.probabilities(
            [examples[i].text for i in index], prepare=TextPreparer(without)
        )
        out[f"unknown:{source}"] = report(
            [examples[i].label for i in index], probs, classifier.labels
        )
    return out


class _AsWritten:
    """A matcher that masks nothing (the watch lists' place, for :func:`_unknown_watched`)."""

    def mask(self, text: str) -> str:
        return text


def _unknown_watched(classifier: Classifier, examples: Sequence[Example]) -> dict[str, Any]:
    """The test split's texts that name a watched candidate, again with the watch lists'
    names left unmasked (``unknown:test``): the posts are written about the watched contests,
    so this is how the model reads a contest whose watch list is not added yet."""
    prep = classifier.prepare.prep
    if not prep.mask_cues or not examples:
        return {}
    texts = [e.text for e in examples]
    bare = TextPreparer(prep, watchlist_matcher=_AsWritten())(texts)
    index = [
        i for i, (b, m) in enumerate(zip(bare, classifier.prepare(texts), strict=True)) if b != m
    ]
    if not index:
        return {}
    probs = classifier.probabilities([bare[i] for i in index], prepare=list)
    return {"unknown:test": report([examples[i].label for i in index], probs, classifier.labels)}


def _data_summary(splits: corpus.Splits, train: Sequence[Example]) -> dict[str, Any]:
    from pantau.classify.labelling import agreement_summary

    return {
        "n_train": len(train),
        "n_train_original": len(splits.train),
        "n_review": sum(e.source == "review" for e in splits.train),
        "n_dev": len(splits.dev),
        "n_test": len(splits.test),
        "n_heldout": len(splits.heldout),
        "heldout_sources": sorted({e.source for e in splits.heldout}),
        "per_source": dict(Counter(e.source for e in train)),
        "per_label": dict(Counter(e.label for e in train)),
        "per_source_label": {
            f"{s}/{lab}": n for (s, lab), n in Counter((e.source, e.label) for e in train).items()
        },
        "label_agreement": agreement_summary(),
    }


def _base_sha(base: str) -> str:
    meta = Path(base) / "base.json"
    if meta.is_file():
        import json

        return str(json.loads(meta.read_text()).get("sha256", ""))
    return ""


def _swap_matcher() -> SwapMatcher:
    matcher: SwapMatcher = default_side_matcher()  # type: ignore[assignment]
    return matcher


def default_model_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return settings.models_path / settings.classify.model_name


def ensure_default_model(
    *, progress: bool, datasets_dir: Path | None = None, settings: Settings | None = None
) -> Path:
    """The configured model folder, built on first use (seed set + public sets if available)."""
    settings = settings or get_settings()
    out = default_model_dir(settings)
    if (out / METRICS_FILE).is_file() and (out / "config.json").is_file():
        return out
    datasets_dir = datasets_dir or default_datasets_dir(settings)
    build_model(out_dir=out, datasets_dir=datasets_dir, settings=settings, progress=progress)
    if not (out / METRICS_FILE).is_file():
        raise ModelError(f"building the default model at {out} did not produce {METRICS_FILE}")
    return out
