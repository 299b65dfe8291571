"""Website chat benchmark: N visitors with an open event stream each, on one worker.

`python -m bot run` with GHIMAR_CHANNELS=web (SQLite by default). Every visitor opens /chat/
(its cookie), its SSE stream, is greeted and agrees, then sends "القائمة" every few seconds
(jittered). Reply latency: from the POST to the first bot message after the visitor's echo on
its stream. Memory per connection: the bot's RSS with every stream open and idle, less its
RSS before, over N. With `--before PATH` the same load runs first against another checkout
(e.g. a worktree of main), in the same run. Figures go to bench/results/webchat[-quick].json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter, deque
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bench.harness import (
    ROOT,
    Database,
    Process,
    cpu_seconds,
    free_port,
    latency_ms,
    rss_mib,
    tree,
    write_json,
)

WARMUP_CONCURRENCY = 16


class Visitor:
    """One browser: a cookie, a stream, the times of its messages waiting for a reply."""

    def __init__(self, base: str, http: aiohttp.ClientSession) -> None:
        self.base, self.http = base, http
        self.cookie = ""
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.waiting: deque[float] = deque()  # when each message not yet echoed was posted
        self.pending_reply: float | None = None  # an echo seen, its post time
        self.latencies: list[float] = []
        self.task: asyncio.Task[None] | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"ghimar_chat={self.cookie}", "Origin": self.base}

    async def visit(self) -> None:
        async with self.http.get(f"{self.base}/chat/") as page:
            self.cookie = page.cookies["ghimar_chat"].value

    async def listen(self, opened: asyncio.Event) -> None:
        """Read the stream; time each reply from its message's post."""
        async with self.http.get(f"{self.base}/chat/api/events", headers=self.headers,
                                 timeout=aiohttp.ClientTimeout(total=None)) as resp:
            opened.set()
            async for raw in resp.content:
                line = raw.decode().rstrip("\n")
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                if "dir" not in event:
                    continue
                if event["dir"] == "in":
                    if self.waiting:
                        self.pending_reply = self.waiting.popleft()
                elif self.pending_reply is not None:
                    self.latencies.append(time.monotonic() - self.pending_reply)
                    self.pending_reply = None
                await self.events.put(event)

    async def post(self, body: dict[str, Any]) -> int:
        body = {"id": uuid.uuid4().hex, "lang": "ar", **body}
        async with self.http.post(f"{self.base}/chat/api/messages", json=body,
                                  headers=self.headers) as resp:
            await resp.read()
            return resp.status

    async def next_out(self, timeout: float = 60) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                event = await self.events.get()
                if event["dir"] == "out" and event.get("choices"):
                    return event

    async def say(self, text: str) -> int:
        """Post a text; its echo and then the reply come on the stream."""
        self.waiting.append(time.monotonic())
        return await self.post({"text": text})


async def _start(base_url: str, visitor: Visitor, gate: asyncio.Semaphore) -> None:
    async with gate:
        await visitor.visit()
        opened = asyncio.Event()
        visitor.task = asyncio.create_task(visitor.listen(opened))
        await asyncio.wait_for(opened.wait(), 60)
        await visitor.post({"payload": "nav:resume"})
        welcome = await visitor.next_out()
        agree = next(c["id"] for c in welcome["choices"] if "أوافق" in c["label"])
        await visitor.post({"payload": agree, "label": "أوافق"})
        await visitor.next_out()


async def _talk(visitor: Visitor, every: float, until: float, statuses: Counter[int]) -> None:
    await asyncio.sleep(random.uniform(0, every))
    while time.monotonic() < until:
        statuses[await visitor.say("القائمة")] += 1
        await asyncio.sleep(random.uniform(0.5 * every, 1.5 * every))


