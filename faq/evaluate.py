"""Evaluation of the knowledge base against a labelled question set."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from faq.kb import KnowledgeBase
from faq.model import FaqEntry

NONE = "none"


@dataclass(frozen=True)
class EvalItem:
    """A question, the entry id that should answer it ("none" for off-topic) and a category.

    A label may name two entries that answer the question equally well ("a|b").
    """

    label: str
    question: str
    category: str = ""

    @property
    def labels(self) -> frozenset[str]:
        """The acceptable entry ids ({"none"} for off-topic)."""
        return frozenset(self.label.split("|"))


@dataclass
class EvalReport:
    """Accuracy figures of one run over an evaluation set."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    confident_wrong: int = 0
    suggested_right: int = 0
    off_topic: int = 0
    off_topic_unknown: int = 0
    no_help: int = 0  # in-topic: neither the right answer nor the right entry among suggestions
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)

    def rate(self, count: int) -> float:
        """A count as a share of all questions."""
        return count / self.total if self.total else 0.0

    def summary(self) -> dict[str, float]:
        """The figures as a plain dict (shares between 0 and 1, milliseconds per question)."""
        return {
            "questions": self.total,
            "top1": round(self.rate(self.top1), 4),
            "top3": round(self.rate(self.top3), 4),
            "answered_right": round(self.rate(self.answered_right), 4),
            "confident_wrong": round(self.rate(self.confident_wrong), 4),
            "ms_per_question": round(1000 * self.seconds / max(self.total, 1), 3),
        }

    def detail(self) -> dict[str, float]:
        """Shares over in-topic questions (direct right, suggested right) and off-topic ones."""
        in_topic = self.total - self.off_topic
        return {
            "questions": self.total,
            "in_topic": in_topic,
            "off_topic": self.off_topic,
            "direct_right": _share(self.answered_right, in_topic),
            "suggest_right": _share(self.suggested_right, in_topic),
            "no_help": _share(self.no_help, in_topic),
            "confident_wrong": _share(self.confident_wrong, self.total),
            "off_topic_dont_know": _share(self.off_topic_unknown, self.off_topic),
        }


def _share(count: int, total: int) -> float | None:
    """count / total rounded to 4 decimals; None when there is nothing to divide."""
    return round(count / total, 4) if total else None


def read_eval_set(path: Path) -> list[EvalItem]:
    """Read 'label<TAB>question' or 'label<TAB>category<TAB>question' lines; '#' comments."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (2, 3) or not cells[-1].strip():
            raise ValueError(f"{path}:{n}: expected 'label[<TAB>category]<TAB>question'")
        category = cells[1].strip() if len(cells) == 3 else ""
        items.append(EvalItem(cells[0].strip(), cells[-1].strip(), category))
    return items


def evaluate(kb: KnowledgeBase, items: list[EvalItem]) -> EvalReport:
    """Ask every question and score: top-1/top-3 shown, confident wrong answers, speed.

    In-topic: top-1 means the right entry is the answer or the first suggestion; top-3 means it
    is among what the bot shows. Off-topic ("none"): right whenever the bot does not answer,
    but counted as "don't know" only when it offers nothing either (suggestions are an offer).
    """
    report = EvalReport()
    for item in items:
        start = time.perf_counter()
        result = kb.ask(item.question)
        elapsed = time.perf_counter() - start
        report.seconds += elapsed
        report.latencies.append(elapsed)
        report.total += 1
        ids = [m.entry.id for m in result.matches]
        answered = result.kind == "answer"
        if item.label == NONE:
            ok1 = ok3 = not answered
            report.off_topic += 1
            report.off_topic_unknown += result.kind == "unknown"
        else:
            ok1, ok3 = ids[:1] != [] and ids[0] in item.labels, bool(item.labels & set(ids[:3]))
            report.answered_right += answered and ok1
            report.suggested_right += result.kind == "suggest" and ok3
            report.no_help += not (answered and ok1) and not (result.kind == "suggest" and ok3)
        report.top1 += ok1
        report.top3 += ok3
        if answered and not ok1:
            report.confident_wrong += 1
        if not ok1:
            got = ",".join(ids) or "-"
            report.failures.append((item.label, item.question, result.kind, got))
    return report


def enlarge(entries: list[FaqEntry], size: int, seed: int = 7) -> list[FaqEntry]:
    """The entries plus synthetic look-alikes up to `size`, to measure a bigger knowledge base.

    Each synthetic entry has the shape of a real one (as many texts, of the same lengths), its
    words drawn from the real questions (60 %) or invented (40 %), so the index grows in
    documents and vocabulary alike and shares the domain words of the real entries.
    """
    rng = random.Random(seed)
    pool = [
        w
        for e in entries
        for t in [*e.question.values(), *(p for ps in e.paraphrases.values() for p in ps)]
        for w in t.split()
    ]
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def mutate(text: str) -> str:
        out = []
        for _ in text.split():
            if rng.random() < 0.6:
                out.append(rng.choice(pool))
            else:
                out.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 7))))
        return " ".join(out)

    result = list(entries)
    for i in range(max(0, size - len(entries))):
        base = entries[i % len(entries)]
        result.append(
            FaqEntry(
                id=f"synthetic-{i:03d}",
                question={k: mutate(v) for k, v in base.question.items()},
                answer={k: mutate(v) for k, v in base.answer.items()},
                source=base.source,
                paraphrases={k: [mutate(p) for p in v] for k, v in base.paraphrases.items()},
            )
        )
    return result
