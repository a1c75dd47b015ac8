"""The training corpus: seed set + our labels of public rows + unrelated rows, deduplicated.

Sources, in the order they win when the same text occurs twice:

1. ``data/seed/seed.jsonl``: posts we wrote ourselves (always available, even on a fresh
   machine without the public datasets);
2. ``data/labels/<dataset>.csv``: our labels (``LABELING.md``) of rows of the public election
   sets, keyed by row id and the SHA-256 of the normalised text (the text itself is read from
   ``datasets_dir`` at run time and never committed);
3. non-political rows of SmSA, EmoT and Netifier as ``unrelated`` (:mod:`.unrelated`).

:func:`split` deduplicates again (normalised-text hash), keeps whole held-out sources out of
training, and keeps template groups (a seed template filled for every side) in one split.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from pantau.classify import datasets
from pantau.config import PROJECT_ROOT
from pantau.errors import InputRejected, RowError

LABELS: tuple[str, ...] = ("support", "oppose", "neutral", "unrelated")
PARTISAN: frozenset[str] = frozenset({"support", "oppose"})
SEED_PATH = PROJECT_ROOT / "data" / "seed" / "seed.jsonl"
# Posts written one by one (not from templates): each is its own split group.
WRITTEN_PATH = PROJECT_ROOT / "data" / "seed" / "written.jsonl"
LABELS_DIR = PROJECT_ROOT / "data" / "labels"
# Labelled public sets, held-out sources first so that they keep their rows when texts repeat.
LABELLED_DATASETS: tuple[str, ...] = (
    "pilkada_dki2017",
    "indolem_sentiment",
    "pilpres2019_tweet",
    "falsenews_pilpres2019",
    "ibrohim2019",
)
# Never trained on: an election of its own (Pilkada DKI 2017, a contest none of the training
# rows is about) and general tweets (the `unrelated` class of the held-out evaluation).
HELDOUT_SOURCES: tuple[str, ...] = ("pilkada_dki2017", "indolem_sentiment")
# The sides of the contests on our watch lists (keys of config/watchlists/*.yaml).
WATCHED_CONTESTS: tuple[tuple[str, ...], ...] = (
    ("anies-muhaimin", "prabowo-gibran", "ganjar-mahfud"),
    ("ridwankamil-suswono", "dharma-kun", "pramono-rano"),
)
LABEL_COLUMNS = ("dataset", "row_id", "text_sha256", "label", "targets", "labeller", "note")


@dataclass(frozen=True)
class Example:
    """One labelled text. ``group`` ties texts that must stay in one split (seed templates)."""

    id: str
    text: str
    label: str
    targets: tuple[str, ...]
    source: str
    labeller: str
    group: str = ""


@dataclass(frozen=True)
class Splits:
    train: list[Example]
    dev: list[Example]
    test: list[Example]
    heldout: list[Example]


class CueMatch(Protocol):
    @property
    def sides(self) -> Collection[str]: ...


class CueMatcher(Protocol):
    """What corpus needs of ``pantau.registry.cues``' matcher."""

    def match(self, text: str) -> CueMatch: ...

    def swap(self, text: str, a: str, b: str) -> str: ...

    def mask(self, text: str) -> str: ...


# --- loading ---------------------------------------------------------------------------------


def load_seed(path: Path = SEED_PATH) -> list[Example]:
    """The hand-written seed set; every row checked (label known, id unique)."""
    examples: list[Example] = []
    problems: list[RowError] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(RowError(str(path), line_no, "json", line[:40], str(exc)))
                continue
            if rec.get("label") not in LABELS:
                problems.append(
                    RowError(str(path), line_no, "label", str(rec.get("label")), "unknown label")
                )
                continue
            if rec["id"] in seen:
                problems.append(RowError(str(path), line_no, "id", rec["id"], "duplicate id"))
                continue
            seen.add(rec["id"])
            examples.append(
                Example(
                    id=str(rec["id"]),
                    text=str(rec["text"]),
                    label=str(rec["label"]),
                    targets=tuple(rec.get("targets") or ()),
                    source=str(rec.get("source") or "seed"),
                    labeller=str(rec.get("labeller") or ""),
                    group=f"seed:{rec.get('group') or rec.get('note') or rec['id']}",
                )
            )
    if problems:
        raise InputRejected(f"seed set {path} has bad rows", problems)
    return examples


