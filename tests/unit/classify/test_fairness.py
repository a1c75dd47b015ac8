"""Fairness: per-candidate precision/recall by hand, and the counterfactual swap on the seed set
with the real cue matcher (every ordered pair of sides of both watch lists)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pantau.classify.corpus import Example, load_seed
from pantau.classify.fairness import (
    contests_of,
    counterfactual,
    per_candidate,
    precision_gap,
    swap_pairs,
)
from pantau.classify.predict import Classifier
from pantau.classify.train import TrainConfig, fine_tune
from tests.unit.classify.tiny import ToyMatcher, make_tiny_base, toy_examples


def _ex(text: str, label: str, targets: tuple[str, ...] = ()) -> Example:
    return Example(text, text, label, targets, "t", "t")


def test_per_candidate_by_hand() -> None:
    examples = [
        _ex("pilih anies", "support", ("anies-muhaimin",)),  # flagged, right
        _ex("kpu anies", "neutral"),  # flagged, wrong
        _ex("tolak prabowo", "oppose", ("prabowo-gibran",)),  # flagged, right
        _ex("dukung prabowo", "support", ("prabowo-gibran",)),  # missed
        _ex("makan siang", "unrelated"),  # no side
    ]
    pred = ["support", "oppose", "oppose", "neutral", "support"]
    sides = per_candidate(examples, pred, ToyMatcher())
    assert sides["anies-muhaimin"] == {"precision": 0.5, "recall": 1.0, "flagged": 2, "partisan": 1}
    assert sides["prabowo-gibran"] == {"precision": 1.0, "recall": 0.5, "flagged": 1, "partisan": 2}
    assert set(sides) == {"anies-muhaimin", "prabowo-gibran"}
    assert precision_gap(sides, min_flagged=1) == 0.5
    assert precision_gap(sides, min_flagged=2) is None  # only one side with 2 flags
    assert precision_gap(sides) is None  # the default asks for 20 flags a side


def test_precision_gap_is_between_candidates_with_enough_flags() -> None:
    def side(precision: float, flagged: int) -> dict[str, float | int]:
        return {"precision": precision, "recall": 1.0, "flagged": flagged, "partisan": flagged}

    sides = {
        "anies-muhaimin": side(0.80, 40),
        "prabowo-gibran": side(0.70, 25),
        "ganjar-mahfud": side(1.00, 19),  # too few flags to tell from noise
        "pdip": side(0.20, 60),  # a party, not a candidate
    }
    from pantau.classify.fairness import party_keys
    from pantau.registry.cues import default_matcher

    parties = party_keys(default_matcher())
    assert {"pdip", "gerindra", "pks"} <= parties
    assert not parties & {"anies-muhaimin", "prabowo-gibran", "ganjar-mahfud"}
    assert precision_gap(sides, exclude=parties) == pytest.approx(0.10)
    assert precision_gap(sides) == pytest.approx(0.60)  # parties count unless excluded
    assert party_keys(ToyMatcher()) == frozenset()  # no side kinds known: nothing excluded


@pytest.fixture(scope="module")
def real_matcher():  # type: ignore[no-untyped-def]
    from pantau.registry.cues import default_matcher

    return default_matcher()


def test_contests_come_from_both_watch_lists(real_matcher) -> None:  # type: ignore[no-untyped-def]
    contests = {frozenset(c) for c in contests_of(real_matcher)}
    assert frozenset({"anies-muhaimin", "prabowo-gibran", "ganjar-mahfud"}) in contests
    assert len(contests) == 2 and all(len(c) == 3 for c in contests)


def test_seed_swaps_cover_every_ordered_pair(real_matcher) -> None:  # type: ignore[no-untyped-def]
    seed = load_seed()
    pairs = swap_pairs(seed, real_matcher)
    assert pairs, "the seed set names candidates"
    seen = {(a, b) for _, a, b, _ in pairs}
    for contest in contests_of(real_matcher):
        for a, b in itertools.permutations(contest, 2):
            assert (a, b) in seen, f"no seed text exercises the swap {a} -> {b}"
    wrong = []
    for index, a, b, text in pairs:
        after = set(real_matcher.match(text).sides)
        before = set(real_matcher.match(seed[index].text).sides)
        # the swapped text names b wherever the original named a (and a only if it named b)
        if b not in after or (a in after) != (b in before):
            wrong.append((seed[index].id, a, b))
    # Known exception: a colleague's first name ("Mas Ganjar ...") swaps to "AMIN", which the
    # matcher then (rightly) does not read as a candidate without campaign context.
    assert len(wrong) <= len(pairs) // 100, wrong


def _tiny_model(tmp_path: Path) -> Path:
    """A tiny model trained a few steps on the toy task, at ``tmp_path / "m"``."""
    examples = toy_examples()
    fine_tune(
        base=str(make_tiny_base(tmp_path / "base")),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=tmp_path / "m",
        config=TrainConfig(max_steps=10, batch_size=8, threads=1),
    )
    return tmp_path / "m"


def test_counterfactual_rates_on_seed(tmp_path: Path, real_matcher) -> None:  # type: ignore[no-untyped-def]
    clf = Classifier(_tiny_model(tmp_path), quantize=False, threads=1)
    seed = load_seed()[:120]
    result = counterfactual(clf, seed, real_matcher)
    assert result["pairs"] == len(swap_pairs(seed, real_matcher))
    assert result["decision_change_rate"] == result["decision_changes"] / result["pairs"]
    assert result["label_changes"] >= result["decision_changes"]
    assert len(result["changed_examples"]) == min(10, result["decision_changes"])
    assert result["identical_inputs"] == 0  # an unmasked model reads every swap anew


def test_counterfactual_classifies_only_swaps_that_reach_the_model_changed(
    tmp_path: Path, real_matcher
) -> None:  # type: ignore[no-untyped-def]
    """With cue masking most swaps become the original's input again: those are not run
    through the model, and the rates equal those of classifying every swapped text."""
    import numpy as np

    from pantau.classify.preprocess import Preprocessing
    from pantau.classify.preprocess import save as save_preprocessing

    model = _tiny_model(tmp_path)
    save_preprocessing(model, Preprocessing(mask_cues=True, compound_hashtags=True))
    clf = Classifier(model, quantize=False, threads=1)
    seed = load_seed()
    pairs = swap_pairs(seed, real_matcher)
    masked = clf.prepare([text for *_, text in pairs])
    originals = clf.prepare([seed[i].text for i, *_ in pairs])
    same = sum(a == b for a, b in zip(masked, originals, strict=True))
    assert 0 < same < len(pairs)  # mostly masked back; a few (namesakes) not
    fed: list[int] = []
    real = clf.probabilities

    def counting(texts, **kwargs):  # type: ignore[no-untyped-def]
        fed.append(len(texts))
        return real(texts, **kwargs)

    clf.probabilities = counting  # type: ignore[method-assign]
    result = counterfactual(clf, seed, real_matcher)
    assert result["identical_inputs"] == same
    assert fed == [len({i for i, *_ in pairs}), len(pairs) - same]  # originals, then the rest
    # The same rates as classifying every swapped text.
    before = real([seed[i].text for i, *_ in pairs]).argmax(axis=1)
    after = real([text for *_, text in pairs]).argmax(axis=1)
    partisan = {clf.labels.index(x) for x in ("support", "oppose")}
    flips = [(b in partisan) != (a in partisan) for a, b in zip(after, before, strict=True)]
    assert result["decision_changes"] == sum(flips)
    assert result["label_changes"] == int(np.sum(before != after))
