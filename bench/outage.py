"""Outage benchmark: what is lost or failed when PostgreSQL or the Bot API goes away, and what
two workers send.

(a) PostgreSQL outage during intake: the bot reaches PostgreSQL through a TCP proxy in this
    process; the proxy is cut (every connection dropped, new ones refused) for `--db-outage`
    seconds while one new user a second sends /start, by long polling and by webhook (the
    emulator's webhook is redelivered until answered 200, as Telegram does). Counted: users who
    never got a reply. Run for this checkout and, with `--before PATH`, another (main).
(b) Bot API outage: every Bot API call answered 502 for `--api-outage` seconds while committee
    decisions are imported and new users send /start by webhook (`bot run --workers 2` on
    PostgreSQL at 30/s); counted: notices and replies delivered after it, notices `failed`.
(c) One and two workers (`bot run --workers 2`, PostgreSQL, no Redis) delivering decision
    notices and replies at config.yaml's 30/s: the most sends in any second, chats that got
    more than a burst of three then 1/s, and 429s from the emulator that enforces those limits.
(d) Kill -9: two workers deliver notices at 30/s and one of them is killed (SIGKILL) three
    times; the supervisor starts it again. Counted: notices lost, chats served twice, and the
    killed worker's sends in flight at each kill (the chats whose advisory lock it held).
`--full` is the issue's run: a 60 s database outage, a 600 s Bot API outage, 10,000 notices.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import signal
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


async def api_outage(outage: float, n: int, users: int, kind: str = "postgres",
                     workers: int = 2) -> dict[str, Any]:
    """(b) every Bot API call answered 502 for `outage` seconds while committee decisions are
    imported and `users` new people send /start by webhook (spread over the outage)."""
    from sqlalchemy import func, select

    from bot.db import make_engine
    from models import OutboxMessage

    async with Database(kind) as db, TelegramEmulator() as tg:
        await setup(db, n)
        for i in range(1, n + 1):
            tg.make_user(CHAT0 + i, f"مستفيد {i}", "ar")
        tg.rate_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20,
                       per_chat_burst=3)
        sends = Sends(tg)
        extra = {"GHIMAR_QUIET_HOURS": "off", "GHIMAR_CONFIG": str(config_copy(db.dir))}
        bot = await bot_process(db, tg, workers=workers, extra=extra).start()
        people = [tg.make_user(USER0 + i, f"User{i}", "ar") for i in range(users)]
        notices = {CHAT0 + i for i in range(1, n + 1)}
        try:
            await asyncio.sleep(3.0)  # every worker up
            tg.fail_next("*", 502, count=10**9)  # the Bot API is down
            t0 = time.monotonic()
            await import_cli(db, minutes(db.dir / "minutes.csv", n), extra)
            posts = []
            for i, person in enumerate(people):  # inbound traffic through the outage
                update = tg.command_update(person, "/start")
                posts.append(asyncio.create_task(redeliver(tg, update, t0 + outage + 120)))
                await asyncio.sleep(max(0.0, t0 + (i + 1) * outage / (users + 1)
                                        - time.monotonic()))
            await asyncio.sleep(max(0.0, t0 + outage - time.monotonic()))
            refused = sum(k for (m, s), k in sends.methods.items() if s == 502)
            tg.faults.clear()  # back
            back = tg.clock()
            deadline = time.monotonic() + 300
            want = notices | {p["id"] for p in people}
            while time.monotonic() < deadline and not want <= sends.times.keys():
                await asyncio.sleep(0.5)
            tries = [await t for t in posts]
        finally:
            bot.stop()
        engine = make_engine(db.url)
        async with engine.connect() as conn:
            statuses = dict((await conn.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all())
        await engine.dispose()
        served = sends.times.keys()
        answered = served & {p["id"] for p in people}
        last = max((sends.times[c][0] for c in served & want), default=None)
        return {"database": kind, "workers": workers, "outage_seconds": outage,
                "notices": n, "inbound_users": users,
                "webhook_posts_not_answered_200": sum(1 for t in tries if t < 0),
                "refused_502_during_outage": refused,
                "notices_delivered_after": len(served & notices),
                "notices_duplicated": sum(1 for c in notices if len(sends.times.get(c, ())) > 1),
                "inbound_answered_after": len(answered), "inbound_lost": users - len(answered),
                "outbox_statuses": {str(k): v for k, v in statuses.items()},
                "failed": statuses.get("failed", 0), "rate_429": len(tg.violations),
                "last_delivery_after_back_s": round(last - back, 1) if last else None,
                "errors_logged": len(bot.errors())}


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


def children(pid: int) -> list[int]:
    """Process ids of a process's children (the workers of `bot run --workers N`)."""
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def local_ports(pid: int) -> set[int]:
    """Local TCP ports of a process's sockets (its PostgreSQL connections among them)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def chat_lock_key(address: str, channel: str = "telegram") -> int:
    """The advisory lock key of a chat (as bot/outbox/dispatcher.py computes it)."""
    digest = hashlib.sha256(f"outbox:{channel}:{address}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_HELD = """
