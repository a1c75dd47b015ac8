"""The model card (``MODEL_CARD.md``) and ``metrics.json`` written into every model folder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from pantau.classify.predict import METRICS_FILE
from pantau.config import PROJECT_ROOT

CARD_FILE = "MODEL_CARD.md"


def git_commit() -> str:
    """The project's current commit (``unknown`` outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def write_card(model_dir: Path, info: dict[str, Any]) -> None:
    """Write ``metrics.json`` (everything) and a readable ``MODEL_CARD.md`` from ``info``."""
    (model_dir / METRICS_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    (model_dir / CARD_FILE).write_text(render_card(info), encoding="utf-8")


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _split_table(name: str, rep: dict[str, Any]) -> list[str]:
    lines = [
        f"### {name} (n={rep['n']})",
        "",
        f"- 4-class macro-F1: **{_fmt(rep['macro_f1'])}**; accuracy {_fmt(rep['accuracy'])}",
        f"- partisan (support+oppose vs rest): P {_fmt(rep['partisan']['precision'])}, "
        f"R {_fmt(rep['partisan']['recall'])}, **F1 {_fmt(rep['partisan']['f1'])}**",
        f"- expected calibration error: {_fmt(rep['ece'])}",
        "- precision at top k of the queue: "
        + ", ".join(f"@{k} {_fmt(v)}" for k, v in rep["precision_at"].items()),
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, s in rep["per_class"].items():
        lines.append(
            f"| {label} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {_fmt(s['f1'])} "
            f"| {s['support']} |"
        )
    return [*lines, ""]


def _quantization(q: dict[str, Any]) -> str:
    if not q:
        return "int8 without SmoothQuant (no calibration record)"
    return (
        f"{q.get('method')}, alpha {q.get('alpha')} chosen on the {q.get('chosen_on')} "
        f"(int8/fp32 decision agreement by alpha: {q.get('agreement_by_alpha')}), "
        f"{q.get('n_calibration')} calibration texts{_kept_fp32(q)}"
    )


def _kept_fp32(q: dict[str, Any]) -> str:
    mixed = q.get("agreement_ffn_output_fp32")
    if mixed is None:  # int8 everywhere agreed enough: the mixed model was not tried
        return "; every layer int8"
    kept = q.get("fp32_layers") or []
    if kept:
        return (
            f"; the {len(kept)} feed-forward output layers stay in fp32 "
            f"(agreement with them in fp32: {mixed})"
        )
    return f"; every layer int8 (agreement with the feed-forward output layers in fp32: {mixed})"


def _preparation(prep: dict[str, Any]) -> str:
    if not prep.get("mask_cues"):
        return "texts as written (candidate names visible to the model)"
    past = ", ".join(prep.get("historical", [])) or "none"
    return (
        "candidate cues masked before tokenising, in training and prediction (watch lists and "
        f"past contests: {past}): names, numbers, hashtags, slogans, hand signs and parties "
        "become placeholders such as [CALON], so the model never sees who a text is about"
        + (
            "; names run together with other words in hashtags too (#Tolak[CALON])"
            if prep.get("compound_hashtags")
            else ""
        )
    )


def _fine_tuned(config: dict[str, Any]) -> str:
    kept = f"the base's lowest {config['layers']} layers kept, " if config.get("layers") else ""
    frozen = config.get("freeze_layers") or 0
    if not frozen:
        return f"{kept}every layer and the embeddings trained"
    return (
        f"{kept}the embeddings and the lowest {frozen} layers frozen (their output computed "
        "once per text), the layers above them and the head trained"
    )


def _identical(cf: dict[str, Any]) -> str:
    same = cf.get("identical_inputs")
    if same is None or not cf.get("pairs"):
        return ""
    rest = "" if same == cf["pairs"] else "; the others were classified"
    return (
        f" ({same} of the {cf['pairs']} swapped texts reached the model as the same input as "
        f"their original once masked, so they cannot change it{rest})"
    )


def _stand_ins(rate: Any) -> str:
    if not rate:
        return "none"
    return (
        f"in training, {_fmt(rate)} of the masked texts naming a candidate had [CALON] and "
        "[TAGAR] replaced by ordinary names drawn at random, so candidates the matchers do not "
        "know yet still read as candidates (evaluated as `unknown:<source>`: a held-out "
        "contest with its own names left unmasked, and `unknown:test`: the test texts naming "
        "a watched candidate with those names left unmasked)"
    )


def _agreement_lines(summary: dict[str, Any]) -> list[str]:
    if not summary:
        return []
    lines = [
        "## Labels read twice",
        "",
        "Two readers labelled these rows independently (`data/labels/first`, `second`); "
        "disagreements were adjudicated. The second reading scored against the first is a "
        "ceiling for what a model can score against one reader's labels.",
        "",
        "| set | rows | agreement | kappa | flag kappa | reader macro-F1 | reader partisan F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, a in summary.items():
        lines.append(
            f"| {name} | {a['n']} | {_fmt(a['agreement'])} | {_fmt(a['kappa'])} "
            f"| {_fmt(a['partisan_kappa'])} | {_fmt(a['reader_macro_f1'])} "
            f"| {_fmt(a['reader_partisan_f1'])} |"
        )
    return [*lines, ""]


def render_card(info: dict[str, Any]) -> str:
    model = info.get("model", {})
    data = info.get("training_data", {})
    lines = [
        f"# Model card: {model.get('name', 'pantau classifier')}",
        "",
        "Suggests one of `support`, `oppose`, `neutral`, `unrelated` (LABELING.md) for a post. "
        "It only orders the review queue: humans decide, and the score is never evidence.",
        "",
        "## Provenance",
        f"- base model: `{model.get('base')}` (sha256 `{model.get('base_sha256', 'n/a')}`)",
        f"- project commit: `{model.get('git_commit')}`",
        f"- weights sha256: `{model.get('weights_sha256')}`",
        f"- trained: {model.get('trained_at')} in {_fmt(model.get('train_seconds'))} s, "
        f"{model.get('steps')} steps; settings `{json.dumps(model.get('config', {}))}`",
        f"- fine-tuned: {_fine_tuned(model.get('config', {}))}",
        f"- int8 dynamic quantisation at inference: {info.get('quantize_int8')} "
        f"({info.get('quantize_reason', '')}; measured in "
        f"{', '.join(info.get('int8_engines_measured') or ['torch'])}, "
        f"run by {info.get('int8_engine', 'torch')} on the build machine); "
        f"{_quantization(info.get('quantization', {}))}",
        f"- input preparation: {_preparation(model.get('preprocessing', {}))}",
        f"- stand-in names: {_stand_ins(model.get('stand_in_rate'))}",
        "",
        "## Training data",
        f"- examples: {data.get('n_train')}; {data.get('n_train_original')} before swap "
        "augmentation (a masked model gets none: a swapped copy masks to its original)",
        f"- reviewers' labels (`pantau model export-reviews`): {data.get('n_review', 0)} "
        "examples before augmentation",
        f"- per source: `{json.dumps(data.get('per_source', {}), sort_keys=True)}`",
        f"- per label: `{json.dumps(data.get('per_label', {}), sort_keys=True)}`",
        f"- held-out sources (never trained on): {data.get('heldout_sources')}",
        "",
        *_agreement_lines(data.get("label_agreement", {})),
        "## Evaluation",
        "",
    ]
    for name, rep in info.get("evaluation", {}).items():
        if rep and rep.get("n"):
            lines += _split_table(name, rep)
        else:
            lines += [f"### {name}", "", "not available (no examples)", ""]
    fair = info.get("fairness", {})
    lines += ["## Fairness", ""]
    for name, block in fair.items():
        cf = block.get("counterfactual", {})
        lines += [
            f"### {name}",
            "",
            f"- counterfactual swaps: {cf.get('pairs')} pairs; flag decision changed "
            f"{_fmt(cf.get('decision_change_rate'))}, label changed "
            f"{_fmt(cf.get('label_change_rate'))}{_identical(cf)}",
            f"- per-candidate flag precision gap: {_fmt(block.get('precision_gap'))}",
            "",
            "| side | precision | recall | flagged | partisan |",
            "|---|---|---|---|---|",
        ]
        for side, s in block.get("per_candidate", {}).items():
            lines.append(
                f"| {side} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {s['flagged']} "
                f"| {s['partisan']} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
