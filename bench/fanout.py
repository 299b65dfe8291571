"""Fanout benchmark: committee decisions imported at once, notices delivered within rate limits.

Set-up writes N submitted requests straight into a fresh database (bulk inserts: beneficiary,
Telegram identity, conversation, request). Then `python -m bot run` (webhook mode, emulator
enforcing a global cap and 1 message/s per chat, the bot's config.yaml copy at the same
limits, GHIMAR_QUIET_HOURS=off) and the minutes CSV imported with `python -m bot decisions
import` (or POST /api/decisions). Measured from the start of the import to the last notice.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import itertools
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.harness import (
    Database,
    config_copy,
    dbs_of,
    ghimar_bot,
    latency_ms,
    tree,
    write_json,
)
from bench.load import Sends
from tests.emulators import TelegramEmulator

CHAT0 = 50_000_000
ALLOWED = 200.0  # messages/s, the emulator's global cap (Telegram: ~30)
STALL = 60.0  # seconds without a new notice before giving up
API_TOKEN = "bench-api-token-0123456789-abcdefgh"


def national_id(n: int) -> str:
    """The n-th valid Saudi national ID (prefix 1, Luhn check digit)."""
    from bot.validation import national_id_checksum_ok

    body = f"1{n:08d}"
    return next(body + d for d in "0123456789" if national_id_checksum_ok(body + d))


async def setup(db: Database, n: int) -> None:
    """N beneficiaries, each with a Telegram identity, a conversation and a submitted request."""
    from sqlalchemy import insert, text

    from bot.db import make_engine, upgrade
    from bot.security.at_rest import bind_vault
    from bot.security.crypto import Vault
    from models import Beneficiary, ChannelIdentity, Conversation, SupportRequest

    vault, now = Vault(db.key), dt.datetime.now(dt.UTC)
    engine = make_engine(db.url)
    bind_vault(engine, vault)  # names and mobiles are encrypted columns
    if db.kind == "sqlite":
        await upgrade(engine)
    income = vault.encrypt("3000")
    tables: list[tuple[Any, Any]] = [
        (Beneficiary, lambda i: {"id": i, "full_name": f"مستفيد {i}", "language": "ar",
                                 "created_at": now}),
        (ChannelIdentity, lambda i: {"id": i, "beneficiary_id": i, "channel": "telegram",
                                     "platform_user_id": str(CHAT0 + i), "unreachable": False,
                                     "created_at": now, "last_inbound_at": now}),
        (Conversation, lambda i: {"id": i, "identity_id": i, "flow": None, "step": None,
                                  "language": "ar" if i % 5 else "en", "failures": 0,
                                  "human_hold": False, "updated_at": now}),
        (SupportRequest, lambda i: {
            "id": i, "reference": f"GH-2026-{i:06d}", "beneficiary_id": i, "identity_id": i,
            "full_name": f"مستفيد {i}", "national_id_hash": vault.lookup_hash(national_id(i)),
            "national_id_enc": vault.encrypt(national_id(i)), "mobile": "+966501234567",
            "branch": "main_office", "family_size": 5, "monthly_income_enc": income,
            "support_type": "food_basket", "description": "أسرة بحاجة إلى سلة غذائية شهرية",
            "status": "submitted", "submitted_at": now, "created_at": now, "updated_at": now}),
    ]
    try:
        async with engine.begin() as conn:
            for model, row in tables:
                for lo in range(1, n + 1, 1000):
                    await conn.execute(insert(model), [row(i) for i in range(lo, min(lo + 1000,
                                                                                   n + 1))])
                if db.kind == "postgres":
                    name = model.__tablename__
                    await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', "
                                            f"'id'), {n})"))
    finally:
        await engine.dispose()


def minutes(path: Path, n: int) -> Path:
    """The committee's minutes: four in five accepted, the rest rejected with a reason."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["reference", "decision", "reason", "decided_on"])
        for i in range(1, n + 1):
            rejected = i % 5 == 0
            today = dt.datetime.now(dt.UTC).date().isoformat()
            out.writerow([f"GH-2026-{i:06d}", "rejected" if rejected else "accepted",
                          "الدخل أعلى من الحد" if rejected else "", today])
    return path


