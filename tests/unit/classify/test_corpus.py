"""Corpus assembly: the seed set, deduplication, splits, label joins, masking and swaps."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from pantau.classify import corpus, datasets
from pantau.classify.corpus import Example
from pantau.config import PROJECT_ROOT
from pantau.errors import InputRejected

WATCHED = [side for contest in corpus.WATCHED_CONTESTS for side in contest]


def _ex(id_: str, text: str, label: str = "neutral", source: str = "s", group: str = "") -> Example:
    return Example(id_, text, label, (), source, "test", group)


# --- seed ------------------------------------------------------------------------------------


def test_seed_loads_with_all_labels_and_unique_ids() -> None:
    seed = corpus.load_seed()
    counts = corpus.label_counts(seed)
    assert len(seed) >= 400
    assert all(counts[label] >= 90 for label in corpus.LABELS), counts
    assert len({e.id for e in seed}) == len(seed)
    assert {e.source for e in seed} == {"seed"}


def test_seed_is_symmetric_across_every_side_of_both_elections() -> None:
    seed = corpus.load_seed()
    per_side = corpus.side_label_counts(seed)
    for label in ("support", "oppose", "neutral"):
        counts = {side: per_side.get((side, label), 0) for side in WATCHED}
        assert len(set(counts.values())) == 1, (label, counts)
    assert per_side[("anies-muhaimin", "support")] == 22
    assert per_side[("dharma-kun", "oppose")] == 22
    # Partisan posts name exactly one watched side.
    partisan = [e for e in seed if e.label in corpus.PARTISAN]
    assert all(len(e.targets) == 1 and e.targets[0] in WATCHED for e in partisan)


def test_seed_file_is_what_its_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_seed", PROJECT_ROOT / "data" / "seed" / "build_seed.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_seed"] = module
    spec.loader.exec_module(module)
    rows = module.build()
    on_disk = [json.loads(line) for line in corpus.SEED_PATH.read_text("utf-8").splitlines()]
    assert rows == on_disk


def test_bad_seed_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.jsonl"
    good = {"id": "a", "text": "x", "label": "neutral", "targets": []}
    path.write_text(
        json.dumps(good) + "\n" + json.dumps({**good, "id": "b", "label": "pro"}) + "\n", "utf-8"
    )
    with pytest.raises(InputRejected) as err:
        corpus.load_seed(path)
    assert f"{path}:2" in str(err.value)
    assert "'pro'" in str(err.value)


# --- dedupe and split ------------------------------------------------------------------------


def test_dedupe_across_sources_ignores_case_punctuation_mentions_links_and_rt() -> None:
    examples = [
        _ex("seed-1", "Coblos 02 ya, gaes!", "support", "seed"),
        _ex("a:1", "RT @budi: coblos 02 ya gaes HTTPURL", "neutral", "ibrohim2019"),
        _ex("b:7", "coblos   02 YA gaes!!! https://t.co/x", "oppose", "pilpres2019_tweet"),
        _ex("b:8", "coblos 03 ya gaes", "support", "pilpres2019_tweet"),
    ]
    kept = corpus.dedupe(examples)
    assert [e.id for e in kept] == ["seed-1", "b:8"]


def _split_fixture() -> list[Example]:
    seed = corpus.load_seed()
    heldout = [
        _ex(f"pilkada_dki2017:{i}", f"tweet pilkada nomor {i}", "support", "pilkada_dki2017")
        for i in range(30)
    ]
    # The same text in a training source and the held-out source: must not cross.
    copies = [
        replace(seed[0], id="ibrohim2019:1", source="ibrohim2019", group=""),
        replace(heldout[0], id="pilpres2019_tweet:5", source="pilpres2019_tweet"),
    ]
    return heldout + seed + copies


def test_split_keeps_heldout_source_out_and_no_text_in_two_splits() -> None:
    splits = corpus.split(_split_fixture())
    parts = {
        "train": splits.train,
        "dev": splits.dev,
        "test": splits.test,
        "heldout": splits.heldout,
    }
    assert {e.source for e in splits.heldout} == {"pilkada_dki2017"}
    assert len(splits.heldout) == 30
    for name in ("train", "dev", "test"):
        assert "pilkada_dki2017" not in {e.source for e in parts[name]}
    owner: dict[str, str] = {}
    for name, items in parts.items():
        for e in items:
            key = corpus.text_key(e.text)
            assert owner.setdefault(key, name) == name, (e.id, owner[key], name)
    # Seed templates (one per side) stay together.
    group_split = {}
    for name, items in parts.items():
        for e in items:
            if e.group:
                assert group_split.setdefault(e.group, name) == name
    total = sum(len(v) for v in parts.values())
    assert total == len(corpus.dedupe(_split_fixture()))


def test_split_is_stratified_and_reproducible() -> None:
    first = corpus.split(_split_fixture(), seed=13)
    again = corpus.split(_split_fixture(), seed=13)
    other = corpus.split(_split_fixture(), seed=14)
    assert [e.id for e in first.test] == [e.id for e in again.test]
    assert [e.id for e in first.test] != [e.id for e in other.test]
    test_counts = corpus.label_counts(first.test)
    assert all(test_counts[label] > 0 for label in corpus.LABELS), test_counts
    n = len(first.train) + len(first.dev) + len(first.test)
    assert 0.10 < len(first.test) / n < 0.20


# --- labels joined to dataset rows -------------------------------------------------------------


def _fake_pilkada(root: Path, texts: list[str]) -> Path:
    folder = root / "datasets" / "pilkada_dki2017"
    folder.mkdir(parents=True)
    with (folder / "dataset_tweet_sentiment_pilkada_DKI_2017.csv").open(
        "w", encoding="utf-8"
    ) as fh:
        writer = csv.writer(fh)
        writer.writerow(["Id", "Sentiment", "Pasangan Calon", "Text Tweet"])
        for i, text in enumerate(texts, start=1):
            writer.writerow([i, "positive", "Agus-Sylvi", text])
    return root / "datasets"


def _label_file(root: Path, rows: list[tuple[str, str, str]]) -> Path:
    labels = root / "labels"
    labels.mkdir()
    with (labels / "pilkada_dki2017.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(corpus.LABEL_COLUMNS)
        for row_id, sha, label in rows:
            writer.writerow(["pilkada_dki2017", row_id, sha, label, "agus-sylvi", "t", ""])
    return labels


def test_labels_join_to_rows_by_id_and_hash(tmp_path: Path) -> None:
    texts = ["Ayo menangkan paslon satu @kawan", "Hujan deras di kantor"]
    ddir = _fake_pilkada(tmp_path, texts)
    sha = [datasets.text_sha256(datasets.normalise_text(t)) for t in texts]
    labels = _label_file(tmp_path, [("1", sha[0], "support"), ("2", sha[1], "unrelated")])
    got = corpus.load_labelled("pilkada_dki2017", datasets_dir=ddir, labels_dir=labels)
    assert [(e.id, e.label, e.targets) for e in got] == [
        ("pilkada_dki2017:1", "support", ("agus-sylvi",)),
        ("pilkada_dki2017:2", "unrelated", ("agus-sylvi",)),
    ]
    assert got[0].text == "Ayo menangkan paslon satu @USER"


def test_changed_text_is_an_error_naming_dataset_row_and_file(tmp_path: Path) -> None:
    ddir = _fake_pilkada(tmp_path, ["teks yang berubah"])
    labels = _label_file(tmp_path, [("1", "0" * 64, "neutral"), ("9", "1" * 64, "neutral")])
    with pytest.raises(InputRejected) as err:
        corpus.load_labelled("pilkada_dki2017", datasets_dir=ddir, labels_dir=labels)
    message = str(err.value)
    assert "dataset pilkada_dki2017 row 1" in message
    assert str(labels / "pilkada_dki2017.csv") in message
    assert "no such row in pilkada_dki2017" in message
    assert len(err.value.errors) == 2


def test_corpus_without_datasets_is_the_seed_and_written_sets() -> None:
    got = corpus.load_corpus(datasets_dir=None)
    ours = corpus.load_seed() + corpus.load_seed(corpus.WRITTEN_PATH)
    assert [e.id for e in got] == [e.id for e in corpus.dedupe(ours)]
    written = [e for e in got if e.source == "written"]
    assert len(written) == 640
    assert len({e.group for e in written}) == len(written)  # each post its own split group


def test_corpus_with_shared_datasets_joins_every_label(shared_dir: Path) -> None:
    ddir = shared_dir / "datasets"
    got = corpus.load_corpus(datasets_dir=ddir, unrelated_per_dataset=50)
    sources = Counter(e.source for e in got)
    for name in corpus.LABELLED_DATASETS:
        rows = corpus.read_label_file(corpus.LABELS_DIR / f"{name}.csv")
        joined = corpus.load_labelled(name, datasets_dir=ddir)
        assert len(joined) == len(rows)  # zero hash mismatches, zero missing rows
        assert sources[name] >= 0.95 * len(rows)  # a few texts repeat across sets
    assert sources["pilkada_dki2017"] >= 300
    assert sources["indolem_sentiment"] >= 380  # the held-out general tweets
    assert {"indonlu_smsa", "indonlu_emot", "netifier"} <= set(sources)
    splits = corpus.split(got)
    assert {e.source for e in splits.heldout} == set(corpus.HELDOUT_SOURCES)
    trained = {e.source for part in (splits.train, splits.dev, splits.test) for e in part}
    assert not trained & set(corpus.HELDOUT_SOURCES)
    assert len({corpus.text_key(e.text) for e in got}) == len(got)


def test_rows_read_but_not_trained_on_join_the_dataset_and_stay_out_of_training(
    shared_dir: Path,
) -> None:
    """data/labels/later/ holds rows read by the guideline but not trained on (data/README.md):
    each joins its dataset's text, and none is in the label file that training reads."""
    later = corpus.LABELS_DIR / "later"
    files = sorted(later.glob("*.csv"))
    assert files
    for path in files:
        name = path.stem
        joined = corpus.load_labelled(name, datasets_dir=shared_dir / "datasets", labels_dir=later)
        assert len(joined) == len(corpus.read_label_file(path))
        assert all("second batch" in e.labeller for e in joined)
        trained = {r["row_id"] for r in corpus.read_label_file(corpus.LABELS_DIR / path.name)}
        assert not trained & {e.id.split(":", 1)[1] for e in joined}


