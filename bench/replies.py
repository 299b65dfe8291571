"""Conversational replies: each user sends /start, then presses the first button at once.

The held-out-style inbound measure of issue 13: USERS users, CONCURRENCY at a time, two round
trips each through the Telegram webhook (no pause before the press, so the outbox's per-chat
pacing is part of what is measured). Latency runs from the POST to the first message the
emulator receives in that chat. Targets: `python -m bot run` on SQLite with config.yaml as it
is (Telegram's ~30 messages/s overall included) and with the global cap lifted (per-chat
pacing only), and the bare aiogram echo bot, unlimited and keeping Telegram's limits too (30/s,
a chat's burst of 3 then 1/s: the fair baseline for the bot as configured). `--root DIR` runs
the bot from another checkout (to compare with an older commit in one sitting); the harness
stays this one. `--stall S`
freezes each target S seconds every 2 s (a starved CPU); each result also says how many sends
the emulator saw in its busiest second and which of Telegram's limits were exceeded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.harness import (
    ROOT,
    Database,
    Process,
    config_copy,
    echo_bot,
    ghimar_bot,
    latency_ms,
    tree,
    write_json,
)
from bench.load import Load, Sends, User, webhook_load
from tests.emulators import RateLimits
from tests.emulators.telegram_rates import measure as rate_report

USERS, CONCURRENCY = 200, 20
QUICK_USERS = 60
STALL_EVERY = 2.0  # seconds between two freezes of the bot (--stall)
UNCAPPED = 100_000  # telegram.per_second of the "uncapped" config copy
# Telegram's limits as config.yaml configures them (30/s, a burst of 3 then ~1/s a chat)
TELEGRAM_LIMITS = RateLimits(global_per_second=30, per_chat_per_second=1,
                             per_group_per_minute=20, per_chat_burst=3)


def first_button(sends: Sends, chat: Any) -> tuple[str, int]:
    """(callback_data, message_id) of the first button of the chat's last keyboard."""
    keyboard = sends.keyboards.get(chat)
    if keyboard is None:
        return "bench:first", sends.last_id.get(chat, 1)  # the echo bot has no buttons
    button = next(itertools.chain.from_iterable(keyboard[1]))
    return str(button.get("callback_data", "bench:first")), keyboard[0]


async def one_user(load: Load, u: User, latencies: list[float], failures: list[str],
                   buttons: bool = True) -> None:
    """/start, then the first button as soon as the reply (with its keyboard) came."""
    for update in (lambda: load.tg.command_update(u.user, "/start"),
                   lambda: load.tg.callback_update(u.user, *first_button(load.sends, u.chat))):
        before = load.sends.count(u.chat)
        posted = load.tg.clock()
        status = await load.post(dict(update()))
        if status != 200:
            failures.append(f"http {status}")
            return
        try:
            replied = await load.sends.nth(u.chat, before + 1)
        except TimeoutError:
            failures.append("no reply")
            return
        latencies.append(replied - posted)
        for _ in range(500):  # a keyboard may come in a later part of the reply
            if u.chat in load.sends.keyboards or not buttons:
                break
            await asyncio.sleep(0.01)


async def stalls(pid: int, seconds: float, every: float = STALL_EVERY) -> None:
    """Freeze the target process for `seconds` every `every` seconds (SIGSTOP, SIGCONT): the
    CPU starvation of a busy machine, made repeatable; until cancelled."""
    while True:
        await asyncio.sleep(every)
        os.kill(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)


async def measure(start: Any, users: int, concurrency: int, buttons: bool = True,
                  stall: float = 0.0) -> dict[str, Any]:
    """Run the users against a fresh emulator and the started target (frozen `stall`
    seconds every STALL_EVERY seconds while the measured users run, when given)."""
    async with webhook_load(start) as (load, sends, proc):
        for _ in range(3):  # warm-up users (imports, caches, connections)
            await one_user(load, load.new_user(), [], [], buttons)
        await asyncio.sleep(1.2)
        latencies: list[float] = []
        failures: list[str] = []
        queue = [load.new_user() for _ in range(users)]

        async def worker() -> None:
            while queue:
                await one_user(load, queue.pop(0), latencies, failures, buttons)

        started = time.monotonic()
        stalling = asyncio.create_task(stalls(proc.pid, stall)) if stall > 0 else None
        try:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        finally:
            if stalling is not None:
                stalling.cancel()
                await asyncio.gather(stalling, return_exceptions=True)
        seconds = time.monotonic() - started
        rates = rate_report(sends.log)  # what Telegram would have refused (429)
    return {"users": users, "concurrency": concurrency, "replies": len(latencies),
            "failed": len(failures), "seconds": round(seconds, 2),
            "replies_per_second": round(len(latencies) / seconds, 1),
            "latency_ms": latency_ms(latencies), "log_errors": proc.errors()[:10],
            "max_sends_in_one_second": rates.global_max_per_second,
            "over_telegram_limits": rates.exceeded(TELEGRAM_LIMITS)[:10]}


