"""Learning from reviews: settled flags -> labelled examples in the training format.

``pantau model export-reviews`` writes one JSON line per reviewed text, shaped like the seed set
(``id, text, label, targets, source, labeller, note``) plus ``decision_ids`` and ``flag_ids``
(the review record the label came from). Only post-like items (``item_type == "post"``) whose
text is still stored are exported; texts are normalised like the public sets (mentions
``@USER``, links ``HTTPURL``), so handles of ordinary users never reach a training file.

How a settled flag becomes a label (docs/learning.md):

- **confirmed** (and **referred**, which was confirmed first) by two reviewers (re-derived from
  the decisions; a stored status they do not back is skipped): the model's
  suggestion when it was partisan (``support``/``oppose``); otherwise ``support`` when the flag
  came from the text itself (no watched account involved: campaign cues, hashtags, ballot
  numbers, hand signs in the ASN's own words are acts in favour of that side); a flag that came
  from an engagement with a watched account (a comment on, a share of, a photo tagging it) with
  no partisan suggestion is SKIPPED: the act was the engagement, the words may be neutral.
  Targets: the flag's side.
- **dismissed**: by the dismissal reason (:func:`dismissal_label`): reasons about the account or
  the procedure (hacked, impersonated, not the ASN's account, duplicate, outside the campaign
  period) are SKIPPED (the words may still be partisan); reasons saying the text is not about
  the election (``tidak terkait``, ``bukan politik``, a namesake) -> ``unrelated``; any other
  reason -> ``neutral`` (the reviewer judged the words not to take a side). A flag whose ASN
  claimed (and substantiated) a compromised or impersonated account is skipped too.
- One text, several flags: a confirmed partisan label wins over dismissals; two confirmed flags
  with different labels (support of one side, oppose of another) are skipped as ambiguous;
  dismissals alone that disagree give ``neutral`` (LABELING.md rule 7).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.classify import corpus, datasets
from pantau.classify.corpus import Example
from pantau.collect.models import Post
from pantau.detect.models import Flag
from pantau.errors import InputRejected, RowError
from pantau.review.decisions_models import Clarification, Decision

REVIEW_SOURCE = "review"
SETTLED = ("confirmed", "referred", "dismissed")
PARTISAN = ("support", "oppose")

# Dismissal reasons that are about the account or the procedure, not the words.
_NOT_ABOUT_TEXT = re.compile(
    r"diretas|peretas|\bhack|dibajak|bukan (?:akun|milik)|akun (?:palsu|orang lain|tiruan)"
    r"|impersonat|compromised|bukan asn|salah orang|duplikat|duplicate|sudah dilaporkan"
    r"|(?:di luar|sebelum|setelah) (?:masa|periode) kampanye|kedaluwarsa",
    re.IGNORECASE,
)
_UNRELATED = re.compile(
    r"tidak terkait|tak terkait|tidak berkaitan|tidak ada hubungan|bukan (?:soal |tentang )?"
    r"(?:pemilu|pilkada|pilpres|politik)|di luar pemilu|unrelated|namesake|nama (?:yang )?sama"
    r"|hanya kesamaan nama",
    re.IGNORECASE,
)


def dismissal_label(reason: str) -> str | None:
    """``unrelated``/``neutral`` for a dismissal reason, ``None`` when it is not about the text."""
    if _NOT_ABOUT_TEXT.search(reason):
        return None
    if _UNRELATED.search(reason):
        return "unrelated"
    return "neutral"


@dataclass(frozen=True)
class _Judgement:
    """One settled flag's contribution to its text's label (``label`` None: skipped)."""

    flag: Flag
    label: str | None
    why: str
    decision_ids: tuple[int, ...]


@dataclass
class ExportReport:
    """What :func:`review_examples` found: the examples and why other flags were left out."""

    examples: list[dict[str, Any]] = field(default_factory=list)
    flags_seen: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def per_label(self) -> dict[str, int]:
        return dict(Counter(str(e["label"]) for e in self.examples))


def _confirmed(flag: Flag, decisions: Sequence[Decision]) -> _Judgement:
    ids = tuple(d.id for d in decisions if d.verdict == "confirm")
    if flag.suggestion_label in PARTISAN:
        return _Judgement(flag, flag.suggestion_label, "confirmed: model suggestion", ids)
    if not flag.target_handle:
        return _Judgement(flag, "support", "confirmed: campaign cues in the text", ids)
    return _Judgement(flag, None, "confirmed engagement without a text label", ids)


def _dismissed(
    flag: Flag, decisions: Sequence[Decision], clarifications: Sequence[Clarification]
) -> _Judgement:
    dismissals = [d for d in decisions if d.verdict == "dismiss"]
    ids = tuple(d.id for d in dismissals)
    if any(c.claim != "none" and c.outcome == "claim_substantiated" for c in clarifications):
        return _Judgement(flag, None, "account claim substantiated", ids)
    labels = {dismissal_label(d.reason) for d in dismissals}
    if not dismissals or None in labels:
        return _Judgement(flag, None, "dismissed for the account or procedure", ids)
    label = "unrelated" if labels == {"unrelated"} else "neutral"
    return _Judgement(flag, label, f"dismissed: {label} by the reason", ids)


def _judge(
    flag: Flag, decisions: Sequence[Decision], clarifications: Sequence[Clarification]
) -> _Judgement:
    from pantau.review.decisions import derive_status

    # The stored status must be what the decisions make it (two different reviewers for a
    # confirmation): a label never rests on a status the review record does not back.
    expected = "dismissed" if flag.status == "dismissed" else "confirmed"
    if derive_status(decisions, clarifications) != expected:
        ids = tuple(d.id for d in decisions)
        return _Judgement(flag, None, "status not backed by the decisions", ids)
    if flag.status == "dismissed":
        return _dismissed(flag, decisions, clarifications)
    return _confirmed(flag, decisions)


def _combine(post: Post, judged: Sequence[_Judgement], report: ExportReport) -> None:
    usable = [j for j in judged if j.label is not None]
    for j in judged:
        if j.label is None:
            report.skipped[j.why] += 1
    if not usable:
        return
    partisan = [j for j in usable if j.label in PARTISAN]
    chosen = partisan or usable
    labels = {j.label for j in chosen}
    if partisan and len(labels) > 1:
        report.skipped["confirmed flags disagree (support and oppose)"] += len(partisan)
        return
    label = labels.pop() if len(labels) == 1 else "neutral"
    targets = sorted({j.flag.target_side for j in chosen if j.flag.target_side and partisan})
    text = datasets.normalise_text(post.text)
    report.examples.append(
        {
            "id": f"review:{post.platform}:{post.post_id}",
            "text": text,
            "label": label,
            "targets": targets,
            "source": REVIEW_SOURCE,
            "labeller": "review",
            "note": "; ".join(sorted({j.why for j in chosen})),
            "decision_ids": sorted({i for j in chosen for i in j.decision_ids}),
            "flag_ids": sorted(j.flag.id for j in chosen),
        }
    )


def review_examples(*, session: Session) -> ExportReport:
    """Every settled flag on a stored post with text, as labelled examples (one per text)."""
    report = ExportReport()
    flags = list(
        session.scalars(
            select(Flag).where(Flag.status.in_(SETTLED)).order_by(Flag.platform, Flag.id)
        )
    )
    report.flags_seen = len(flags)
    posts = _posts(session, [f for f in flags if f.item_type == "post"])
    report.skipped["not a post"] = sum(f.item_type != "post" for f in flags)
    decisions = _by_flag(session, Decision, [f.id for f in flags])
    clarifications = _by_flag(session, Clarification, [f.id for f in flags])
    by_post: dict[tuple[str, str], list[_Judgement]] = {}
    for flag in flags:
        if flag.item_type != "post":
            continue
        post = posts.get((flag.platform, flag.item_id))
        if post is None or not post.text.strip():
            report.skipped["no stored text"] += 1
            continue
        one = _judge(flag, decisions.get(flag.id, []), clarifications.get(flag.id, []))
        by_post.setdefault((flag.platform, flag.item_id), []).append(one)
    for key, judged in by_post.items():
        _combine(posts[key], judged, report)
    report.skipped = Counter({k: v for k, v in report.skipped.items() if v})
    return report


def _posts(session: Session, flags: Sequence[Flag]) -> dict[tuple[str, str], Post]:
    found: dict[tuple[str, str], Post] = {}
    by_platform: dict[str, set[str]] = {}
    for f in flags:
        by_platform.setdefault(f.platform, set()).add(f.item_id)
    for platform, ids in by_platform.items():
        items = sorted(ids)
        for start in range(0, len(items), 500):
            stmt = select(Post).where(
                Post.platform == platform, Post.post_id.in_(items[start : start + 500])
            )
            found |= {(p.platform, p.post_id): p for p in session.scalars(stmt)}
    return found


def _by_flag(session: Session, model: Any, flag_ids: Sequence[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for start in range(0, len(flag_ids), 500):
        chunk = flag_ids[start : start + 500]
        for row in session.scalars(select(model).where(model.flag_id.in_(chunk))):
            out.setdefault(row.flag_id, []).append(row)
    return out


def write_examples(rows: Iterable[dict[str, Any]], out: Path) -> int:
    """Write JSON lines atomically (a temporary file renamed into place); returns the count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def load_reviews(path: Path) -> list[Example]:
    """An export as corpus examples; every row checked (all problems reported, nothing kept)."""
    examples: list[Example] = []
    problems: list[RowError] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            problem, example = _parse_row(str(path), line_no, line)
            if problem is None and example is not None and example.id in seen:
                problem = RowError(str(path), line_no, "id", example.id, "duplicate id")
            if problem is not None:
                problems.append(problem)
            elif example is not None:
                seen.add(example.id)
                examples.append(example)
    if problems:
        raise InputRejected(f"review export {path} has bad rows", problems)
    return examples