async def import_cli(db: Database, csv_path: Path, extra: dict[str, str]) -> dict[str, Any]:
    """`python -m bot decisions import FILE.csv` against the bot's database, output logged."""
    import os

    from bench.harness import LOGS, OWN_PREFIXES, ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env |= {**db.env(), "GHIMAR_LOG_LEVEL": "WARNING", **extra}
    log = LOGS / f"decisions-import-{time.strftime('%Y%m%d-%H%M%S')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with log.open("wb") as fh:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "decisions", "import", str(csv_path), cwd=ROOT,
            env=env, stdout=fh, stderr=asyncio.subprocess.STDOUT)
        code = await proc.wait()
    lines = log.read_text(errors="replace").splitlines()
    summary = next((x for x in reversed(lines) if x.endswith("with errors")), lines[-1:] or "")
    print(f"  import exit {code}: {str(summary)[:200]} ({log})", flush=True)
    return {"import_seconds": round(time.monotonic() - start, 1), "import_exit": code,
            "import_summary": summary, "import_log": str(log)}


async def import_api(port: int, csv_path: Path) -> dict[str, Any]:
    """POST /api/decisions in batches of 1,000 (the endpoint's maximum); seconds taken."""
    with csv_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    start = time.monotonic()
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1800)) as http:
        for lo in range(0, len(rows), 1000):
            url = f"http://127.0.0.1:{port}/api/decisions"
            async with http.post(url, json={"decisions": rows[lo:lo + 1000]},
                                 headers=headers) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"POST /api/decisions: {resp.status} {await resp.text()}")
    return {"import_seconds": round(time.monotonic() - start, 1), "import_exit": 0}


async def measure(kind: str, n: int, via: str, allowed: float, cap: float,
                  workers: int = 1) -> dict[str, Any]:
    """Set up, start `bot run [--workers N]`, import, wait for every notice; the figures."""
    async with Database(kind) as db, TelegramEmulator() as tg:
        t = time.monotonic()
        await setup(db, n)
        setup_s = time.monotonic() - t
        for i in range(1, n + 1):
            tg.make_user(CHAT0 + i, f"مستفيد {i}", "ar")
        tg.rate_limits(global_per_second=allowed, per_chat_per_second=1, per_group_per_minute=20,
                       per_chat_burst=3)  # as telegram.per_chat_burst
        sends = Sends(tg)
        cfg = config_copy(db.dir, per_second=allowed, per_chat_interval=1.0, group_per_minute=20)
        extra = {"GHIMAR_CONFIG": str(cfg), "GHIMAR_QUIET_HOURS": "off"}
        bot = await ghimar_bot(db, tg, extra={**extra, "GHIMAR_API_TOKEN": API_TOKEN},
                               workers=workers).start()
        if workers > 1:
            await asyncio.sleep(3.0)  # the other workers up (the first answered /healthz)
        try:
            csv_path = minutes(db.dir / "minutes.csv", n)
            t0 = tg.clock()
            if via == "cli":
                imported = await import_cli(db, csv_path, extra)
            else:
                imported = await import_api(bot.port, csv_path)
            deadline, last_count, last_change = t0 + cap, -1, tg.clock()
            while tg.clock() < deadline and tg.clock() - last_change < STALL:
                count = len(sends.log)
                if count >= n:
                    break
                if count != last_count:
                    last_count, last_change = count, tg.clock()
                await asyncio.sleep(0.5)
        finally:
            bot.stop()
        done = t0 + imported["import_seconds"]
        after = [t for t, _ in sends.log if t > done]
        imported["after_import_per_second"] = (
            round(len(after) / (after[-1] - done), 1) if len(after) > 1 else None)
        return figures(sends, tg, n, t0, allowed) | imported | {
            "setup_seconds": round(setup_s, 1), "via": via, "workers": workers,
            "database": kind, "log": str(bot.log_path),
            "log_errors": bot.errors()[:10]}


