"""Memory benchmark: the bot's resident memory with N beneficiaries in the middle of a request.

`python -m bot run` (webhook mode, SQLite by default) against the Bot API emulator; every
virtual beneficiary is driven by webhook updates from /start to the family-size question
(seven updates), a few dozen at a time. RSS (psutil, else /proc/PID/status VmRSS) is read
after a warm-up, at every 1,000 beneficiaries, and at the end after a short rest.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import aiohttp

from bench.harness import Database, config_copy, dbs_of, ghimar_bot, rss_mib, tree, write_json
from bench.load import TO_FAMILY_SIZE, Load, Sends, closed_loop
from tests.emulators import TelegramEmulator

TARGET_MIB_PER_1000 = 5.0
WARMUP_USERS = 100
CONCURRENCY = 32


async def measure(kind: str, n: int, concurrency: int) -> dict[str, Any]:
    """Warm up, drive n beneficiaries to the family-size step, read RSS along the way."""
    async with Database(kind) as db, TelegramEmulator() as tg:
        sends = Sends(tg)
        cfg = config_copy(db.dir, per_second=100_000)  # the global outbox cap out of the way
        bot = await ghimar_bot(db, tg, extra={"GHIMAR_CONFIG": str(cfg)}).start()
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                load = Load(tg, sends, bot.webhook_url, http, bot.pid,
                            script=list(TO_FAMILY_SIZE))
                await closed_loop(load, concurrency, 3600, users=WARMUP_USERS)
                await asyncio.sleep(2)
                before = rss_mib(bot.pid)
                series: list[tuple[int, float]] = [(0, round(before, 1))]

                def checkpoint(done: int) -> None:
                    if done % 1000 == 0:
                        series.append((done, round(rss_mib(bot.pid), 1)))
                        print(f"  {done} beneficiaries at the family-size step: "
                              f"{series[-1][1]} MiB", flush=True)

                run = await closed_loop(load, concurrency, 7200, users=n, progress=checkpoint)
                await asyncio.sleep(5)
                after = rss_mib(bot.pid)
        finally:
            bot.stop()
        per_1000 = (after - before) / (n / 1000)
        return {"beneficiaries": n, "users_finished": run["users_finished"],
                "rss_before_mib": round(before, 1), "rss_after_mib": round(after, 1),
                "growth_mib": round(after - before, 1),
                "mib_per_1000_active": round(per_1000, 2),
                "target_mib_per_1000": TARGET_MIB_PER_1000, "series": series,
                "updates_per_second": run["updates_per_second"],
                "latency_ms": run["latency_ms"], "failures": dict(load.failures),
                "log": str(bot.log_path), "log_errors": bot.errors()[:10]}


def table(results: dict[str, dict[str, Any]]) -> str:
    """One column per database."""
    rows = [("active conversations", "beneficiaries"), ("reached family size", "users_finished"),
            ("RSS before MiB", "rss_before_mib"), ("RSS after MiB", "rss_after_mib"),
            ("growth MiB", "growth_mib"), ("MiB per 1,000 active", "mib_per_1000_active"),
            ("target MiB per 1,000", "target_mib_per_1000"),
            ("updates/s while driving", "updates_per_second")]
    lines = [f"{'':26}" + "".join(f"{k:>12}" for k in results)]
    lines += [f"{label:26}" + "".join(f"{r[key]!s:>12}" for r in results.values())
              for label, key in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run, print the table, write bench/results/memory[-quick].json, end with a summary."""
    parser = argparse.ArgumentParser(prog="python -m bench memory", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 beneficiaries")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--beneficiaries", type=int, help="default 10,000 (--quick: 1,000)")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args(argv)
    n = args.beneficiaries or (1000 if args.quick else 10_000)
    results, measured = {}, tree()
    for kind in dbs_of(args.db):
        print(f"memory: {n} beneficiaries on {kind} ...", flush=True)
        results[kind] = asyncio.run(measure(kind, n, args.concurrency))
    name = "memory-quick" if args.quick else "memory"
    path = write_json(name, {"results": results}, measured)
    print(table(results))
    parts = [f"{k}: {r['mib_per_1000_active']} MiB per 1,000 active conversations "
             f"({r['rss_before_mib']} -> {r['rss_after_mib']} MiB for {n}; target "
             f"< {TARGET_MIB_PER_1000})" for k, r in results.items()]
    print(f"memory: {'; '.join(parts)} | {path.name}")
    return 0
