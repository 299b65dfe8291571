"""Accuracy gate: the labelled questions must stay at or above the recorded baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from faq import KnowledgeBase, normalize_arabic
from faq.calibrate import TUNING
from faq.evaluate import NONE, EvalItem, EvalReport, evaluate, read_eval_set
from faq.model import FaqMatch, FaqResult

HERE = Path(__file__).parent
EVAL = read_eval_set(HERE / "eval_set.tsv")
HOLDOUT = read_eval_set(HERE / "eval_holdout.tsv")
# issue 17's held-out set (v10 since session 12), by category; never used for tuning
HELDOUT = read_eval_set(HERE.parents[1] / "bench" / "data" / "faq_heldout_v10.tsv")
# the rest of the calibration's tuning split: the dialect set and the earlier held-out sets
TUNING_MORE = [
    item
    for path in TUNING
    if path.name not in ("eval_set.tsv", "eval_holdout.tsv")
    for item in read_eval_set(path)
]
CATEGORIES = {
    "gulf",
    "najdi",
    "hijazi",
    "expat",
    "msa",
    "typo",
    "arabizi",
    "mixed",
    "english",
    "offtopic",
}
BASELINE = json.loads((HERE / "baseline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports(kb: KnowledgeBase) -> dict[str, EvalReport]:
    """One evaluation run per question set."""
    return {"eval": evaluate(kb, EVAL), "holdout": evaluate(kb, HOLDOUT)}


def _failures(report: EvalReport) -> str:
    """The missed questions, for the assertion message."""
    return "\n".join(" | ".join(f) for f in report.failures)


def test_eval_set_shape(kb: KnowledgeBase) -> None:
    """At least 150 questions, labels that exist, off-topic ones included, no duplicates."""
    assert len(EVAL) >= 150
    assert sum(item.label == NONE for item in EVAL) >= 20
    for item in EVAL + HOLDOUT + HELDOUT + TUNING_MORE:
        assert item.label == NONE or item.labels <= set(kb.entries), item
    texts = [normalize_arabic(item.question) for item in EVAL + HOLDOUT + HELDOUT + TUNING_MORE]
    assert len(texts) == len(set(texts))


def test_heldout_set_shape() -> None:
    """The held-out set: 150+ questions, every category, 25+ off-topic ones, only as 'none'."""
    assert len(HELDOUT) >= 150
    assert {item.category for item in HELDOUT} == CATEGORIES
    assert all((item.category == "offtopic") == (item.label == NONE) for item in HELDOUT)
    assert sum(item.label == NONE for item in HELDOUT) >= 25


def test_eval_questions_are_not_copied_from_the_knowledge(kb: KnowledgeBase) -> None:
    """Held-out spirit: no eval question is (nearly) a question or paraphrase of the KB."""
    known = [
        normalize_arabic(t).strip(" ?.!")
        for e in kb.entries.values()
        for t in [*e.question.values(), *(p for ps in e.paraphrases.values() for p in ps)]
    ]
    for item in EVAL + HOLDOUT + HELDOUT + TUNING_MORE:
        q = normalize_arabic(item.question).strip(" ?.!")
        close = [k for k in known if fuzz.ratio(q, k) >= 90]
        assert not close, f"{item.question!r} is too close to {close}"


def test_top1_not_below_baseline(reports: dict[str, EvalReport]) -> None:
    """Top-1 accuracy on the evaluation set does not drop below tests/faq/baseline.json."""
    report = reports["eval"]
    assert report.rate(report.top1) >= BASELINE["top1"] - 1e-9, _failures(report)


def test_confident_wrong_stays_rare(reports: dict[str, EvalReport]) -> None:
    """Confident wrong answers (wrong entry, or any answer to off-topic) stay rare."""
    report = reports["eval"]
    assert report.rate(report.confident_wrong) <= BASELINE["confident_wrong_max"] + 1e-9


def test_holdout_not_below_baseline(reports: dict[str, EvalReport]) -> None:
    """The held-out questions, never used for tuning, keep their recorded accuracy."""
    report = reports["holdout"]
    assert report.rate(report.top1) >= BASELINE["holdout_top1"] - 1e-9, _failures(report)
    assert report.rate(report.confident_wrong) <= BASELINE["confident_wrong_max"] + 1e-9


class _Scripted:
    """A stand-in knowledge base whose answers are given per question."""

    def __init__(self, kb: KnowledgeBase, kinds: dict[str, tuple[str, list[str]]]) -> None:
        self.entries = kb.entries
        self.kinds = kinds

    def ask(self, text: str) -> FaqResult:
        kind, ids = self.kinds[text]
        matches = tuple(FaqMatch(self.entries[i], 0.5) for i in ids)
        return FaqResult(kind, matches, text)  # type: ignore[arg-type]


def test_off_topic_with_suggestions_is_not_dont_know_and_no_help_is_counted(
    kb: KnowledgeBase,
) -> None:
    """An off-topic question offered entries is not "I don't know"; an in-topic one whose
    right entry is neither answered nor offered counts as no help."""
    scripted = _Scripted(kb, {
        "weather?": ("suggest", ["volunteer"]),
        "politics?": ("unknown", []),
        "volunteer?": ("suggest", ["about", "phone", "volunteer"]),
        "hours?": ("suggest", ["about"]),
        "apply?": ("answer", ["apply-how"]),
    })  # fmt: skip
    items = [
        EvalItem(NONE, "weather?"), EvalItem(NONE, "politics?"),
        EvalItem("volunteer", "volunteer?"), EvalItem("working-hours", "hours?"),
        EvalItem("apply-how", "apply?"),
    ]  # fmt: skip
    detail = evaluate(scripted, items).detail()  # type: ignore[arg-type]
    assert detail["off_topic_dont_know"] == 0.5
    assert detail["direct_right"] == detail["suggest_right"] == detail["no_help"] == 0.3333
