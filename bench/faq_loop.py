"""The event loop while FAQ questions are asked: how long other chats wait.

    python -m bench faq_loop [--quick] [--size N]

A ticker coroutine wakes every millisecond and records how late it woke (the loop's lag: what
every other chat, webhook and outbox send waits) while one chat asks the tuning questions one
after another, in two ways: `ask()` called on the loop (how the engine asked until session 9)
and `await ask_async()` (the knowledge base's own thread). Then a knowledge file changes and
the next question triggers the reload: `maybe_reload()` on the loop versus
`reload_in_background()`. Prints a table and writes bench/results/faq-loop.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.harness import tree
from faq.evaluate import enlarge, read_eval_set
from faq.kb import DEFAULT_FOLDER, KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
# tuning questions (never the held-out set): short ones and issue 17's long v6 messages
TUNING = ROOT / "tests" / "faq"
QUESTIONS = (TUNING / "eval_set.tsv", TUNING / "eval_issue17_v6.tsv")
OUT = ROOT / "bench" / "results" / "faq-loop.json"
TICK = 0.001


async def _lag_while(work: Callable[[], Awaitable[None]]) -> dict[str, float]:
    """Run `work` beside a 1 ms ticker; the ticker's lateness (ms) and the work's wall time."""
    lags: list[float] = []
    stop = False

    async def ticker() -> None:
        while not stop:
            due = time.perf_counter() + TICK
            await asyncio.sleep(TICK)
            lags.append(max(0.0, time.perf_counter() - due))

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    await work()
    wall = time.perf_counter() - start
    stop = True
    await task
    lags.sort()
    return {
        "lag_ms_p50": round(1000 * lags[len(lags) // 2], 2),
        "lag_ms_p99": round(1000 * lags[int(len(lags) * 0.99)], 2),
        "lag_ms_max": round(1000 * lags[-1], 2),
        "ticks": len(lags),
        "ticks_per_s": round(len(lags) / wall, 1),
        "wall_s": round(wall, 3),
    }


async def _questions(kb: KnowledgeBase, texts: list[str]) -> dict[str, dict[str, float]]:
    """The same questions asked on the loop and through ask_async, caches emptied before each."""

    async def blocking() -> None:
        for text in texts:
            kb.ask(text)
            await asyncio.sleep(0)

    async def threaded() -> None:
        for text in texts:
            await kb.ask_async(text)

    out = {}
    for name, work in (("ask on the loop", blocking), ("ask_async", threaded)):
        kb.clear_caches()
        out[name] = await _lag_while(work)
    return out


async def _reload(folder: Path, question: str) -> dict[str, dict[str, float]]:
    """A file changes, then one question: the reload on the loop vs in the background."""
    out = {}
    for name in ("maybe_reload on the loop", "reload_in_background"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "knowledge"
            shutil.copytree(folder, copy)
            kb = KnowledgeBase.load(copy)
            changed = next(iter(sorted(copy.glob("*.yaml"))))
            later = time.time() + 5
            os.utime(changed, (later, later))

            async def work(kb: KnowledgeBase = kb, name: str = name) -> None:
                if name.startswith("maybe"):
                    kb.maybe_reload(force=True)
                    kb.ask(question)
                    return
                thread = kb.reload_in_background(force=True)
                await kb.ask_async(question)  # answered from the entries already loaded
                while thread is not None and thread.is_alive():
                    await asyncio.sleep(0.01)

            out[name] = await _lag_while(work)
    return out


def _table(results: dict[str, Any]) -> str:
    rows = ["| | loop lag p50 / p99 / max (ms) | ticks per s | wall (s) |", "|---|---|---|---|"]
    for size, parts in results.items():
        for name, r in parts.items():
            rows.append(
                f"| {size}: {name} | {r['lag_ms_p50']} / {r['lag_ms_p99']} / {r['lag_ms_max']} "
                f"| {r['ticks_per_s']} | {r['wall_s']} |"
            )
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    """Measure, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench faq_loop", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the first 100 questions only")
    parser.add_argument("--size", type=int, default=300, help="entries of the enlarged KB")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    texts = [item.question for path in QUESTIONS for item in read_eval_set(path)]
    if args.quick:
        texts = texts[::5]
    kb = KnowledgeBase.load()
    big = KnowledgeBase.from_entries(enlarge(list(kb.entries.values()), args.size))
    results = {
        f"{len(kb.entries)} entries": asyncio.run(_questions(kb, texts)),
        f"{args.size} entries": asyncio.run(_questions(big, texts)),
        "reload, 45 entries": asyncio.run(_reload(DEFAULT_FOLDER, texts[0])),
    }
    report = {
        "questions": len(texts),
        "semantic": kb.vectors is not None,
        "tree": tree(),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(results))
    return 0