SELECT (l.classid::bigint << 32) | l.objid::bigint FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND a.datname = :db AND a.client_port = ANY(:ports)
"""


async def held_chats(db: Database, ports: set[int], keys: dict[int, int]) -> set[int]:
    """Chats whose advisory lock is held by connections from these local ports."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            rows = (await conn.execute(text(_HELD), {"db": db.name,
                                                     "ports": sorted(ports)})).all()
    finally:
        await admin.dispose()
    return {keys[k & 0xFFFFFFFFFFFFFFFF] for (k,) in rows if k & 0xFFFFFFFFFFFFFFFF in keys}


async def kills(n: int, times: int = 3) -> dict[str, Any]:
    """(d) `bot run --workers 2` delivering N notices at 30/s; one worker killed (SIGKILL)
    `times` times, evenly through the fan-out. At each kill the worker is first frozen
    (SIGSTOP) and the chats it holds (their advisory locks) are read: its sends in flight,
    a send on the wire or an outcome not yet committed. Then SIGKILL; the supervisor starts
    it again. Counted at the emulator: chats never served (lost), chats served twice
    (duplicates), and whether each duplicate was in flight in a killed worker."""
    async with Database("postgres") as db, TelegramEmulator() as tg:
        await setup(db, n)
        for i in range(1, n + 1):
            tg.make_user(CHAT0 + i, f"مستفيد {i}", "ar")
        tg.rate_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20,
                       per_chat_burst=3)
        sends = Sends(tg)
        keys = {chat_lock_key(str(CHAT0 + i)) & 0xFFFFFFFFFFFFFFFF: CHAT0 + i
                for i in range(1, n + 1)}
        extra = {"GHIMAR_QUIET_HOURS": "off", "GHIMAR_CONFIG": str(config_copy(db.dir))}
        bot = await bot_process(db, tg, workers=2, extra=extra).start()
        events: list[dict[str, Any]] = []
        try:
            await asyncio.sleep(3.0)  # both workers up
            t0 = tg.clock()
            await import_cli(db, minutes(db.dir / "minutes.csv", n), extra)
            for k in range(1, times + 1):
                while len(sends.log) < k * n // (times + 1):
                    await asyncio.sleep(0.05)
                workers = children(bot.pid)
                victim = workers[k % len(workers)]
                os.kill(victim, signal.SIGSTOP)  # frozen: what it holds cannot change
                at, served = tg.clock(), set(sends.times)
                held = await held_chats(db, local_ports(victim), keys)
                os.kill(victim, signal.SIGKILL)
                events.append({"at_s": round(at - t0, 1), "sends_before": len(sends.log),
                               "pid": victim, "in_flight": sorted(held),
                               "in_flight_already_served": len(held & served)})
                print(f"    kill {k}: pid {victim} at {at - t0:.1f} s, {len(held)} chats in "
                      f"flight ({len(held & served)} already served)", flush=True)
                await asyncio.sleep(2.0)
            deadline, last, change = time.monotonic() + 900, -1, time.monotonic()
            while time.monotonic() < deadline and len(sends.times) < n:
                if len(sends.log) != last:
                    last, change = len(sends.log), time.monotonic()
                elif time.monotonic() - change > 60:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(5.0)  # a late duplicate would come now
        finally:
            bot.stop()
        per_chat = Counter(c for _, c in sends.log)
        twice = {c for c, k in per_chat.items() if k > 1}
        rows, in_flight = [], set()
        for event in events:
            held = set(event.pop("in_flight"))
            in_flight |= held
            rows.append(event | {"in_flight": len(held), "duplicates": len(twice & held)})
        times_ = sorted(t for t, _ in sends.log)
        return {"workers": 2, "notices": n, "kills": rows,
                "served": len(per_chat.keys() & set(keys.values())),
                "lost": n - len(per_chat.keys() & set(keys.values())),
                "duplicated_chats": len(twice), "duplicates_not_in_flight": len(twice - in_flight),
                "extra_sends": len(sends.log) - len(per_chat),
                "rate_429": len(tg.violations),
                "refusals_by_rule": dict(Counter(v.rule for v in tg.violations)),
                "refusals_at_s": [round(v.time - t0, 1) for v in tg.violations][:20],
                "sustained_per_second": round(len(times_) / max(times_[-1] - times_[0], 1e-9),
                                              1) if len(times_) > 1 else None,
                "last_send_s": round(times_[-1] - t0, 1) if times_ else None,
                "errors_logged": len(bot.errors())}


