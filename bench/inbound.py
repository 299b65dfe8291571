"""Inbound benchmark: Telegram webhook updates through the support-request flow, vs bare aiogram.

Each target runs as its own process on 127.0.0.1 against the Bot API emulator (in this
process, with the load generator): `python -m bot run` (webhook mode, SQLite and/or
PostgreSQL) and bench/baseline_echo.py. Closed loop at several concurrency levels (updates in
flight), then an open loop at a fixed rate. The outbox's global cap is raised in a config.yaml
copy (Telegram's ~30 messages/s would otherwise be what is measured); per-chat pacing stays.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

from bench import metrics_probe
from bench.harness import (
    Database,
    Process,
    config_copy,
    dbs_of,
    echo_bot,
    ghimar_bot,
    rss_mib,
    tree,
    write_json,
)
from bench.load import closed_loop, open_loop, webhook_load

QUICK = {"levels": [32], "seconds": 5.0, "open_seconds": 3.0, "warmup": 2.0}
FULL = {"levels": [1, 8, 32, 128], "seconds": 20.0, "open_seconds": 30.0, "warmup": 5.0}
OPEN_RATE = 100.0
P99_TARGET_MS = 100.0
UNCAPPED = 100_000  # telegram.per_second of the config copy: no global outbox cap


async def measure(start: Callable[[Any], Process], plan: dict[str, Any], rate: float
                  ) -> dict[str, Any]:
    """Start a target against a fresh emulator, run the closed and open loops, stop it."""
    async with webhook_load(start) as (load, sends, proc), metrics_probe.watch(proc.port) as seen:
        await closed_loop(load, 8, plan["warmup"])  # imports, caches, connections
        load.failures.clear()
        levels = []
        for concurrency in plan["levels"]:
            levels.append(await closed_loop(load, concurrency, plan["seconds"]))
            print(f"  {proc.name}: {_line(levels[-1])}", flush=True)
        peak = max(lv["updates_per_second"] for lv in levels)
        rates = ([max(1.0, float(int(peak / 2)))] if peak < rate else []) + [rate]
        opened = []
        for each in rates:  # a rate it can sustain first: an overload leaves a backlog
            opened.append(await open_loop(load, each, plan["open_seconds"]))
            print(f"  {proc.name}: open loop {_line(opened[-1])}", flush=True)
        rss = round(rss_mib(proc.pid), 1)
        if seen.scrapes:  # the bot (not the echo baseline): the families the script leaves
            await metrics_probe.exercise(load)
    if seen.report():
        print(f"  {proc.name}: /metrics moved: {metrics_probe.line(seen.report())}", flush=True)
    calls = {f"{m} {s}": n for (m, s), n in sorted(sends.methods.items())}
    return {"levels": levels, "open_loops": opened, "failures": dict(load.failures),
            "bot_api_calls": calls, "rss_mib_at_end": rss, "log_errors": proc.errors()[:10],
            "log": str(proc.log_path), "metrics_moved": seen.report()}


def _line(p: dict[str, Any]) -> str:
    lat = p["latency_ms"]
    what = f"c={p['concurrency']}" if "concurrency" in p else f"{p['rate']:.0f}/s"
    cpu = p["cpu"]
    return (f"{what}: {p['updates_per_second']} upd/s ({p['failed']} failed), p50 {lat['p50']} "
            f"p95 {lat['p95']} p99 {lat['p99']} ms, paced {100 * p['paced_share']:.1f} %, target "
            f"{cpu['target_cores']} cores ({cpu['target_cpu_ms_per_update']} ms/update), bench "
            f"{cpu['bench_cores']} cores")


async def run(dbs: list[str], plan: dict[str, Any], rate: float) -> dict[str, Any]:
    """Every target; the figures by target name."""
    results: dict[str, Any] = {}
    for kind in dbs:
        async with Database(kind) as db:
            cfg = config_copy(db.dir, per_second=UNCAPPED)
            metrics_probe.enable(cfg)
            extra = {"GHIMAR_CONFIG": str(cfg), **metrics_probe.ENV}
            print(f"ghimar ({kind}) ...", flush=True)
            results[f"ghimar_{kind}"] = await measure(
                lambda tg, db=db, extra=extra: ghimar_bot(db, tg, extra=extra), plan, rate)
    print("bare aiogram echo ...", flush=True)
    results["aiogram_echo"] = await measure(echo_bot, plan, rate)
    return results


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    """Ghimar Desk / bare aiogram, per concurrency level and peak to peak."""
    base = results["aiogram_echo"]
    out: dict[str, Any] = {}
    for name, res in results.items():
        if name == "aiogram_echo":
            continue
        per_level = {str(a["concurrency"]): round(a["updates_per_second"] /
                                                  max(b["updates_per_second"], 1e-9), 3)
                     for a, b in zip(res["levels"], base["levels"], strict=True)}
        peak = max(lv["updates_per_second"] for lv in res["levels"])
        base_peak = max(lv["updates_per_second"] for lv in base["levels"])
        out[name] = {"per_concurrency": per_level, "peak": round(peak / base_peak, 3),
                     "peak_updates_per_second": peak, "baseline_peak": base_peak}
    return out


def table(results: dict[str, Any], ratio: dict[str, Any]) -> str:
    """One row per target and load: updates/s, latency, paced share, ratio to bare aiogram."""
    head = (f"{'target':18}{'load':>10}{'upd/s':>9}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'paced':>8}{'cpu ms/upd':>11}{'x aiogram':>11}")
    lines = [head, "-" * len(head)]
    for name, res in results.items():
        rows = [(f"c={lv['concurrency']}", lv, ratio.get(name, {}).get("per_concurrency", {})
                 .get(str(lv["concurrency"]))) for lv in res["levels"]]
        rows += [(f"{p['rate']:.0f}/s open", p, None) for p in res["open_loops"]]
        for load, p, r in rows:
            lat = p["latency_ms"]
            lines.append(f"{name:18}{load:>10}{p['updates_per_second']:>9}{p['failed']:>8}"
                         f"{lat['p50']:>9}{lat['p95']:>9}{lat['p99']:>9}"
                         f"{100 * p['paced_share']:>7.1f}%"
                         f"{p['cpu']['target_cpu_ms_per_update']:>11}"
                         f"{'' if r is None else f'{r:.2f}':>11}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run, print the table, write bench/results/inbound[-quick].json, end with a summary."""
    parser = argparse.ArgumentParser(prog="python -m bench inbound", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one level, short windows (<1 min)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rate", type=float, default=OPEN_RATE, help="open-loop updates/s")
    parser.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")],
                        help="concurrency levels, comma-separated")
    parser.add_argument("--seconds", type=float, help="measured seconds per level")
    args = parser.parse_args(argv)
    plan = dict(QUICK if args.quick else FULL)
    if args.levels:
        plan["levels"] = args.levels
    if args.seconds:
        plan["seconds"] = args.seconds
    measured = tree()
    results = asyncio.run(run(dbs_of(args.db), plan, args.rate))
    ratio = ratios(results)
    name = "inbound-quick" if args.quick else "inbound"
    path = write_json(name, {"plan": plan, "open_rate": args.rate, "p99_target_ms": P99_TARGET_MS,
                             "ratio_to_aiogram": ratio, "results": results}, measured)
    print(table(results, ratio))
    parts = []
    for target, r in ratio.items():
        at = results[target]["open_loops"][-1]
        p99 = (f"p99 {at['latency_ms']['p99']} ms" if not at["failed"] else
               f"overloaded ({at['failed']} of {at['failed'] + at['updates']} unanswered)")
        parts.append(f"{target.removeprefix('ghimar_')} {r['peak_updates_per_second']} upd/s = "
                     f"{r['peak']:.2f}x aiogram, {p99} at {args.rate:.0f}/s")
    base = results["aiogram_echo"]
    print(f"inbound: {'; '.join(parts)} | bare aiogram peak "
          f"{max(lv['updates_per_second'] for lv in base['levels'])} upd/s | {path.name}")
    return 0