def read_label_file(path: Path) -> list[dict[str, str]]:
    """Rows of one ``data/labels/*.csv`` file, checked for columns and known labels."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
            raise InputRejected(f"{path}: columns must be {','.join(LABEL_COLUMNS)}")
        rows = list(reader)
    problems = [
        RowError(str(path), i, "label", row["label"], "unknown label")
        for i, row in enumerate(rows, start=2)
        if row["label"] not in LABELS
    ]
    if problems:
        raise InputRejected(f"label file {path} has bad rows", problems)
    return rows


def load_labelled(
    dataset: str, *, datasets_dir: Path, labels_dir: Path = LABELS_DIR
) -> list[Example]:
    """Our labels of ``dataset`` joined to its texts; a changed or missing text is an error."""
    path = labels_dir / f"{dataset}.csv"
    texts = {row.row_id: row.text for row in datasets.load_rows(dataset, datasets_dir=datasets_dir)}
    examples: list[Example] = []
    problems: list[RowError] = []
    for line_no, rec in enumerate(read_label_file(path), start=2):
        text = texts.get(rec["row_id"])
        if rec["dataset"] != dataset:
            problems.append(RowError(str(path), line_no, "dataset", rec["dataset"], "wrong set"))
        elif text is None:
            problems.append(
                RowError(str(path), line_no, "row_id", rec["row_id"], f"no such row in {dataset}")
            )
        elif (found := datasets.text_sha256(text)) != rec["text_sha256"]:
            problems.append(
                RowError(
                    str(path),
                    line_no,
                    "text_sha256",
                    rec["text_sha256"],
                    f"dataset {dataset} row {rec['row_id']}: text hash is now {found} "
                    "(the dataset or the normalisation changed)",
                )
            )
        else:
            examples.append(
                Example(
                    id=f"{dataset}:{rec['row_id']}",
                    text=text,
                    label=rec["label"],
                    targets=tuple(t for t in rec["targets"].split(";") if t),
                    source=dataset,
                    labeller=rec["labeller"],
                )
            )
    if problems:
        raise InputRejected(f"labels of {dataset} do not match the dataset texts", problems)
    return examples


def load_corpus(
    *,
    datasets_dir: Path | None,
    labels_dir: Path = LABELS_DIR,
    unrelated_per_dataset: int = 300,
) -> list[Example]:
    """Seed + labelled public rows + unrelated rows (when ``datasets_dir`` is given), deduped."""
    examples = load_seed()
    if WRITTEN_PATH.is_file():
        examples += load_seed(WRITTEN_PATH)
    if datasets_dir is not None:
        from pantau.classify.unrelated import select_unrelated

        for name in LABELLED_DATASETS:
            if (labels_dir / f"{name}.csv").is_file():
                examples += load_labelled(name, datasets_dir=datasets_dir, labels_dir=labels_dir)
        examples += select_unrelated(datasets_dir=datasets_dir, per_dataset=unrelated_per_dataset)
    return dedupe(examples)


# --- deduplication and splits ----------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def text_key(text: str) -> str:
    """Hash of the text with case, punctuation, mentions, links and spacing ignored."""
    text = datasets.normalise_text(text)
    text = text.replace(datasets.USER_TOKEN, " ").replace(datasets.URL_TOKEN, " ")
    text = re.sub(r"^(?:rt\s+)+", "", text.lower().strip())
    return hashlib.sha256(_NON_WORD.sub(" ", text).strip().encode("utf-8")).hexdigest()


def dedupe(examples: Iterable[Example]) -> list[Example]:
    """Keep the first example of every normalised text (so the earlier source wins)."""
    seen: set[str] = set()
    kept: list[Example] = []
    for example in examples:
        key = text_key(example.text)
        if key not in seen:
            seen.add(key)
            kept.append(example)
    return kept


def split(
    examples: Sequence[Example],
    *,
    heldout_sources: Sequence[str] = HELDOUT_SOURCES,
    test_fraction: float = 0.15,
    dev_fraction: float = 0.1,
    seed: int = 13,
) -> Splits:
    """Held-out sources whole, the rest at random by group, stratified by label."""
    unique = dedupe(examples)
    heldout = [e for e in unique if e.source in heldout_sources]
    groups: dict[str, list[Example]] = {}
    for e in unique:
        if e.source not in heldout_sources:
            groups.setdefault(e.group or f"id:{e.id}", []).append(e)
    by_label: dict[str, list[str]] = {}
    for key, members in sorted(groups.items()):
        by_label.setdefault(members[0].label, []).append(key)
    rng = random.Random(seed)
    train: list[Example] = []
    dev: list[Example] = []
    test: list[Example] = []
    for label in sorted(by_label):
        keys = by_label[label]
        rng.shuffle(keys)
        n_test = round(len(keys) * test_fraction)
        n_dev = round(len(keys) * dev_fraction)
        for i, key in enumerate(keys):
            target = test if i < n_test else dev if i < n_test + n_dev else train
            target.extend(groups[key])
    return Splits(train=train, dev=dev, test=test, heldout=heldout)


# --- candidate masking and swaps -------------------------------------------------------------


def mask_candidates(example: Example, matcher: CueMatcher) -> Example:
    """The example with every candidate name, number, slogan and hashtag masked."""
    return replace(example, text=matcher.mask(example.text))


def augment_with_swaps(
    examples: Sequence[Example],
    matcher: CueMatcher,
    *,
    contests: Sequence[Sequence[str]] = WATCHED_CONTESTS,
) -> list[Example]:
    """The examples plus, for each text naming a watched side, one copy per other side.

    A copy moves the cues of every side the text names to another side of the same contest
    (all permutations), and its targets with them, so each side appears equally often in each
    label. Copies share the original's group, so they never cross a split boundary.
    """
    out = list(examples)
    for example in examples:
        found = set(matcher.match(example.text).sides)
        seen_texts = {example.text}
        for contest in contests:
            if not found & set(contest):
                continue
            for perm in itertools.permutations(contest):
                mapping = {a: b for a, b in zip(contest, perm, strict=True) if a != b}
                if not mapping:
                    continue
                text = _swap_all(matcher, example.text, mapping, found & set(contest))
                if text in seen_texts:
                    continue
                seen_texts.add(text)
                targets = tuple(mapping.get(t, t) for t in example.targets)
                tag = ",".join(f"{a}>{b}" for a, b in sorted(mapping.items()))
                out.append(
                    replace(
                        example,
                        id=f"{example.id}~{tag}",
                        text=text,
                        targets=targets,
                        group=example.group or f"id:{example.id}",
                    )
                )
    return out


def _swap_all(matcher: CueMatcher, text: str, mapping: dict[str, str], found: set[str]) -> str:
    """Move the cues of each side in ``found`` to ``mapping[side]`` with pairwise exchanges.

    Only sides the text names take part, so a cue travels straight to its target and never
    through a third side's spelling (which could leave that side's casing behind).
    """
    pos = {side: side for side in found}  # original side -> slot now holding its cues
    for side in sorted(found):
        here, target = pos[side], mapping.get(side, side)
        if here == target:
            continue
        text = matcher.swap(text, here, target)
        for other, slot in pos.items():
            if slot == target:
                pos[other] = here
        pos[side] = target
    return text


# --- counts ----------------------------------------------------------------------------------


def label_counts(examples: Iterable[Example]) -> dict[str, int]:
    """Examples per label, in :data:`LABELS` order (zeros included)."""
    counts = Counter(e.label for e in examples)
    return {label: counts.get(label, 0) for label in LABELS}


def side_label_counts(examples: Iterable[Example]) -> dict[tuple[str, str], int]:
    """(target side, label) -> number of examples naming that side as a target."""
    counts: Counter[tuple[str, str]] = Counter()
    for e in examples:
        for target in e.targets:
            counts[(target, e.label)] += 1
    return dict(counts)