def figures(sends: Sends, tg: Any, n: int, t0: float, allowed: float) -> dict[str, Any]:
    """Delivered once / twice / never, rates, 429s, time to the last notice."""
    per_chat = Counter(chat for _, chat in sends.log)
    expected = {CHAT0 + i for i in range(1, n + 1)}
    times = sorted(t for t, _ in sends.log)
    first, last = (times[0], times[-1]) if times else (t0, t0)
    window, best, lo = 1.0, 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    sustained = len(times) / (last - first) if len(times) > 1 else 0.0
    return {
        "decisions": n, "delivered": len(times), "allowed_per_second": allowed,
        "delivered_chats": len(per_chat.keys() & expected),
        "missing": len(expected - per_chat.keys()),
        "duplicated": sum(1 for c, k in per_chat.items() if k > 1),
        "unexpected_chats": len(per_chat.keys() - expected),
        "rate_429": len(tg.violations),
        "refusals_by_rule": dict(Counter(v.rule for v in tg.violations)),
        "first_delivery_seconds": round(first - t0, 1) if times else None,
        "last_delivery_seconds": round(last - t0, 1) if times else None,
        "sustained_per_second": round(sustained, 1),
        "end_to_end_per_second": round(len(times) / max(last - t0, 1e-9), 1),
        "share_of_allowed": round(sustained / allowed, 3),
        "end_to_end_share_of_allowed": round(len(times) / max(last - t0, 1e-9) / allowed, 3),
        "max_in_any_second": best,
        "gaps_ms": latency_ms([b - a for a, b in itertools.pairwise(times)]),
        "bot_api_calls": {f"{m} {s}": k for (m, s), k in sorted(sends.methods.items())},
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    """One column per run (database, workers)."""
    rows = [("decisions", "decisions"), ("delivered once", "delivered_chats"),
            ("missing", "missing"), ("duplicated", "duplicated"), ("429s provoked", "rate_429"),
            ("allowed msg/s", "allowed_per_second"), ("sustained msg/s", "sustained_per_second"),
            ("sustained / allowed", "share_of_allowed"),
            ("end-to-end msg/s", "end_to_end_per_second"),
            ("end-to-end / allowed", "end_to_end_share_of_allowed"),
            ("after import msg/s", "after_import_per_second"),
            ("max in any 1 s", "max_in_any_second"), ("import s", "import_seconds"),
            ("first notice s", "first_delivery_seconds"),
            ("last notice s", "last_delivery_seconds")]
    rows.insert(0, ("workers", "workers"))
    lines = [f"{'':24}" + "".join(f"{k:>14}" for k in results)]
    lines += [f"{label:24}" + "".join(f"{r.get(key)!s:>14}" for r in results.values())
              for label, key in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run, print the table, write bench/results/fanout[-quick].json, end with a summary."""
    parser = argparse.ArgumentParser(prog="python -m bench fanout", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 decisions")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--decisions", type=int, help="default 10,000 (--quick: 1,000)")
    parser.add_argument("--via", choices=["cli", "api"], default="cli")
    parser.add_argument("--rate", "--per-second", dest="rate", type=float, default=ALLOWED,
                        help="global messages/s allowed (the emulator's and the bot's)")
    parser.add_argument("--workers", default="1",
                        help="comma-separated worker counts, one run each (e.g. 1,2,4; "
                        "more than 1 needs PostgreSQL)")
    parser.add_argument("--name", default=None, help="results file name (default fanout"
                        "[-quick])")
    parser.add_argument("--cap", type=float, default=1800.0, help="give up after this many s")
    args = parser.parse_args(argv)
    n = args.decisions or (1000 if args.quick else 10_000)
    counts = [int(w) for w in args.workers.split(",")]
    results, measured = {}, tree()
    for kind in dbs_of(args.db):
        for workers in counts:
            if workers > 1 and kind == "sqlite":
                continue  # `bot run --workers N` refuses SQLite
            key = kind if counts == [1] else f"{kind}-{workers}w"
            print(f"fanout {n} decisions on {kind}, {workers} worker(s), {args.rate:g}/s via "
                  f"{args.via} ...", flush=True)
            results[key] = asyncio.run(measure(kind, n, args.via, args.rate, args.cap, workers))
            print(f"  {key}: {results[key]['delivered_chats']}/{n} once, "
                  f"{results[key]['duplicated']} twice, {results[key]['rate_429']} 429s, "
                  f"{results[key]['sustained_per_second']} msg/s", flush=True)
    name = args.name or ("fanout-quick" if args.quick else "fanout")
    path = write_json(name, {"results": results}, measured)
    print(table(results))
    parts = [f"{k}: {r['delivered_chats']}/{n} delivered once, {r['duplicated']} twice, "
             f"{r['rate_429']} 429s, {r['sustained_per_second']}/{args.rate:.0f} msg/s "
             f"({100 * r['share_of_allowed']:.0f} %), last notice at "
             f"{r['last_delivery_seconds']} s" for k, r in results.items()]
    print(f"fanout: {'; '.join(parts)} | {path.name}")
    return 0