def _config(folder: Path, root: Path) -> Path:
    """The checkout's config.yaml with the limits a benchmark from one address needs."""
    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    data["web"] = {**data.get("web", {}), "ip_per_minute": 1_000_000,
                   "visitor_per_minute": 1000}
    path = folder / "config.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def measure(kind: str, visitors: int, seconds: float, intervals: list[float],
                  root: Path = ROOT) -> dict[str, Any]:
    """Open the streams, read the memory, run the conversation load, read the figures
    (the bot runs from the checkout `root`)."""
    async with Database(kind, root) as db:
        port = free_port()
        env = {**db.env(), "GHIMAR_CHANNELS": "web", "GHIMAR_HTTP_HOST": "127.0.0.1",
               "GHIMAR_HTTP_PORT": str(port), "GHIMAR_LOG_LEVEL": "WARNING",
               "GHIMAR_QUIET_HOURS": "off", "GHIMAR_CONFIG": str(_config(db.dir, root))}
        bot = Process(f"ghimar-web-{kind}-{root.name}", [sys.executable, "-m", "bot", "run"],
                      env, port, "/chat/")
        bot.cwd = root
        await bot.start()
        base = f"http://127.0.0.1:{port}"
        crowd: list[Visitor] = []
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector,
                                             cookie_jar=aiohttp.DummyCookieJar()) as http:
                await asyncio.sleep(1)
                before = rss_mib(bot.pid)
                gate = asyncio.Semaphore(WARMUP_CONCURRENCY)
                crowd = [Visitor(base, http) for _ in range(visitors)]
                started = time.monotonic()
                await asyncio.gather(*(_start(base, v, gate) for v in crowd))
                print(f"  {visitors} visitors greeted and streaming in "
                      f"{time.monotonic() - started:.1f} s", flush=True)
                await asyncio.sleep(3)
                idle = rss_mib(bot.pid)
                levels = []
                for every in intervals:
                    levels.append(await _level(crowd, every, seconds, bot.pid))
                    print(f"  a message every ~{every:g} s: "
                          f"{levels[-1]['messages_per_second']} messages/s, reply p99 "
                          f"{levels[-1]['reply_latency_ms']['p99']} ms", flush=True)
                loaded = rss_mib(bot.pid)
                for v in crowd:
                    if v.task is not None:
                        v.task.cancel()
        finally:
            bot.stop()
        return {"checkout": str(root), "visitors": visitors, "levels": levels,
                "rss_before_mib": round(before, 1), "rss_streams_idle_mib": round(idle, 1),
                "rss_after_load_mib": round(loaded, 1),
                "kib_per_connection_idle": round(1024 * (idle - before) / visitors, 1),
                "log_errors": bot.errors()[:10]}


def waited_for_cpu(pid: int) -> float:
    """Seconds the process's threads have been runnable but not running (Linux schedstat; 0
    where it is missing): a worker that uses few cores while waiting long here is short of
    CPU on a shared machine, not waiting on a lock."""
    total = 0.0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0
    return total


async def _level(crowd: list[Visitor], every: float, seconds: float, pid: int
                 ) -> dict[str, Any]:
    """Every visitor talks for `seconds`; the replies' latency and the bot's CPU."""
    for v in crowd:
        v.latencies.clear()
    statuses: Counter[int] = Counter()
    cpu, waited, own = cpu_seconds(pid), waited_for_cpu(pid), cpu_seconds()
    until = time.monotonic() + seconds
    await asyncio.gather(*(_talk(v, every, until, statuses) for v in crowd))
    await asyncio.sleep(2.0)  # the last replies arrive
    latencies = [x for v in crowd for x in v.latencies]
    sent = sum(statuses.values())
    return {"message_every_s": every, "seconds": seconds,
            "offered_per_second": round(len(crowd) / every, 1), "messages_sent": sent,
            "statuses": dict(statuses), "replies_timed": len(latencies),
            "unanswered_at_end": sum(len(v.waiting) + (v.pending_reply is not None)
                                     for v in crowd),
            "messages_per_second": round(sent / seconds, 1),
            "bot_cpu_cores": round((cpu_seconds(pid) - cpu) / seconds, 2),
            "bot_waiting_for_cpu_share": round((waited_for_cpu(pid) - waited) / seconds, 2),
            "client_cpu_cores": round((cpu_seconds() - own) / seconds, 2),
            "reply_latency_ms": latency_ms(latencies)}


def main(argv: list[str]) -> int:
    """`python -m bench webchat [--quick] [--visitors N] [--seconds S] [--every S] [--db]`."""
    parser = argparse.ArgumentParser(prog="python -m bench webchat")
    parser.add_argument("--quick", action="store_true", help="100 visitors for 20 s")
    parser.add_argument("--visitors", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--every", type=float, nargs="+",
                        help="seconds between a visitor's messages, one load level each "
                             "(default 20 then 5; --quick: 5)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout to measure first in the same run, e.g. a "
                             "worktree of main")
    args = parser.parse_args(argv)
    visitors = args.visitors or (100 if args.quick else 1000)
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    intervals = args.every or ([5.0] if args.quick else [20.0, 5.0])
    measured = tree()
    print(f"webchat: {visitors} visitors on one worker ({args.db}), a message every "
          f"{intervals} s each, {seconds:g} s a level", flush=True)
    report: dict[str, Any] = {}
    if args.before is not None:
        print(f"before: {args.before}", flush=True)
        report["before"] = {args.db: asyncio.run(measure(args.db, visitors, seconds, intervals,
                                                         args.before.resolve()))}
        print(f"this checkout: {ROOT}", flush=True)
    result = asyncio.run(measure(args.db, visitors, seconds, intervals))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    report["results"] = {args.db: result}
    name = "webchat-quick" if args.quick else "webchat"
    path = write_json(name, report, measured)
    print(f"written to {path.relative_to(ROOT)}")
    return 0
