"""Lexical and semantic signals combined into one calibrated probability per candidate entry.

A logistic model over a few features of each candidate; its weights and the answer/suggest
thresholds are fitted on the TUNING split only (`python -m faq.calibrate`) and read from
faq/calibration.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from faq.semantic import SemanticScores

CALIBRATION = Path(__file__).with_name("calibration.json")
FEATURES = (
    "lex_conf", "coverage", "lex_gap", "sem", "sem_gap", "both_top", "unknown", "sem_z",
    "sem_any", "sem_answer", "sem_top2", "sem_answer_z", "char", "char_gap", "char_top",
    "vec", "vec_gap", "vec_top", "char_outside", "vec_outside",
)  # fmt: skip
SEM_POOL = 5  # semantic candidates added to the lexical ones
CHAR_POOL = 3  # the character classifier's best candidates added too


def logistic(params: list[float], row: list[float]) -> float:
    """sigmoid(weights . row + bias); params holds the weights then the bias."""
    z = params[-1] + sum(w * x for w, x in zip(params[:-1], row, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


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
    lexical_gate: float = 2.0  # lexical confidence from which the question is not embedded
    suggest: list[float] | None = None  # None: suggest_at applies to each candidate's score

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        """Read the fitted calibration."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES or (
            "suggest" in data and tuple(data.get("suggest_features", ())) != SUGGEST_FEATURES
        ):
            raise ValueError(f"{path}: fitted on other features; run python -m faq.calibrate")
        gate = float(data.get("lexical_gate", 2.0))  # > 1: never skip the embedding
        suggest = data.get("suggest")
        return cls(
            data["rank"], data["confidence"], data["answer_at"], data["suggest_at"], gate, suggest
        )

    def decide(self, rows: dict[int, list[float]]) -> list[tuple[int, float]]:
        """Candidates best first, each with P(right): the top from the confidence model."""
        scored = ((pos, logistic(self.rank, row)) for pos, row in rows.items())
        ranked = sorted(scored, key=lambda t: -t[1])
        if not ranked:
            return []
        top = confidence_row(rows[ranked[0][0]], [s for _, s in ranked])
        lead = logistic(self.confidence, top)
        return [(ranked[0][0], lead), *((p, min(s, lead)) for p, s in ranked[1:])]

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
    best = [max(row[i] for row in top3) for i in (3, 8, 9, 10, 0, 1)]
    fitted = [max(row[FEATURES.index(name)] for row in top3) for name in _FITTED]
    return [lead, *r, *best, top3[0][6], max(row[7] for row in top3), *fitted]


_FITTED = ("char", "vec", "char_outside", "vec_outside")  # the classifiers' features


def candidate_rows(
    lexical: dict[int, tuple[float, float]],
    scores: SemanticScores,
    unknown: float,
    char: tuple[np.ndarray, float] | None = None,
) -> dict[int, list[float]]:
    """Feature rows of the candidate entries: the lexical pool plus the best semantic ones and
    the best of each classifier.

    `lexical` maps an entry position to (lexical confidence, coverage); `scores` holds every
    entry's cosines with the question and the vectors' classifier scores; `unknown` is the
    share of the question in words that no entry uses; `char` the character classifier's
    score of every entry and of the out-of-scope class (None: no classifier, features 0).
    """
    semantic = scores.best
    char_scores, char_outside = char if char is not None else (np.zeros_like(semantic), 0.0)
    pool = set(lexical)
    order = np.argsort(-semantic)
    char_order = np.argsort(-char_scores)
    fit_order = np.argsort(-scores.fitted)
    pool.update(int(p) for p in order[:SEM_POOL])
    pool.update(int(p) for p in char_order[:CHAR_POOL])
    pool.update(int(p) for p in fit_order[:CHAR_POOL])
    sem_top = int(order[0]) if len(order) else -1
    lex_top = max(lexical, key=lambda p: lexical[p][0], default=-1)
    mean, spread = float(semantic.mean()), float(semantic.std()) + 1e-6
    answer = scores.answer
    a_mean, a_spread = float(answer.mean()), float(answer.std()) + 1e-6
    rows: dict[int, list[float]] = {}
    for pos in pool:
        conf, cover = lexical.get(pos, (0.0, 0.0))
        other_lex = max((c for p, (c, _) in lexical.items() if p != pos), default=0.0)
        sem = float(semantic[pos])
        both = float(pos == sem_top and pos == lex_top)
        z = (sem - mean) / spread
        said = float(answer[pos])
        rows[pos] = [conf, cover, conf - other_lex, sem, _lead(semantic, order, pos), both]
        rows[pos] += [unknown, z, float(scores.any_lang[pos]), said, float(scores.top2[pos])]
        rows[pos].append((said - a_mean) / a_spread)
        mine, fit = float(char_scores[pos]), float(scores.fitted[pos])
        rows[pos] += [mine, _lead(char_scores, char_order, pos), float(pos == int(char_order[0]))]
        rows[pos] += [fit, _lead(scores.fitted, fit_order, pos), float(pos == int(fit_order[0]))]
        rows[pos] += [mine - char_outside, fit - scores.fitted_outside]
    return rows


def _lead(values: np.ndarray, order: np.ndarray, pos: int) -> float:
    """How far the entry at `pos` is above the best other entry (negative: below it)."""
    if len(order) < 2:
        return float(values[pos])
    other = values[order[1]] if int(order[0]) == pos else values[order[0]]
    return float(values[pos] - other)