# --- masking and swaps -------------------------------------------------------------------------


class TokenMatcher:
    """A matcher over fixed tokens per side (swap = exchange), for testing corpus logic alone."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens

    def match(self, text: str) -> TokenMatcher.Match:
        return TokenMatcher.Match(tuple(s for s, t in self.tokens.items() if t in text.split()))

    def swap(self, text: str, a: str, b: str) -> str:
        ta, tb = self.tokens[a], self.tokens[b]
        return " ".join(tb if w == ta else ta if w == tb else w for w in text.split())

    def mask(self, text: str) -> str:
        return " ".join("[X]" if w in self.tokens.values() else w for w in text.split())

    class Match:
        def __init__(self, sides: tuple[str, ...]) -> None:
            self.sides = sides


def test_swaps_give_every_side_the_same_examples() -> None:
    matcher = TokenMatcher({"a": "aa", "b": "bb", "c": "cc"})
    examples = [
        Example("1", "pilih aa", "support", ("a",), "seed", "t"),
        Example("2", "aa lebih baik dari bb", "support", ("a",), "seed", "t"),
        Example("3", "hujan", "unrelated", (), "seed", "t"),
    ]
    out = corpus.augment_with_swaps(examples, matcher, contests=[("a", "b", "c")])
    texts = Counter(e.text for e in out)
    assert texts == Counter(
        {
            "pilih aa": 1, "pilih bb": 1, "pilih cc": 1, "hujan": 1,
            "aa lebih baik dari bb": 1, "bb lebih baik dari aa": 1, "aa lebih baik dari cc": 1,
            "cc lebih baik dari aa": 1, "bb lebih baik dari cc": 1, "cc lebih baik dari bb": 1,
        }
    )  # fmt: skip
    by_text = {e.text: e for e in out}
    assert by_text["cc lebih baik dari bb"].targets == ("c",)
    assert by_text["pilih bb"].group == "id:1"
    assert Counter(t for e in out for t in e.targets) == {"a": 3, "b": 3, "c": 3}


def _real_matcher():  # type: ignore[no-untyped-def]
    try:
        from pantau.registry.cues import default_matcher
    except ImportError as exc:  # pragma: no cover - only before the registry stage lands
        pytest.skip(f"pantau.registry.cues not importable yet: {exc}")
    return default_matcher()


def test_masking_removes_every_cue_of_every_side_from_the_seed() -> None:
    matcher = _real_matcher()
    seed = corpus.load_seed()
    named = [e for e in seed if matcher.match(e.text).sides]
    assert len(named) >= 300
    masked = [corpus.mask_candidates(e, matcher) for e in named]
    leftovers = [(e.id, e.text) for e in masked if matcher.match(e.text).sides]
    assert leftovers == []
    assert all(m.label == e.label and m.id == e.id for m, e in zip(masked, named, strict=True))
    assert sum("[CALON]" in e.text for e in masked) >= 200


def test_real_swaps_balance_the_seed_across_sides() -> None:
    matcher = _real_matcher()
    out = corpus.augment_with_swaps(corpus.load_seed(), matcher)
    per_side = corpus.side_label_counts(out)
    for label in ("support", "oppose", "neutral"):
        counts = {side: per_side.get((side, label), 0) for side in WATCHED}
        assert len(set(counts.values())) == 1, (label, counts)
    for e in out:
        if "~" in e.id and e.targets:
            assert set(e.targets) <= set(matcher.match(e.text).sides), (e.id, e.text)
