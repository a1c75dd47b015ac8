"""Fairness across candidates: per-side precision/recall and the counterfactual swap test.

The decision that matters is the flag (support/oppose vs the rest): a flag costs a civil
servant a review. The counterfactual test swaps every candidate's names, numbers, slogans and
hashtags with another side's of the same contest (every ordered pair, both watch lists; names
inside hashtags too, ``#TolakAnies`` -> ``#TolakPrabowo``) and counts how often the flag
decision, and the 4-class label, change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from pantau.classify.corpus import WATCHED_CONTESTS, CueMatcher, Example
from pantau.classify.metrics import PARTISAN_LABELS, prf
from pantau.classify.predict import Classifier, SideMatcher

# The cue matcher's interface as the corpus uses it (match/.sides, swap, mask).
SwapMatcher = CueMatcher


def per_candidate(
    examples: Sequence[Example], pred: Sequence[str], matcher: SideMatcher
) -> dict[str, dict[str, float | int]]:
    """For each side: precision of flags on texts naming it, recall on partisan texts about it.

    A text counts for a side when the cue matcher finds that side in it (what the queue sees)
    or when the side is one of the text's gold targets."""
    sides_of = [set(matcher.match(e.text).sides) | set(e.targets) for e in examples]
    all_sides = sorted(set().union(*sides_of)) if sides_of else []
    out: dict[str, dict[str, float | int]] = {}
    for side in all_sides:
        tp = fp = fn = 0
        for example, label, sides in zip(examples, pred, sides_of, strict=True):
            if side not in sides:
                continue
            gold_flag = example.label in PARTISAN_LABELS
            flagged = label in PARTISAN_LABELS
            tp += gold_flag and flagged
            fp += flagged and not gold_flag
            fn += gold_flag and not flagged
        score = prf(tp, fp, fn)
        out[side] = {
            "precision": score.precision,
            "recall": score.recall,
            "flagged": tp + fp,
            "partisan": tp + fn,
        }
    return out


# A side's precision counts towards the gap only with this many flags: with 5, one wrong flag
# moves it by 20 points, so a 5-point target could not be told from noise.
MIN_FLAGGED = 20


def precision_gap(
    per_side: dict[str, dict[str, float | int]],
    *,
    min_flagged: int = MIN_FLAGGED,
    exclude: Collection[str] = (),
) -> float | None:
    """Largest difference of flag precision between candidates (sides not in ``exclude``,
    e.g. parties) with at least ``min_flagged`` flags; None with fewer than two such."""
    values = [
        float(v["precision"])
        for side, v in per_side.items()
        if v["flagged"] >= min_flagged and side not in exclude
    ]
    return max(values) - min(values) if len(values) >= 2 else None


def party_keys(matcher: object) -> frozenset[str]:
    """The parties among a matcher's sides (``kind == "party"`` in the watch lists): the
    per-candidate gap is between candidate pairs, not parties."""
    sides = getattr(matcher, "sides", None)
    if not isinstance(sides, dict):
        return frozenset()
    return frozenset(k for k, info in sides.items() if getattr(info, "kind", "") == "party")


def contests_of(matcher: object) -> list[tuple[str, ...]]:
    """The candidate pairs of each contest, from the matcher's watch lists when it knows them
    (``pantau.registry.cues.CueMatcher.sides``), else the corpus's list of watched contests."""
    sides = getattr(matcher, "sides", None)
    if not isinstance(sides, dict):
        return [tuple(c) for c in WATCHED_CONTESTS]
    grouped: dict[str, list[str]] = {}
    for key, info in sides.items():
        contest = getattr(info, "contest", None)
        if getattr(info, "kind", "") == "pair" and contest:
            grouped.setdefault(str(contest), []).append(str(key))
    return [tuple(v) for _, v in sorted(grouped.items()) if len(v) >= 2] or [
        tuple(c) for c in WATCHED_CONTESTS
    ]


def swap_pairs(
    examples: Sequence[Example],
    matcher: SwapMatcher,
    contests: Sequence[Sequence[str]] | None = None,
) -> list[tuple[int, str, str, str]]:
    """(example index, side a, side b, swapped text) for every text naming a and each b != a."""
    contests = contests if contests is not None else contests_of(matcher)
    pairs: list[tuple[int, str, str, str]] = []
    for index, example in enumerate(examples):
        found = set(matcher.match(example.text).sides)
        for contest in contests:
            for a in contest:
                if a not in found:
                    continue
                for b in contest:
                    if b == a:
                        continue
                    swapped = matcher.swap(example.text, a, b)
                    if swapped != example.text:
                        pairs.append((index, a, b, swapped))
    return pairs


def counterfactual(
    classifier: Classifier,
    examples: Sequence[Example],
    matcher: SwapMatcher,
    contests: Sequence[Sequence[str]] | None = None,
    *,
    keep_examples: int = 10,
    original_probs: Any = None,
) -> dict[str, Any]:
    """How often swapping one side's cues for another's changes the flag or the label."""
    pairs = swap_pairs(examples, matcher, contests)
    if not pairs:
        return {"pairs": 0, "decision_change_rate": None, "label_change_rate": None}
    used = sorted({i for i, *_ in pairs})
    # Texts as the model reads them (its own preparation: cue masking), each prepared once.
    inputs = classifier.prepare([examples[i].text for i in used])
    if original_probs is not None:  # already computed for these examples (in their order)
        originals = original_probs[used].argmax(axis=1)
    else:
        originals = classifier.probabilities(inputs, prepare=list).argmax(axis=1)
    label_of = {i: classifier.labels[int(k)] for i, k in zip(used, originals, strict=True)}
    # A swap that preparation turns back into the original's input cannot change its output:
    # only the swaps that reach the model as another text are classified again. How many
    # reach it unchanged is reported (``identical_inputs``).
    prepared = dict(zip(used, inputs, strict=True))
    swaps = classifier.prepare([text for *_, text in pairs])
    differ = [k for k, (p, s) in enumerate(zip(pairs, swaps, strict=True)) if s != prepared[p[0]]]
    after_of = {k: label_of[pair[0]] for k, pair in enumerate(pairs)}
    if differ:
        probs = classifier.probabilities([swaps[k] for k in differ], prepare=list)
        labels = probs.argmax(axis=1)
        after_of |= {k: classifier.labels[int(j)] for k, j in zip(differ, labels, strict=True)}
    decision_changes = label_changes = 0
    changed: list[dict[str, str]] = []
    for k, (index, a, b, _text) in enumerate(pairs):
        before, after = label_of[index], after_of[k]
        label_changes += before != after
        if (before in PARTISAN_LABELS) != (after in PARTISAN_LABELS):
            decision_changes += 1
            if len(changed) < keep_examples:
                changed.append({"id": examples[index].id, "swap": f"{a}>{b}", "from": before})
    return {
        "pairs": len(pairs),
        "texts": len(used),
        "identical_inputs": len(pairs) - len(differ),
        "decision_changes": decision_changes,
        "label_changes": label_changes,
        "decision_change_rate": decision_changes / len(pairs),
        "label_change_rate": label_changes / len(pairs),
        "changed_examples": changed,
    }
