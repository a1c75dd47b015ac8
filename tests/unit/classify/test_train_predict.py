"""Fine-tuning, prediction, quantisation and packaging on a tiny random BERT."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pantau.classify import corpus
from pantau.classify.build import evaluate_all
from pantau.classify.card import write_card
from pantau.classify.predict import Classifier, model_version, read_model_info
from pantau.classify.train import LABELS, TrainConfig, fine_tune, length_bucketed_batches
from tests.unit.classify.tiny import ToyMatcher, make_tiny_base, toy_examples, train_tiny

CONFIG = TrainConfig(epochs=1, batch_size=8, learning_rate=2e-3, max_steps=150, threads=1, seed=3)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny(tmp_path_factory, CONFIG)


def test_model_folder_has_label_maps_and_tokenizer(trained: Path) -> None:
    config = json.loads((trained / "config.json").read_text())
    assert config["id2label"] == {str(i): label for i, label in enumerate(LABELS)}
    assert config["label2id"] == {label: i for i, label in enumerate(LABELS)}
    assert (trained / "model.safetensors").is_file()
    assert (trained / "tokenizer.json").is_file()


def test_learns_the_toy_task(trained: Path) -> None:
    clf = Classifier(trained, quantize=False, threads=1)
    examples = toy_examples()
    probs = clf.probabilities([e.text for e in examples])
    assert probs.shape == (len(examples), 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    pred = [clf.labels[i] for i in probs.argmax(axis=1)]
    correct = sum(p == e.label for p, e in zip(pred, examples, strict=True))
    assert correct / len(examples) >= 0.9


def test_batching_and_length_sorting_do_not_change_outputs(trained: Path) -> None:
    texts = ["makan siang", "ayo coblos anies menang hari ini , wajib !", "tolak ganjar", ""]
    batched = Classifier(trained, quantize=False, threads=1, batch_size=3).probabilities(texts)
    alone = np.vstack(
        [Classifier(trained, quantize=False, threads=1).probabilities([t]) for t in texts]
    )
    np.testing.assert_allclose(batched, alone, atol=1e-5)


def test_parallel_workers_give_the_same_probabilities(trained: Path) -> None:
    texts = [e.text for e in toy_examples()] * 3
    torch.set_num_threads(2)
    one = Classifier(trained, quantize=False, threads=1, batch_size=4)
    two = Classifier(trained, quantize=False, threads=2, batch_size=4)
    assert (one.workers, two.workers) == (1, 2)
    np.testing.assert_allclose(one.probabilities(texts), two.probabilities(texts), atol=1e-6)
    assert torch.get_num_threads() == 2  # the process's setting is restored afterwards


def test_pad_batch_pads_right_and_masks() -> None:
    from pantau.classify.partial import pad_batch

    ids, mask = pad_batch([[0, 5, 2], [0, 2]], pad_id=1)
    assert ids.tolist() == [[0, 5, 2], [0, 2, 1]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_suggestions_carry_targets_from_the_matcher(trained: Path) -> None:
    clf = Classifier(trained, quantize=False, threads=1)
    [s] = clf.suggest(["jangan pilih prabowo dinasti"], matcher=ToyMatcher())
    assert s.targets == ("prabowo-gibran",)
    assert set(s.probs) == set(LABELS)
    assert s.score == max(s.probs.values())
    assert s.label == max(s.probs, key=lambda k: s.probs[k])


def test_int8_quantisation_stays_close(trained: Path) -> None:
    texts = [e.text for e in toy_examples()]
    fp32 = Classifier(trained, quantize=False, threads=1).probabilities(texts)
    int8 = Classifier(trained, quantize=True, threads=1).probabilities(texts)
    assert np.abs(fp32 - int8).max() < 0.1
    assert (fp32.argmax(axis=1) == int8.argmax(axis=1)).mean() >= 0.9


def test_training_is_deterministic(tmp_path: Path, trained: Path) -> None:
    base = make_tiny_base(tmp_path / "base")
    examples = toy_examples()
    results = [
        fine_tune(
            base=str(base),
            texts=[e.text for e in examples],
            labels=[e.label for e in examples],
            out_dir=tmp_path / f"m{i}",
            config=CONFIG,
        )
        for i in range(2)
    ]
    assert results[0].weights_sha256 == results[1].weights_sha256
    assert results[0].steps == CONFIG.max_steps


def test_unknown_label_is_refused(tmp_path: Path) -> None:
    from pantau.errors import ModelError

    with pytest.raises(ModelError, match="unknown labels \\['positive'\\]"):
        fine_tune(
            base="unused",
            texts=["a"],
            labels=["positive"],
            out_dir=tmp_path,
            config=CONFIG,
        )


def test_length_buckets_cover_every_index_once() -> None:
    import random

    lengths = [5, 1, 9, 3, 3, 7, 2, 8, 6, 4, 10]
    batches = length_bucketed_batches(lengths, batch_size=3, rng=random.Random(0))
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)


def test_evaluation_and_card(trained: Path, tmp_path: Path) -> None:
    examples = toy_examples()
    splits = corpus.Splits(train=[], dev=[], test=examples, heldout=examples[:12])
    info = evaluate_all(model_dir=trained, splits=splits, matcher=ToyMatcher())
    test = info["evaluation"]["test"]
    assert test["n"] == len(examples)
    assert set(test["per_class"]) == set(LABELS)
    assert 0.0 <= test["macro_f1"] <= 1.0
    assert test["precision_at"]["500"] is None  # fewer than 500 texts
    cf = info["fairness"]["test"]["counterfactual"]
    # 24 texts name one side each (support/oppose/neutral templates): 2 swaps each.
    named = [e for e in examples if ToyMatcher().match(e.text).sides]
    assert cf["pairs"] == 2 * len(named)
    assert isinstance(info["quantize_int8"], bool)
    write_card(trained, {"model": {"name": "toy", "weights_sha256": "ab" * 32}, **info})
    card = (trained / "MODEL_CARD.md").read_text()
    assert "macro-F1" in card and "counterfactual swaps" in card
    assert read_model_info(trained)["evaluation"]["test"]["n"] == len(examples)
    assert model_version(trained) == f"{trained.name}:{'ab' * 6}"


def test_evaluation_reports_each_heldout_source_and_its_contest(trained: Path) -> None:
    from dataclasses import replace

    toy = toy_examples()
    election = [
        corpus.Example(
            "pk:1", "pilih ahok menang", "support", ("ahok-djarot",), "pilkada_dki2017", "t"
        ),
        corpus.Example(
            "pk:2", "tolak anies dinasti", "oppose", ("anies-sandi",), "pilkada_dki2017", "t"
        ),
        corpus.Example("pk:3", "kpu jadwal debat ahy", "neutral", (), "pilkada_dki2017", "t"),
    ]
    general = [replace(e, id=f"g:{i}", source="indolem_sentiment") for i, e in enumerate(toy[-6:])]
    splits = corpus.Splits(train=[], dev=[], test=toy, heldout=election + general)
    info = evaluate_all(model_dir=trained, splits=splits, matcher=ToyMatcher())
    ev = info["evaluation"]
    assert ev["heldout"]["n"] == 9
    assert ev["heldout:pilkada_dki2017"]["n"] == 3
    assert ev["heldout:indolem_sentiment"]["n"] == 6
    assert ev["heldout:pilkada_dki2017_int8"]["n"] == 3
    # the slices are the combined run's predictions, not a second one
    combined = ev["heldout"]["gold_counts"]
    parts = [ev[f"heldout:{s}"]["gold_counts"] for s in ("pilkada_dki2017", "indolem_sentiment")]
    assert {k: sum(p.get(k, 0) for p in parts) for k in combined} == combined
    contest = info["fairness"]["heldout:pilkada_dki2017"]
    assert contest["contest"] == "pilkada-dki-2017"
    assert set(contest["per_candidate"]) == {"agus-sylvi", "ahok-djarot", "anies-sandi"}
    # texts 1-3 name one 2017 pair each; every one swaps with the two other pairs
    assert contest["counterfactual"]["pairs"] == 6


def test_partial_fine_tuning_equals_the_full_forward(tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from pantau.classify import partial

    base = make_tiny_base(tmp_path / "base")
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=4)
    model.eval()
    tok = AutoTokenizer.from_pretrained(str(base))
    texts = ["ayo coblos anies", "makan siang di kantor hari ini , banjir"]
    ids = tok(texts)["input_ids"]
    feats = partial.bottom_features(model, ids, 1, pad_id=tok.pad_token_id)
    with torch.inference_mode():
        cached = partial.top_logits(model, feats, 1)
        full = model(**tok(texts, padding=True, return_tensors="pt")).logits
    torch.testing.assert_close(cached, full, atol=2e-3, rtol=1e-3)  # fp16 cache


def test_partial_fine_tuning_trains_only_the_top(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    base = make_tiny_base(tmp_path / "base")
    examples = toy_examples()
    # only one of two random layers learns here, so it needs a larger rate than CONFIG
    config = TrainConfig(batch_size=8, learning_rate=5e-3, max_steps=200, threads=1, seed=3)
    fine_tune(
        base=str(base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=tmp_path / "m",
        config=TrainConfig(**{**config.__dict__, "freeze_layers": 1}),
    )
    before = load_file(str(base / "model.safetensors"))
    after = load_file(str(tmp_path / "m" / "model.safetensors"))
    frozen = "bert.encoder.layer.0.attention.self.query.weight"
    top = "bert.encoder.layer.1.attention.self.query.weight"
    key = lambda name: name if name in before else name.removeprefix("bert.")  # noqa: E731
    assert (after[frozen] == before[key(frozen)]).all()
    assert not (after[top] == before[key(top)]).all()
    clf = Classifier(tmp_path / "m", quantize=False, threads=1)
    pred = clf.probabilities([e.text for e in examples]).argmax(axis=1)
    assert np.mean([clf.labels[p] == e.label for p, e in zip(pred, examples, strict=True)]) >= 0.75


def test_layers_keeps_the_bases_lowest_layers(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from pantau.errors import ModelError

    base = make_tiny_base(tmp_path / "base")
    examples = toy_examples()
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    one = TrainConfig(**{**CONFIG.__dict__, "layers": 1, "learning_rate": 5e-3, "max_steps": 200})
    fine_tune(base=str(base), texts=texts, labels=labels, out_dir=tmp_path / "m", config=one)
    assert json.loads((tmp_path / "m" / "config.json").read_text())["num_hidden_layers"] == 1
    weights = load_file(str(tmp_path / "m" / "model.safetensors"))
    assert not any(".layer.1." in name for name in weights)
    assert weights["bert.encoder.layer.0.attention.self.query.weight"].shape == (32, 32)
    clf = Classifier(tmp_path / "m", quantize=False, threads=1)
    pred = clf.probabilities(texts).argmax(axis=1)
    assert np.mean([clf.labels[p] == y for p, y in zip(pred, labels, strict=True)]) >= 0.75
    three = TrainConfig(**{**CONFIG.__dict__, "layers": 3})
    with pytest.raises(ModelError, match="has 2 transformer layers; keep between 1 and 2, not 3"):
        fine_tune(base=str(base), texts=texts, labels=labels, out_dir=tmp_path / "x", config=three)
    assert not (tmp_path / "x").exists()
