"""Outage benchmark: what is lost or failed when PostgreSQL or the Bot API goes away, and what
two workers send.

(a) PostgreSQL outage during intake: the bot reaches PostgreSQL through a TCP proxy in this
    process; the proxy is cut (every connection dropped, new ones refused) for `--db-outage`
    seconds while one new user a second sends /start, by long polling and by webhook (the
    emulator's webhook is redelivered until answered 200, as Telegram does). Counted: users who
    never got a reply. Run for this checkout and, with `--before PATH`, another (main).
(b) Bot API outage: every send answered 502 for `--api-outage` seconds while committee
    decisions are imported; counted: notices delivered after it, notices `failed`.
(c) One and two workers (`bot run --workers 2`, PostgreSQL, no Redis) delivering decision
    notices and replies at config.yaml's 30/s: the most sends in any second, chats that got
    more than a burst of three then 1/s, and 429s from the emulator that enforces those limits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.fanout import CHAT0, import_cli, minutes, setup
from bench.harness import (
    PG_ADMIN,
    ROOT,
    SECRET,
    Database,
    Process,
    config_copy,
    free_port,
    tree,
    write_json,
)
from bench.load import Sends
from tests.emulators import RateLimits, TelegramEmulator

USER0 = 61_000_000


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut (connections dropped, new ones refused)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5432) -> None:
        self.target = (host, port)
        self.up = True
        self.pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.port = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> Proxy:
        """Listen on a free local port."""
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self.pairs.add(pair)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer),
                             return_exceptions=True)
        self.pairs.discard(pair)
        for w in pair:
            w.transport.abort()

    def cut(self) -> None:
        """PostgreSQL is gone: drop every connection, refuse new ones."""
        self.up = False
        for pair in list(self.pairs):
            for w in pair:
                w.transport.abort()

    def restore(self) -> None:
        """PostgreSQL is back."""
        self.up = True

    async def close(self) -> None:
        """Stop listening."""
        self.cut()
        if self.server is not None:
            self.server.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()


def bot_process(db: Database, tg: Any, *, root: Path = ROOT, webhook: bool = True,
                workers: int = 1, extra: dict[str, str] | None = None) -> Process:
    """`python -m bot run [--workers N]` of the checkout `root`, Telegram against the emulator."""
    port = free_port()
    env = {**db.env(), "GHIMAR_CHANNELS": "telegram", "GHIMAR_HTTP_HOST": "127.0.0.1",
           "GHIMAR_HTTP_PORT": str(port), "GHIMAR_LOG_LEVEL": "WARNING",
           "GHIMAR_QUIET_HOURS": "off", "TELEGRAM_BOT_TOKEN": tg.token,
           "TELEGRAM_API_BASE_URL": tg.base_url, "TELEGRAM_DRIVER": "aiogram",
           "TELEGRAM_POLLING_TIMEOUT": "1", **(extra or {})}
    if webhook:
        env |= {"TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram",
                "TELEGRAM_WEBHOOK_SECRET": SECRET}
    cmd = [sys.executable, "-m", "bot", "run"] + (["--workers", str(workers)] if workers > 1
                                                   else [])
    process = Process(f"outage-{root.name}", cmd, env, port, "/webhooks/telegram")
    process.cwd = root
    return process


async def redeliver(tg: Any, update: dict[str, Any], until: float) -> int:
    """POST an update as Telegram does: again every second until it is answered 200."""
    tries = 0
    while time.monotonic() < until:
        tries += 1
        with contextlib.suppress(aiohttp.ClientError, OSError, RuntimeError):
            status, _ = await tg.post_webhook(update)
            if status == 200:
                return tries
        await asyncio.sleep(1.0)
    return -tries


async def db_outage(root: Path, mode: str, outage: float, users: int) -> dict[str, Any]:
    """(a) for one checkout and one receiving mode."""
    proxy = await Proxy().start()
    async with Database("postgres", root=root) as db, TelegramEmulator() as tg:
        sends = Sends(tg)
        url = PG_ADMIN.rsplit("/", 1)[0].replace("5432", str(proxy.port)) + f"/{db.name}"
        bot = await bot_process(db, tg, root=root, webhook=mode == "webhook",
                                extra={"GHIMAR_DATABASE_URL": url}).start()
        try:
            await asyncio.sleep(2.0)  # polling: the first getUpdates is out
            people = [tg.make_user(USER0 + i, f"User{i}", "ar") for i in range(users)]
            proxy.cut()
            t0, posts = time.monotonic(), []
            for i, person in enumerate(people):
                update = tg.command_update(person, "/start")
                if mode == "polling":
                    tg.push_update(update)
                else:
                    posts.append(asyncio.create_task(redeliver(tg, update, t0 + outage + 90)))
                await asyncio.sleep(max(0.0, t0 + (i + 1) * outage / (users + 1)
                                        - time.monotonic()))
            await asyncio.sleep(max(0.0, t0 + outage - time.monotonic()))
            proxy.restore()
            restored = tg.clock()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and len(sends.times.keys() & {
                    p["id"] for p in people}) < users:
                await asyncio.sleep(0.5)
            answered = sends.times.keys() & {p["id"] for p in people}
            last = max((sends.times[c][0] for c in answered), default=None)
            tries = [await t for t in posts]
        finally:
            bot.stop()
            await proxy.close()
        return {"tree": str(root), "mode": mode, "outage_seconds": outage, "users": users,
                "answered": len(answered), "lost": users - len(answered),
                "last_answer_after_restore_s": round(last - restored, 1)
                if last is not None else None,
                "webhook_posts_per_update": (round(sum(abs(t) for t in tries) / len(tries), 1)
                                             if tries else None),
                "errors_logged": len(bot.errors())}


async def api_outage(outage: float, n: int) -> dict[str, Any]:
    """(b) decisions imported while every send gets 502 for `outage` seconds."""
    from sqlalchemy import func, select

    from bot.db import make_engine
    from models import OutboxMessage

    async with Database("sqlite") as db, TelegramEmulator() as tg:
        await setup(db, n)
        for i in range(1, n + 1):
            tg.make_user(CHAT0 + i, f"مستفيد {i}", "ar")
        sends = Sends(tg)
        extra = {"GHIMAR_QUIET_HOURS": "off"}
        bot = await bot_process(db, tg, extra=extra).start()
        try:
            tg.fail_next("*", 502, count=10**9)  # the Bot API is down
            t0 = time.monotonic()
            await import_cli(db, minutes(db.dir / "minutes.csv", n), extra)
            await asyncio.sleep(max(0.0, t0 + outage - time.monotonic()))
            refused = sends.methods.get(("sendMessage", 502), 0)
            tg.faults.clear()  # back
            back = tg.clock()
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and len(sends.log) < n:
                await asyncio.sleep(0.5)
        finally:
            bot.stop()
        engine = make_engine(db.url)
        async with engine.connect() as conn:
            statuses = dict((await conn.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all())
        await engine.dispose()
        delivered = len({c for _, c in sends.log})
        return {"outage_seconds": outage, "notices": n, "refused_502_during_outage": refused,
                "delivered_after": delivered, "outbox_statuses": statuses,
                "failed": statuses.get("failed", 0),
                "last_delivery_after_back_s": round(sends.log[-1][0] - back, 1)
                if sends.log else None}


async def two_workers(n: int, replies: int, workers: int = 2) -> dict[str, Any]:
    """(c) `bot run --workers N` on PostgreSQL at config.yaml's limits."""
    async with Database("postgres") as db, TelegramEmulator() as tg:
        await setup(db, n)
        for i in range(1, n + 1):
            tg.make_user(CHAT0 + i, f"مستفيد {i}", "ar")
        tg.rate_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20,
                       per_chat_burst=3)
        sends = Sends(tg)
        extra = {"GHIMAR_QUIET_HOURS": "off", "GHIMAR_CONFIG": str(config_copy(db.dir))}
        bot = await bot_process(db, tg, workers=workers, extra=extra).start()
        try:
            await asyncio.sleep(3.0)  # both workers up
            people = [tg.make_user(USER0 + i, f"User{i}", "ar") for i in range(replies)]
            t0 = tg.clock()
            await asyncio.gather(
                import_cli(db, minutes(db.dir / "minutes.csv", n), extra),
                *(redeliver(tg, tg.command_update(p, "/start"), time.monotonic() + 60)
                  for p in people))
            deadline, want = time.monotonic() + 300, n + replies
            while time.monotonic() < deadline and len(sends.times.keys()) < want:
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)
        finally:
            bot.stop()
        times = sorted(t for t, _ in sends.log)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= 1.0:
                lo += 1
            best = max(best, hi - lo + 1)
        from tests.emulators.telegram_rates import measure

        report = measure(sends.log)
        over = report.exceeded(RateLimits(30, 1, 20, per_chat_burst=3))
        per_chat = Counter(c for _, c in sends.log)
        return {"workers": workers, "notices": n, "repliers": replies, "sends": len(times),
                "chats_served": len(per_chat), "max_in_any_second": best,
                "sustained_per_second": round(len(times) / max(times[-1] - times[0], 1e-9), 1)
                if len(times) > 1 else None,
                "first_send_s": round(times[0] - t0, 1) if times else None,
                "rate_429": len(tg.violations), "limits_exceeded": over[:10],
                "errors_logged": len(bot.errors())}