def _parse_row(file: str, line_no: int, line: str) -> tuple[RowError | None, Example | None]:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return RowError(file, line_no, "json", line[:40], str(exc)), None
    if not isinstance(rec, dict):
        return RowError(file, line_no, "json", line[:40], "not an object"), None
    checks = (
        ("label", rec.get("label") in corpus.LABELS, "unknown label"),
        ("text", isinstance(rec.get("text"), str) and rec["text"].strip(), "empty text"),
        ("id", isinstance(rec.get("id"), str) and rec["id"], "missing id"),
        ("source", rec.get("source") == REVIEW_SOURCE, f"must be {REVIEW_SOURCE!r}"),
        ("decision_ids", bool(rec.get("decision_ids")), "no decision ids"),
    )
    for column, ok, reason in checks:
        if not ok:
            return RowError(file, line_no, column, str(rec.get(column))[:60], reason), None
    return None, Example(
        id=rec["id"],
        text=rec["text"],
        label=rec["label"],
        targets=tuple(str(t) for t in rec.get("targets") or ()),
        source=REVIEW_SOURCE,
        labeller=str(rec.get("labeller") or "review"),
        group=str(rec["id"]),
    )


def add_to_training(splits: corpus.Splits, reviews: Sequence[Example]) -> corpus.Splits:
    """``splits`` with the review examples added to TRAINING only.

    Evaluation data stays exactly what it was (so a model trained with reviews is compared with
    one trained without on the same texts); a review text that is already in any split is
    left out, so no evaluation text leaks into training.
    """
    taken = {
        corpus.text_key(e.text)
        for part in (splits.train, splits.dev, splits.test, splits.heldout)
        for e in part
    }
    added: list[Example] = []
    for example in reviews:
        key = corpus.text_key(example.text)
        if key not in taken:
            taken.add(key)
            added.append(replace(example, group=example.group or example.id))
    return replace(splits, train=[*splits.train, *added])


def count_reviews(examples: Iterable[Example]) -> int:
    return sum(e.source == REVIEW_SOURCE for e in examples)


def export_reviews(*, session: Session, out: Path, actor: str) -> ExportReport:
    """Write the reviewed examples to ``out`` (JSON lines) and audit the export."""
    from pantau.review import audit

    report = review_examples(session=session)
    write_examples(report.examples, out)
    audit.record(
        session=session,
        actor=actor,
        action="model.export_reviews",
        subject_type="file",
        subject_id=out.name,
        detail={
            "examples": len(report.examples),
            "per_label": report.per_label,
            "flags_seen": report.flags_seen,
            "skipped": dict(report.skipped),
        },
    )
    return report


def default_reviews_path(var_dir: Path) -> Path:
    """Where ``pantau model export-reviews`` writes and ``train --with-reviews`` reads."""
    return var_dir / "reviews" / "reviews.jsonl"
