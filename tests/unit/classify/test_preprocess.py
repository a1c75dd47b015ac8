"""Cue masking as part of a model: the recorded choice, canonical masked text, and the
property that makes it a fairness guarantee (a swap of sides does not change the input)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from pantau.classify import corpus, preprocess
from pantau.classify.fairness import contests_of, swap_pairs
from pantau.classify.predict import Classifier
from pantau.classify.preprocess import Preprocessing, TextPreparer, canonical
from pantau.classify.train import TrainConfig
from pantau.errors import ModelError
from pantau.registry.cues import default_matcher
from tests.unit.classify.tiny import train_tiny


def test_round_trip_and_absent_file(tmp_path: Path) -> None:
    assert preprocess.load(tmp_path) == Preprocessing(mask_cues=False, historical=())
    prep = Preprocessing(mask_cues=True, historical=("pilpres-2019",), compound_hashtags=True)
    preprocess.save(tmp_path, prep)
    assert preprocess.load(tmp_path) == prep
    # A file written before compound hashtags existed loads with them off.
    (tmp_path / preprocess.PREPROCESSING_FILE).write_text(
        '{"format": 1, "mask_cues": true, "historical": ["pilpres-2019"]}'
    )
    assert preprocess.load(tmp_path).compound_hashtags is False


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"format": 2, "mask_cues": true}', "unknown preprocessing format"),
        ('{"format": 1, "mask_cues": "yes", "historical": []}', "mask_cues must be"),
        ('{"format": 1, "mask_cues": true, "historical": ["pemilu-1955"]}', "pemilu-1955"),
        (
            '{"format": 1, "mask_cues": true, "historical": [], "compound_hashtags": 1}',
            "compound_hashtags must be",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / preprocess.PREPROCESSING_FILE).write_text(content)
    with pytest.raises(ModelError, match=reason) as info:
        preprocess.load(tmp_path)
    assert str(tmp_path / preprocess.PREPROCESSING_FILE) in str(info.value)


def test_canonical_drops_honorifics_and_merges_runs() -> None:
    assert canonical("Pak [CALON] dan Gus [CALON]") == "[CALON] dan [CALON]"
    assert canonical("[CALON]-[CALON] nomor [NOMOR] [NOMOR]") == "[CALON] nomor [NOMOR]"
    assert canonical("[CALON] & [CALON] / [CALON]") == "[CALON]"
    # words merely ending like an honorific, and different placeholders, stay
    assert canonical("bapak2 [CALON] [TAGAR]") == "bapak2 [CALON] [TAGAR]"
    assert canonical("Pak Budi datang") == "Pak Budi datang"
    # a name masked inside a hashtag or handle reads like a whole masked hashtag or handle
    assert canonical("#[CALON] menang, pak @[CALON]!") == "[TAGAR] menang, [CALON]!"
    assert canonical("#[CALON]2024 #Paslon[NOMOR]") == "#[CALON]2024 #Paslon[NOMOR]"


def test_masking_hides_every_side_of_both_watch_lists_and_past_contests() -> None:
    prepare = TextPreparer(Preprocessing(mask_cues=True))
    texts = [
        "Coblos 02! Prabowo-Gibran menang #PrabowoGibran2024",
        "Pak Anies dan Gus Imin, AMIN! #AMIN",
        "Ayo dukung Pramono Anung dan Bang Doel di pilgub",
        "Jokowi-Amin lanjutkan! 01 pilihanku",
        "Salam 3 jari #AniesSandi",
    ]
    masked = prepare(texts)
    for name in ("Prabowo", "Gibran", "Anies", "Imin", "Pramono", "Doel", "Jokowi"):
        assert not any(name.lower() in m.lower() for m in masked), (name, masked)
    assert masked[0].startswith("Coblos [NOMOR]!")
    assert "[CALON]" in masked[2] and "[TAGAR]" in masked[4]
    unmasked = TextPreparer(Preprocessing(mask_cues=False))(texts)
    assert unmasked == texts


def test_swapping_sides_leaves_the_masked_text_unchanged() -> None:
    """Over every swap the fairness test makes on the seed and written sets, the masked text
    is the same before and after, except where a swap turns a cue into a word the matcher
    only counts in election context (a slogan, "AMIN" as a prayer word). The swaps exchange
    names inside hashtags too (#TolakAnies -> #TolakPrabowo), so it takes the preprocessing
    the models are built with (compound hashtags masked)."""
    matcher = default_matcher()
    prep = Preprocessing(mask_cues=True, compound_hashtags=True)
    prepare = TextPreparer(prep, watchlist_matcher=matcher)
    examples = corpus.load_seed() + corpus.load_seed(corpus.WRITTEN_PATH)
    pairs = swap_pairs(examples, matcher, contests_of(matcher))
    assert len(pairs) > 1000
    before = prepare([examples[i].text for i, *_ in pairs])
    after = prepare([text for *_, text in pairs])
    differ = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(differ) / len(pairs) < 0.005, differ[:5]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny(
        tmp_path_factory, TrainConfig(max_steps=30, batch_size=8, learning_rate=2e-3, threads=1)
    )


def test_classifier_applies_the_models_masking(tiny_model: Path, tmp_path: Path) -> None:
    texts = ["ayo coblos anies menang", "ayo coblos prabowo menang", "ayo coblos ganjar menang"]
    plain = Classifier(tiny_model, quantize=False, threads=1).probabilities(texts)
    assert not np.allclose(plain[0], plain[1])  # the names are in the tiny vocabulary
    masked_dir = tmp_path / "masked"
    shutil.copytree(tiny_model, masked_dir)
    preprocess.save(masked_dir, Preprocessing(mask_cues=True))
    masked = Classifier(masked_dir, quantize=False, threads=1)
    probs = masked.probabilities(texts)
    np.testing.assert_array_equal(probs[0], probs[1])
    np.testing.assert_array_equal(probs[0], probs[2])
    assert masked.prepare(texts)[0] == "ayo coblos [CALON] menang"


@pytest.mark.shared
def test_swapping_the_2017_pairs_leaves_the_heldout_masked_text_unchanged(
    shared_dir: Path,
) -> None:
    from pantau.classify.historical import HISTORICAL_CONTESTS, historical_matcher

    examples = corpus.load_labelled("pilkada_dki2017", datasets_dir=shared_dir / "datasets")
    past = historical_matcher("pilkada-dki-2017")
    pairs = swap_pairs(examples, past, HISTORICAL_CONTESTS["pilkada-dki-2017"])
    assert len(pairs) > 1000
    prepare = TextPreparer(Preprocessing(mask_cues=True))
    before = prepare([examples[i].text for i, *_ in pairs])
    after = prepare([text for *_, text in pairs])
    differ = sum(b != a for b, a in zip(before, after, strict=True))
    assert differ / len(pairs) < 0.005


def test_stand_in_names_replace_candidate_placeholders_only() -> None:
    texts = [
        "Coblos [NOMOR], [CALON]! [TAGAR]",
        "Jangan pilih [CALON]. [SLOGAN] bohong, [PARTAI] juga",
        "makan siang dulu",
    ] * 200
    every = preprocess.with_stand_in_names(texts, rate=1.0, seed=3)
    assert every[2] == "makan siang dulu"  # nothing to replace
    assert all("[CALON]" not in t and "[TAGAR]" not in t for t in every)
    assert every[0].startswith("Coblos [NOMOR], ") and "#" in every[0]  # numbers stay masked
    assert "[SLOGAN] bohong, [PARTAI] juga" in every[1]
    assert preprocess.with_stand_in_names(texts, rate=0.0, seed=3) == texts
    assert preprocess.with_stand_in_names(texts, rate=0.3, seed=3) == (
        preprocess.with_stand_in_names(texts, rate=0.3, seed=3)
    )
    some = preprocess.with_stand_in_names(texts, rate=0.3, seed=3)
    changed = sum(a != b for a, b in zip(texts, some, strict=True)) / 400  # 400 with placeholders
    assert 0.2 < changed < 0.4
    # Many different names, so none of them comes to stand for a label.
    names = {t.split(", ")[1].split("!")[0] for t in every[::3]}
    assert len(names) > 50
    with pytest.raises(ValueError, match="between 0 and 1"):
        preprocess.with_stand_in_names(texts, rate=1.5, seed=3)


def test_stand_in_names_are_not_candidates_the_masker_knows() -> None:
    masker = preprocess.build_masker(Preprocessing(mask_cues=True))
    for name in preprocess.STAND_IN_GIVEN + preprocess.STAND_IN_SURNAMES:
        assert masker.mask(f"ayo dukung {name}") == f"ayo dukung {name}", name


def test_probabilities_take_another_preparation(tiny_model: Path) -> None:
    classifier = Classifier(tiny_model, quantize=False, threads=1)
    texts = ["ayo coblos anies menang", "makan siang"]
    swapped = classifier.probabilities(texts, prepare=lambda ts: ["ayo coblos prabowo menang"] * 2)
    np.testing.assert_array_equal(swapped[0], swapped[1])
    np.testing.assert_array_equal(
        swapped[0], classifier.probabilities(["ayo coblos prabowo menang"])[0]
    )
    assert not np.allclose(swapped[0], classifier.probabilities(texts)[0])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("#AhokPenistaAgama lagi", "#[CALON]PenistaAgama lagi"),
        ("#TolakRido sekarang", "#Tolak[CALON] sekarang"),  # the stance word stays
        ("#2019TetapJokowi", "#2019Tetap[CALON]"),
        ("#GubernurkuAniesBaswedan", "#Gubernurku[CALON]"),  # adjacent name words: one
        ("#saveahok #TetapAHY", "#save[CALON] #Tetap[CALON]"),
        ("#AniesBaswedan2017", "#[CALON]2017"),
        ("#AhokDjarot menang", "[TAGAR] menang"),  # only names: a whole masked hashtag
        # Names of common words, run together as the watch list writes them, in every side's
        # tags alike: "Pram-Doel", "Dharma-Kun", "Mas Pram", "Cak Imin" (the watch lists).
        ("#TolakPramDoel #TolakDharmaKun", "#Tolak[CALON] #Tolak[CALON]"),
        ("#MasPramMenang #CakIminTheNextWapres", "#[CALON]Menang #[CALON]TheNextWapres"),
        # Common name words run together with a name go with it: "#GanjarSandi" (a swap of
        # 2017's "#AniesSandi") must read like "#AniesSandi", and "Rano" not tell Pramono's
        # tags from Ridwan Kamil's.
        ("#GanjarSandi menang", "[TAGAR] menang"),
        ("#TolakPramonoRano #TolakRidwanKamilRano", "#Tolak[CALON] #Tolak[CALON]"),
        ("#SaveAhokPurnama", "#Save[CALON]"),
        # Name words inside ordinary words, and common names, are left alone.
        ("#Muslimin #Agustusan #17AGUSTUS #DharmaWanita #KataSandi #WORK", None),
        ("#pilkadadki2017 #2019GantiPresiden", None),
    ],
)
def test_compound_hashtags_mask_the_name_and_keep_the_other_words(
    text: str, masked: str | None
) -> None:
    prepare = TextPreparer(Preprocessing(mask_cues=True, compound_hashtags=True))
    assert prepare([text]) == [masked if masked is not None else text]


def test_compound_hashtags_are_off_in_folders_built_before() -> None:
    plain = TextPreparer(Preprocessing(mask_cues=True))
    assert plain(["#TolakRido #AhokPenistaAgama"]) == ["#TolakRido #AhokPenistaAgama"]


def test_name_words_leave_out_honorifics_handles_and_common_words() -> None:
    words = preprocess.name_words(["Dharma", "Pram", "@aniesbaswedan", "AHY", "Ahok", "Pak"])
    assert words == {"ahy", "ahok"}


def test_name_words_run_a_phrase_of_several_words_together() -> None:
    words = preprocess.name_words(["Pak Dharma", "Pram-Doel", "Ma'ruf Amin", "Si Doel", "Pak"])
    assert words == {"pakdharma", "pramdoel", "marufamin", "sidoel"}
