"""Turn cost, in process: the engine and the outbox without any network or platform library.

Virtual beneficiaries walk the support-request script of the inbound benchmark through the
real engine and dispatcher (a recording sender stands in for the platform), so what is left
is the bot's own work: the database, the flows, the outbox. Reports milliseconds of CPU and
SQL statements per turn, split into the engine's transaction and the outbox's delivery.
`--profile` writes a pyinstrument text profile next to the JSON (pyinstrument is optional).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.wiring import App, build_app
from bench.harness import RESULTS, Database, dbs_of, tree, write_json
from bench.load import SCRIPT
from bot.messages import Inbound
from bot.text import fold
from tests.support.convo import RecordingSender

QUICK = {"users": 60}
FULL = {"users": 400}
CONCURRENCY = 16


class Statements:
    """Counts SQL statements by their first word while `phase` names what runs."""

    def __init__(self, app: App) -> None:
        self.phase = "other"
        self.counts: Counter[tuple[str, str]] = Counter()
        event.listen(app.db.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.counts[(self.phase, statement.split(None, 1)[0].upper())] += 1

    def total(self, phase: str) -> int:
        """Statements run in a phase."""
        return sum(n for (p, _), n in self.counts.items() if p == phase)


async def walk(app: App, sender: RecordingSender, user: str, ids: itertools.count[int],
               timings: dict[str, float], stmts: Statements, lock: asyncio.Lock) -> None:
    """One beneficiary through the script; each turn timed as engine, then delivery."""
    for kind, value in SCRIPT:
        if kind == "text":
            inbound = Inbound("terminal", user, f"b{next(ids)}", text=value)
        else:
            box = sender.inbox[user]
            with_choices = next(m for m in reversed(box) if m.choices)
            choice = next(c for c in with_choices.choices if fold(value) in fold(c.label))
            inbound = Inbound("terminal", user, f"b{next(ids)}", payload=choice.id)
        async with lock:  # phases measured one turn at a time: CPU time is per process
            stmts.phase, start = "engine", time.process_time()
            await app.engine.handle(inbound)
            timings["engine"] += time.process_time() - start
            stmts.phase, start = "outbox", time.process_time()
            await app.dispatcher.drain_once()
            timings["outbox"] += time.process_time() - start
            stmts.phase = "other"
        await asyncio.sleep(0)


async def measure(kind: str, users: int, profile: Path | None) -> dict[str, Any]:
    """Run `users` beneficiaries through the script on a fresh database."""
    async with Database(kind) as db:
        app = await build_app(db.settings(), faq=None, migrate=True)
        try:
            sender = RecordingSender("terminal")
            app.add_sender(sender)
            stmts = Statements(app)
            ids = itertools.count(1)
            lock = asyncio.Lock()
            warm = {"engine": 0.0, "outbox": 0.0}
            await asyncio.gather(*(walk(app, sender, f"w{i}", ids, warm, stmts, lock)
                                   for i in range(8)))
            stmts.counts.clear()
            timings = {"engine": 0.0, "outbox": 0.0}
            profiler = _profiler() if profile else None
            if profiler:
                profiler.start()
            wall = time.perf_counter()
            sem = asyncio.Semaphore(CONCURRENCY)

            async def one(i: int) -> None:
                async with sem:
                    await walk(app, sender, f"u{i}", ids, timings, stmts, lock)

            await asyncio.gather(*(one(i) for i in range(users)))
            wall = time.perf_counter() - wall
            if profiler and profile:
                profiler.stop()
                text = profiler.output_text(unicode=True, color=False)
                profile.write_text(text, encoding="utf-8")
            turns = users * len(SCRIPT)
            delivered = sum(len(v) for k, v in sender.inbox.items() if k.startswith("u"))
            by_kind: dict[str, dict[str, float]] = {}
            for (phase, verb), n in sorted(stmts.counts.items()):
                by_kind.setdefault(phase, {})[verb] = round(n / turns, 2)
            return {
                "turns": turns, "replies_delivered": delivered,
                "replies_per_turn": round(delivered / turns, 2),
                "turns_per_second_wall": round(turns / wall, 1),
                "cpu_ms_per_turn": {k: round(1000 * v / turns, 2) for k, v in timings.items()},
                "statements_per_turn": {p: round(stmts.total(p) / turns, 2)
                                        for p in ("engine", "outbox")},
                "statements_by_kind": by_kind,
            }
        finally:
            await app.close()


def _profiler() -> Any:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: no profile (pip install pyinstrument)")
        return None
    return Profiler(async_mode="disabled")


def main(argv: list[str]) -> int:
    """Run, print a table, write bench/results/turns[-quick].json, end with a summary line."""
    parser = argparse.ArgumentParser(prog="python -m bench turns", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer beneficiaries (<1 min)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, help="beneficiaries to walk through the script")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile")
    args = parser.parse_args(argv)
    users = args.users or (QUICK if args.quick else FULL)["users"]
    name = "turns-quick" if args.quick else "turns"
    measured = tree()
    results = {}
    for kind in dbs_of(args.db):
        profile = RESULTS / f"{name}-{kind}-profile.txt" if args.profile else None
        results[kind] = asyncio.run(measure(kind, users, profile))
        if profile and profile.exists():
            print(f"  profile: {profile}")
    path = write_json(name, {"users": users, "script_turns": len(SCRIPT), "results": results},
                      measured)
    head = f"{'db':10}{'turns':>7}{'turns/s':>9}{'engine ms':>11}{'outbox ms':>11}" \
           f"{'SQL engine':>12}{'SQL outbox':>12}{'replies':>9}"
    print(head + "\n" + "-" * len(head))
    for kind, r in results.items():
        print(f"{kind:10}{r['turns']:>7}{r['turns_per_second_wall']:>9}"
              f"{r['cpu_ms_per_turn']['engine']:>11}{r['cpu_ms_per_turn']['outbox']:>11}"
              f"{r['statements_per_turn']['engine']:>12}{r['statements_per_turn']['outbox']:>12}"
              f"{r['replies_per_turn']:>9}")
    print("turns: " + "; ".join(
        f"{k} {r['cpu_ms_per_turn']['engine'] + r['cpu_ms_per_turn']['outbox']:.1f} ms CPU and "
        f"{r['statements_per_turn']['engine'] + r['statements_per_turn']['outbox']:.1f} SQL "
        f"statements per turn" for k, r in results.items()) + f" | {path.name}")
    shutil.rmtree(RESULTS / "__pycache__", ignore_errors=True)
    return 0