def main(argv: list[str]) -> int:
    """Run (a)-(d); print the figures; write bench/results/outage[-quick].json."""
    parser = argparse.ArgumentParser(prog="python -m bench outage", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="12 s database outage, 8 users; "
                        "40 s Bot API outage, 20 notices; 300 two-worker notices; 900 notices "
                        "with three kills")
    parser.add_argument("--full", action="store_true", help="the issue's durations: a 60 s "
                        "database outage, a 600 s Bot API outage, 10,000 notices with kills")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout to measure (a) for, e.g. /work/main")
    parser.add_argument("--db-outage", type=float, default=None, help="seconds (60; quick 12)")
    parser.add_argument("--api-outage", type=float, default=None,
                        help="seconds (40; --full 600)")
    parser.add_argument("--kill-notices", type=int, default=None,
                        help="notices of (d) (2,000; quick 900; --full 10,000)")
    parser.add_argument("--only", default="abcd", help="which parts, e.g. 'bd' (default all)")
    parser.add_argument("--name", default=None, help="results file name")
    args = parser.parse_args(argv)
    outage = args.db_outage or (12.0 if args.quick else 60.0)
    api = args.api_outage or (600.0 if args.full else 40.0)
    users, notices, fan = (8, 20, 300) if args.quick else (30, 100, 2000)
    killed = args.kill_notices or (900 if args.quick else 10_000 if args.full else 2000)
    measured, report = tree(), {}
    if "a" in args.only:
        rows = []
        for root in [r for r in (args.before, ROOT) if r is not None]:
            for mode in ("polling", "webhook"):
                print(f"(a) {outage:.0f} s PostgreSQL outage, {mode}, {root} ...", flush=True)
                row = asyncio.run(db_outage(root.resolve(), mode, outage, users))
                print(f"    {row['lost']} of {users} lost", flush=True)
                rows.append(row)
        report["database_outage"] = rows
    if "b" in args.only:
        print(f"(b) {api:.0f} s Bot API outage, {notices} notices, {users} users ...",
              flush=True)
        report["api_outage"] = asyncio.run(api_outage(api, notices, users))
        print(f"    {report['api_outage']}", flush=True)
    if "c" in args.only:
        report["workers"] = []
        for workers in (1, 2):
            print(f"(c) {workers} worker(s), {fan} notices + 20 replies at 30/s ...", flush=True)
            report["workers"].append(asyncio.run(two_workers(fan, 20, workers)))
            print(f"    {report['workers'][-1]}", flush=True)
    if "d" in args.only:
        print(f"(d) two workers, {killed} notices at 30/s, one worker killed 3 times ...",
              flush=True)
        report["kills"] = asyncio.run(kills(killed))
        print(f"    {report['kills']}", flush=True)
    name = args.name or ("outage-quick" if args.quick else "outage")
    path = write_json(name, report, measured)
    print(f"outage: {path.name}")
    return 0
