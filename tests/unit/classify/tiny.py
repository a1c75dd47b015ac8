"""Test helpers: a tiny randomly initialised BERT with a word-level tokenizer, a toy corpus and
a small cue matcher shaped like ``pantau.registry.cues`` (names per side, swap, mask)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from pantau.classify.corpus import Example
from pantau.classify.train import TrainConfig, fine_tune

_WORDS = (
    "coblos pilih dukung menang lanjutkan jangan tolak gagal dinasti bohong kpu tps jadwal "
    "debat daftar pemilu hari ini makan siang kantor rapat banjir hujan bola pasar nomor "
    "anies prabowo ganjar amin 01 02 03 ayo yuk wajib , . ! #"
)
WORDS = _WORDS.split(" ")
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

SIDES = {"anies-muhaimin": ["anies", "01"], "prabowo-gibran": ["prabowo", "02"]}
SIDES |= {"ganjar-mahfud": ["ganjar", "03"]}


def make_tiny_base(directory: Path, *, seed: int = 0) -> Path:
    """A 2-layer, 32-wide BERT and a word-level tokenizer, saved like a hub model."""
    vocab = {tok: i for i, tok in enumerate([*SPECIALS, *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Whitespace(), pre_tokenizers.Punctuation()]
    )
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=64,
        **{"bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>"},
        **{"unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"},
    )
    fast.save_pretrained(str(directory))
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    BertModel(config).save_pretrained(str(directory))
    return directory


TOY = {
    "support": ["ayo coblos {n} menang", "pilih {n} lanjutkan !", "dukung {n} wajib menang"],
    "oppose": ["jangan pilih {n} dinasti", "tolak {n} gagal", "jangan coblos {n} bohong"],
    "neutral": ["kpu jadwal debat {n}", "{n} daftar ke kpu hari ini", "jadwal pemilu tps"],
    "unrelated": ["makan siang di kantor", "banjir hujan hari ini", "rapat kantor , bola"],
}


def toy_examples() -> list[Example]:
    """Every template filled with every side: balanced across labels and sides."""
    out: list[Example] = []
    for label, templates in TOY.items():
        for t, template in enumerate(templates):
            for side, (name, _number) in SIDES.items():
                text = template.format(n=name)
                targets = (side,) if "{n}" in template and label in {"support", "oppose"} else ()
                out.append(
                    Example(
                        f"{label}-{t}-{side}", text, label, targets, "toy", "test", f"{label}{t}"
                    )
                )
    return out


@dataclass(frozen=True)
class Match:
    sides: frozenset[str]


class ToyMatcher:
    """Whole-word cues per side; ``swap`` exchanges the i-th cue of a with the i-th of b."""

    def __init__(self, sides: dict[str, list[str]] = SIDES) -> None:
        self.sides = sides

    def match(self, text: str) -> Match:
        words = set(re.findall(r"[\w#]+", text.lower()))
        return Match(frozenset(s for s, cues in self.sides.items() if words & set(cues)))

    def swap(self, text: str, a: str, b: str) -> str:
        table = dict(zip(self.sides[a], self.sides[b], strict=True))
        table |= dict(zip(self.sides[b], self.sides[a], strict=True))
        return re.sub(r"[\w#]+", lambda m: table.get(m.group(0), m.group(0)), text)

    def mask(self, text: str) -> str:
        cues = {c for values in self.sides.values() for c in values}
        return re.sub(r"[\w#]+", lambda m: "[CALON]" if m.group(0) in cues else m.group(0), text)


def train_tiny(factory: pytest.TempPathFactory, config: TrainConfig) -> Path:
    """A tiny base fine-tuned on the toy examples (for module-scoped fixtures)."""
    base = make_tiny_base(factory.mktemp("base"))
    examples = toy_examples()
    out = factory.mktemp("model")
    fine_tune(
        base=str(base),
        texts=[e.text for e in examples],
        labels=[e.label for e in examples],
        out_dir=out,
        config=config,
    )
    return out