# the bare aiogram echo bot, unlimited and keeping Telegram's limits (30/s, burst 3 then 1/s)
BASELINES = {"aiogram_echo": False, "aiogram_echo_limited": True}
TARGETS: list[tuple[str, dict[str, float]]] = [("ghimar", {}),
                                             ("ghimar_uncapped", {"per_second": UNCAPPED})]


async def run(users: int, concurrency: int, root: Path, db_kind: str,
              before: Path | None = None, stall: float = 0.0) -> dict[str, Any]:
    """The bot as configured, the bot without the global cap (each also for the `before`
    checkout, when given), the bare aiogram echo bot."""
    results: dict[str, Any] = {}
    targets = [(f"before_{name}", before, telegram) for name, telegram in TARGETS if before]
    for name, checkout, telegram in [*targets, *((n, root, t) for n, t in TARGETS)]:
        async with Database(db_kind, root=checkout) as db:
            cfg = config_copy(db.dir, root=checkout, **telegram)
            extra = {"GHIMAR_CONFIG": str(cfg)}

            def start(tg: Any, db: Database = db, extra: dict[str, str] = extra,
                      checkout: Path = checkout) -> Process:
                proc = ghimar_bot(db, tg, extra=extra)
                proc.cwd = checkout
                return proc

            print(f"{name} ({db_kind}, {checkout}) ...", flush=True)
            results[name] = await measure(start, users, concurrency, stall=stall)
            print(f"  {_line(results[name])}", flush=True)
    for name, limited in BASELINES.items():
        print(f"bare aiogram echo{' within Telegram limits' if limited else ''} ...", flush=True)
        results[name] = await measure(partial(echo_bot, limited=limited), users, concurrency,
                                      buttons=False, stall=stall)
        print(f"  {_line(results[name])}", flush=True)
    return results


def _line(r: dict[str, Any]) -> str:
    lat = r["latency_ms"]
    return (f"{r['replies_per_second']} replies/s ({r['failed']} failed), p50 {lat['p50']} "
            f"p95 {lat['p95']} p99 {lat['p99']} ms, at most {r['max_sends_in_one_second']} "
            f"sends in a second, {len(r['over_telegram_limits'])} limits exceeded")


def main(argv: list[str]) -> int:
    """Run, print one line per target with its ratio to bare aiogram, write the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench replies", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_USERS} users")
    parser.add_argument("--users", type=int)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="checkout whose `python -m bot run` is measured")
    parser.add_argument("--name", help="results file name (default replies[-quick])")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout measured in the same run (e.g. /work/main)")
    parser.add_argument("--stall", type=float, default=0.0, metavar="SECONDS",
                        help=f"freeze each target this long every {STALL_EVERY:g} s (SIGSTOP): "
                             "a starved CPU, as on a busy machine")
    args = parser.parse_args(argv)
    users = args.users or (QUICK_USERS if args.quick else USERS)
    measured = tree()
    results = asyncio.run(run(users, args.concurrency, args.root.resolve(), args.db,
                              args.before.resolve() if args.before else None, args.stall))
    ratio = {base: {name: round(r["replies_per_second"]
                            / max(results[base]["replies_per_second"], 1e-9), 3)
                     for name, r in results.items() if name not in BASELINES}
             for base in BASELINES}
    name = args.name or ("replies-quick" if args.quick else "replies")
    path = write_json(name, {"root": str(args.root), "db": args.db, "stall": args.stall,
                             "ratio_to_aiogram": ratio["aiogram_echo"],
                             "ratio_to_aiogram_limited": ratio["aiogram_echo_limited"],
                             "results": results}, measured)
    for target, r in results.items():
        ratios = " ".join(f"= {ratio[b][target]:.3f}x {b}" for b in BASELINES
                          if target in ratio[b])
        print(f"{target:20} {_line(r)} {ratios}")
    print(f"replies: {path.name}")
    return 0
