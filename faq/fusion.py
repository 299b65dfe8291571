"""Lexical and semantic signals combined into one calibrated probability per candidate entry.

A logistic model over a few features of each candidate; its weights and the answer/suggest
thresholds are fitted on the TUNING split only (`python -m faq.calibrate`) and read from
faq/calibration.json. A second, smaller fusion over the features known before the question is
embedded (the gate) answers the questions it is sure of without the embedding, the costliest
step of a question.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from faq.semantic import SemanticScores

CALIBRATION = Path(__file__).with_name("calibration.json")
# the features known before the question is embedded: BM25 and the character classifier
LEXICAL_FEATURES = (
    "lex_conf", "coverage", "lex_gap", "unknown", "char", "char_gap", "char_top", "char_outside",
)  # fmt: skip
FEATURES = (
    *LEXICAL_FEATURES, "sem", "sem_gap", "both_top", "sem_z", "sem_any", "sem_answer",
    "sem_top2", "sem_answer_z", "vec", "vec_gap", "vec_top", "vec_outside",
)  # fmt: skip
SEM_POOL = 5  # semantic candidates added to the lexical ones
CHAR_POOL = 3  # the character classifier's best candidates added too


def logistic(params: list[float], row: list[float]) -> float:
    """sigmoid(weights . row + bias); params holds the weights then the bias."""
    z = params[-1] + sum(w * x for w, x in zip(params[:-1], row, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def top_with_confidence(
    rank: list[float], confidence: list[float], rows: dict[int, list[float]]
) -> list[tuple[int, float]]:
    """Candidates best first by the rank model, each with P(right): the top one's from the
    confidence model (see confidence_row), the others' capped by it."""
    scored = ((pos, logistic(rank, row)) for pos, row in rows.items())
    ranked = sorted(scored, key=lambda t: -t[1])
    if not ranked:
        return []
    top = confidence_row(rows[ranked[0][0]], [s for _, s in ranked])
    lead = logistic(confidence, top)
    return [(ranked[0][0], lead), *((p, min(s, lead)) for p, s in ranked[1:])]


@dataclass(frozen=True)
class Gate:
    """Rank and confidence models over LEXICAL_FEATURES: a question whose top candidate
    reaches `answer_at` is answered without being embedded."""

    rank: list[float]
    confidence: list[float]
    answer_at: float

    def decide(self, rows: dict[int, list[float]]) -> tuple[int, float] | None:
        """The top candidate and P(it is right), from the lexical features alone."""
        ranked = top_with_confidence(self.rank, self.confidence, rows)
        return ranked[0] if ranked else None


@dataclass(frozen=True)
class Calibration:
    """Three fitted logistic models and the decision thresholds.

    `rank` orders the candidates of one question; `confidence` estimates whether the top one is
    right from its features plus its rank score and lead (see confidence_row); `suggest`
    estimates whether the right entry is among the top three (see suggest_row), which decides
    the "did you mean" buttons of a question not answered outright.
    """

    rank: list[float]
    confidence: list[float]
    answer_at: float
    suggest_at: float
    gate: Gate | None = None  # None: every question is embedded
    suggest: list[float] | None = None  # None: suggest_at applies to each candidate's score

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        """Read the fitted calibration."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES or (
            "suggest" in data and tuple(data.get("suggest_features", ())) != SUGGEST_FEATURES
        ):
            raise ValueError(f"{path}: fitted on other features; run python -m faq.calibrate")
        fitted = data.get("gate")
        gate = None
        if fitted is not None:
            if tuple(fitted["features"]) != LEXICAL_FEATURES:
                raise ValueError(f"{path}: gate fitted on other features; run faq.calibrate")
            gate = Gate(fitted["rank"], fitted["confidence"], fitted["answer_at"])
        suggest = data.get("suggest")
        return cls(
            data["rank"], data["confidence"], data["answer_at"], data["suggest_at"], gate, suggest
        )

    def decide(self, rows: dict[int, list[float]]) -> list[tuple[int, float]]:
        """Candidates best first, each with P(right): the top from the confidence model."""
        return top_with_confidence(self.rank, self.confidence, rows)

    def suggestions(
        self, rows: dict[int, list[float]], scored: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Up to three entries to offer as "did you mean" (empty: say "I don't know").

        With the fitted `suggest` model: the top three when P(right entry among them) reaches
        suggest_at, each with that probability; without it: the candidates whose own score does.
        """
        if not scored:
            return []
        if self.suggest is None:
            return [(pos, p) for pos, p in scored[:3] if p >= self.suggest_at]
        ranks = [logistic(self.rank, rows[pos]) for pos, _ in scored[:3]]
        p = logistic(
            self.suggest, suggest_row([rows[pos] for pos, _ in scored[:3]], ranks, scored[0][1])
        )
        return [(pos, p) for pos, _ in scored[:3]] if p >= self.suggest_at else []