def main(argv: list[str]) -> int:
    """Run (a), (b), (c); print the figures; write bench/results/outage[-quick].json."""
    parser = argparse.ArgumentParser(prog="python -m bench outage", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="12 s database outage, 8 users, "
                        "20 notices, 300 two-worker notices")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout to measure (a) for, e.g. /work/main")
    parser.add_argument("--db-outage", type=float, default=None, help="seconds (60; quick 12)")
    parser.add_argument("--api-outage", type=float, default=40.0, help="seconds")
    parser.add_argument("--only", choices=["a", "b", "c"], default=None)
    args = parser.parse_args(argv)
    outage = args.db_outage or (12.0 if args.quick else 60.0)
    users, notices, fan = (8, 20, 300) if args.quick else (30, 100, 2000)
    measured, report = tree(), {}
    if args.only in (None, "a"):
        rows = []
        for root in [r for r in (args.before, ROOT) if r is not None]:
            for mode in ("polling", "webhook"):
                print(f"(a) {outage:.0f} s PostgreSQL outage, {mode}, {root} ...", flush=True)
                row = asyncio.run(db_outage(root.resolve(), mode, outage, users))
                print(f"    {row['lost']} of {users} lost", flush=True)
                rows.append(row)
        report["database_outage"] = rows
    if args.only in (None, "b"):
        print(f"(b) {args.api_outage:.0f} s Bot API outage, {notices} notices ...", flush=True)
        report["api_outage"] = asyncio.run(api_outage(args.api_outage, notices))
        print(f"    {report['api_outage']}", flush=True)
    if args.only in (None, "c"):
        report["workers"] = []
        for workers in (1, 2):
            print(f"(c) {workers} worker(s), {fan} notices + 20 replies at 30/s ...", flush=True)
            report["workers"].append(asyncio.run(two_workers(fan, 20, workers)))
            print(f"    {report['workers'][-1]}", flush=True)
    path = write_json("outage-quick" if args.quick else "outage", report, measured)
    print(f"outage: {path.name}")
    return 0