def confidence_row(top: list[float], scores: list[float]) -> list[float]:
    """Features of the top candidate plus its rank score and its lead over the second."""
    second = scores[1] if len(scores) > 1 else 0.0
    return [*top, scores[0], scores[0] - second]


SUGGEST_FEATURES = (
    "lead", "rank1", "rank2", "rank3", "sem", "sem_any", "sem_answer", "sem_top2", "lex_conf",
    "coverage", "unknown", "sem_z", "char", "vec", "char_outside", "vec_outside",
)  # fmt: skip


def suggest_row(top3: list[list[float]], ranks: list[float], lead: float) -> list[float]:
    """Features of a question's top three candidates for P(the right entry is among them).

    top3: their feature rows, best first; ranks: their rank scores; lead: the confidence
    model's P(top one right). Per signal the best of the three, so a right entry in 2nd or 3rd
    place counts as much as one in 1st.
    """
    r = [*ranks, 0.0, 0.0][:3]
    best = [max(row[FEATURES.index(name)] for row in top3) for name in _BEST_OF_THREE]
    unknown = top3[0][FEATURES.index("unknown")]
    return [lead, *r, *best[:6], unknown, *best[6:]]


# the suggestion model's per-signal features, the best of the top three (SUGGEST_FEATURES)
_BEST_OF_THREE = (
    "sem", "sem_any", "sem_answer", "sem_top2", "lex_conf", "coverage", "sem_z", "char", "vec",
    "char_outside", "vec_outside",
)  # fmt: skip


def lexical_rows(
    lexical: dict[int, tuple[float, float]],
    unknown: float,
    char: tuple[np.ndarray, float] | None,
    extra: Iterable[int] = (),
) -> dict[int, list[float]]:
    """LEXICAL_FEATURES of the lexical pool, the character classifier's best and `extra`.

    `lexical` maps an entry position to (lexical confidence, coverage); `unknown` is the
    share of the question in words that no entry uses; `char` the character classifier's
    score of every entry and of the out-of-scope class (None: no classifier, features 0).
    """
    pool = set(lexical).union(extra)
    if char is None:
        size = max(pool, default=-1) + 1
        char = (np.zeros(size, np.float32), 0.0)
    scores, outside = char
    order = np.argsort(-scores)
    pool.update(int(p) for p in order[:CHAR_POOL])
    rows: dict[int, list[float]] = {}
    for pos in pool:
        conf, cover = lexical.get(pos, (0.0, 0.0))
        other_lex = max((c for p, (c, _) in lexical.items() if p != pos), default=0.0)
        mine = float(scores[pos])
        top = float(len(order) > 0 and pos == int(order[0]))
        rows[pos] = [conf, cover, conf - other_lex, unknown]
        rows[pos] += [mine, _lead(scores, order, pos), top, mine - outside]
    return rows


def candidate_rows(
    lexical: dict[int, tuple[float, float]],
    scores: SemanticScores,
    unknown: float,
    char: tuple[np.ndarray, float] | None = None,
) -> dict[int, list[float]]:
    """FEATURES of the candidate entries: the lexical pool, the best semantic ones and the
    best of each classifier (`scores`: the question's cosines and vector classifier scores)."""
    semantic = scores.best
    order = np.argsort(-semantic)
    fit_order = np.argsort(-scores.fitted)
    extra = [int(p) for p in (*order[:SEM_POOL], *fit_order[:CHAR_POOL])]
    rows = lexical_rows(lexical, unknown, char, extra)
    sem_top = int(order[0]) if len(order) else -1
    lex_top = max(lexical, key=lambda p: lexical[p][0], default=-1)
    mean, spread = float(semantic.mean()), float(semantic.std()) + 1e-6
    answer = scores.answer
    a_mean, a_spread = float(answer.mean()), float(answer.std()) + 1e-6
    for pos, row in rows.items():
        sem, said, fit = float(semantic[pos]), float(answer[pos]), float(scores.fitted[pos])
        both = float(pos == sem_top and pos == lex_top)
        row += [sem, _lead(semantic, order, pos), both, (sem - mean) / spread]
        row += [float(scores.any_lang[pos]), said, float(scores.top2[pos])]
        row.append((said - a_mean) / a_spread)
        row += [fit, _lead(scores.fitted, fit_order, pos), float(pos == int(fit_order[0]))]
        row.append(fit - scores.fitted_outside)
    return rows


def _lead(values: np.ndarray, order: np.ndarray, pos: int) -> float:
    """How far the entry at `pos` is above the best other entry (negative: below it)."""
    if len(order) < 2:
        return float(values[pos])
    other = values[order[1]] if int(order[0]) == pos else values[order[0]]
    return float(values[pos] - other)
