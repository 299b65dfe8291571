"""Virtual Telegram users walking through the support-request form, posted to a bot's webhook.

A reply counts when the Bot API emulator receives the bot's sendMessage into the user's chat.
A user's next update waits until its last reply is PACE_GAP old, so the outbox's per-chat
pacing (about one message a second per private chat) is not what is measured; the share of
replies that still came within a second of the previous one to the same chat is reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.harness import SECRET, cpu_seconds, latency_ms
from tests.emulators import TelegramEmulator
from tests.flows.helpers import VALID_ID

NAME = "محمد أحمد العتيبي"
SCRIPT: list[tuple[str, str]] = [
    ("text", "/start"), ("press", "أوافق"), ("press", "طلب دعم جديد"), ("text", NAME),
    ("text", VALID_ID), ("text", "0501234567"), ("press", "المقر الرئيسي"), ("text", "5"),
    ("text", "3000"), ("press", "سلة غذائية"),
]
TO_FAMILY_SIZE = SCRIPT[:7]  # the bot has just asked for the family size
SENDS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
PACE_GAP = 1.25  # seconds since a user's last reply before their next update (outbox: ~1.11)
REPLY_TIMEOUT = 30.0


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


class Sends:
    """The emulator's successful sends per chat, awaitable; other calls are only counted."""

    def __init__(self, tg: Any) -> None:
        self.tg = tg
        self.times: dict[Any, list[float]] = defaultdict(list)
        self.keyboards: dict[Any, tuple[int, list[list[dict[str, Any]]]]] = {}
        self.last_id: dict[Any, int] = {}
        self.methods: Counter[tuple[str, int]] = Counter()
        self.log: list[tuple[float, Any]] = []  # (time, chat) of every successful send
        self._waiters: dict[Any, list[tuple[int, asyncio.Future[float]]]] = defaultdict(list)
        tg.log.add = self._seen  # the emulator's own list of calls is not kept (memory, speed)

    def _seen(self, call: Any) -> None:
        self.methods[(call.method, call.status)] += 1
        if call.method not in SENDS or not call.ok:
            return
        chat = call.params.get("chat_id")
        times = self.times[chat]
        times.append(call.time)
        self.log.append((call.time, chat))
        result = call.result or {}
        self.last_id[chat] = result.get("message_id", 0)
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard")
        if rows:
            self.keyboards[chat] = (result.get("message_id", 0), rows)
        waiting = self._waiters.get(chat)
        if waiting:
            for item in [w for w in waiting if w[0] <= len(times)]:
                waiting.remove(item)
                if not item[1].done():
                    item[1].set_result(times[item[0] - 1])

    def count(self, chat: Any) -> int:
        """How many messages the chat has received."""
        return len(self.times.get(chat, ()))

    async def nth(self, chat: Any, n: int, timeout: float = REPLY_TIMEOUT) -> float:
        """The time of the chat's n-th message (1-based), waiting for it."""
        times = self.times.get(chat, [])
        if len(times) >= n:
            return times[n - 1]
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters[chat].append((n, future))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if (n, future) in self._waiters.get(chat, []):
                self._waiters[chat].remove((n, future))

    def button(self, chat: Any, label: str) -> tuple[str, int]:
        """(callback_data, message_id) of the last keyboard's button labelled `label`."""
        keyboard = self.keyboards.get(chat)
        if keyboard is not None:
            for button in itertools.chain.from_iterable(keyboard[1]):
                if label in _plain(str(button.get("text", ""))):
                    return str(button["callback_data"]), keyboard[0]
        return f"bench:{label}"[:64], self.last_id.get(chat, 1)  # the echo bot has no buttons


@dataclass
class User:
    """One virtual beneficiary and where it stands in its script."""

    user: dict[str, Any]
    step: int = 0
    replied_at: float = 0.0

    @property
    def chat(self) -> int:
        """Its private chat id (the user id)."""
        return int(self.user["id"])


@dataclass
class Sample:
    """One update and its reply."""

    posted: float
    latency: float
    paced: bool


@dataclass
class Load:
    """Posts the users' updates to one webhook and waits for the replies."""

    tg: Any
    sends: Sends
    url: str
    http: aiohttp.ClientSession
    pid: int
    script: list[tuple[str, str]] = field(default_factory=lambda: list(SCRIPT))
    next_uid: int = 10_000_000
    failures: Counter[str] = field(default_factory=Counter)

    def new_user(self) -> User:
        """A user nobody has seen yet."""
        self.next_uid += 1
        return User(self.tg.make_user(self.next_uid, "مستفيد", "ar"))

    def update_for(self, u: User) -> dict[str, Any]:
        """The update of the user's next step."""
        kind, value = self.script[u.step]
        if kind == "text":
            return dict(self.tg.text_update(u.user, value))
        data, message_id = self.sends.button(u.chat, value)
        return dict(self.tg.callback_update(u.user, data, message_id))

    async def post(self, update: dict[str, Any]) -> int:
        """POST the update as Telegram does; the HTTP status (0 when the connection failed)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            async with self.http.post(self.url, json=update, headers=headers) as resp:
                await resp.read()
                return resp.status
        except (aiohttp.ClientError, OSError):
            return 0

    async def step(self, u: User) -> Sample | None:
        """One update of the user and its first reply; None when it failed."""
        update = self.update_for(u)
        before = self.sends.count(u.chat)
        posted = self.tg.clock()
        status = await self.post(update)
        if status != 200:
            self.failures[f"http {status}"] += 1
            return None
        try:
            replied = await self.sends.nth(u.chat, before + 1)
        except TimeoutError:
            self.failures["no reply"] += 1
            return None
        times = self.sends.times[u.chat]
        paced = before >= 1 and replied - times[before - 1] < 1.0
        u.step, u.replied_at = u.step + 1, replied
        return Sample(posted, replied - posted, paced)

    def ready(self, u: User) -> bool:
        """True when the user's last reply is old enough for per-chat pacing not to matter."""
        return self.tg.clock() - u.replied_at >= PACE_GAP


class Cpu:
    """CPU used by the target process and by this one (emulator + load) over a window."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.target, self.own = cpu_seconds(pid), cpu_seconds()

    def figures(self, seconds: float, updates: int) -> dict[str, float]:
        """Cores used by each side, and the target's CPU milliseconds per update."""
        target, own = cpu_seconds(self.pid) - self.target, cpu_seconds() - self.own
        return {"target_cores": round(target / seconds, 2), "bench_cores": round(own / seconds, 2),
                "target_cpu_ms_per_update": round(1000 * target / max(updates, 1), 2)}


def phase(samples: list[Sample], start: float, end: float, cpu: Cpu, failed: int = 0,
          **extra: Any) -> dict[str, Any]:
    """Figures of one measured window: updates/s, latency, paced share, CPU, failures."""
    inside = [s for s in samples if start <= s.posted + s.latency <= end]
    seconds = max(end - start, 1e-9)
    return {**extra, "updates": len(inside), "failed": failed, "seconds": round(seconds, 2),
            "updates_per_second": round(len(inside) / seconds, 1),
            "latency_ms": latency_ms([s.latency for s in inside]),
            "paced_share": round(sum(s.paced for s in inside) / max(len(inside), 1), 4),
            "cpu": cpu.figures(seconds, len(inside))}


async def closed_loop(load: Load, concurrency: int, seconds: float, *, users: int | None = None,
                      progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """`concurrency` updates in flight for `seconds` (or until `users` users ran the script).

    A worker takes the user whose last reply is oldest if it is PACE_GAP old, else a new user:
    the pool grows to what the throughput needs, and users go through the whole script.
    """
    queue: deque[User] = deque()
    created = finished = 0
    failures = sum(load.failures.values())
    samples: list[Sample] = []
    start = load.tg.clock()
    stop_at = start + seconds
    cpu = Cpu(load.pid)

    async def worker() -> None:
        nonlocal created, finished
        while load.tg.clock() < stop_at:
            if queue and load.ready(queue[0]):
                u = queue.popleft()
            elif users is None or created < users:
                created += 1
                u = load.new_user()
            elif queue:
                await asyncio.sleep(0.01)  # the last users wait out their pacing gap
                continue
            else:
                return
            sample = await load.step(u)
            if sample is not None:
                samples.append(sample)
            if u.step < len(load.script):
                queue.append(u)
                continue
            finished += 1
            if progress is not None:
                progress(finished)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    end = min(load.tg.clock(), stop_at)
    return phase(samples, start, end, cpu, sum(load.failures.values()) - failures,
                 concurrency=concurrency, users_started=created, users_finished=finished)


async def open_loop(load: Load, rate: float, seconds: float, warmup: float = 2.0
                    ) -> dict[str, Any]:
    """Updates posted at a fixed rate whatever the replies do; latency from the actual post.

    An update without a reply within REPLY_TIMEOUT counts as failed, not in the latencies.
    """
    ready: deque[User] = deque()
    samples: list[Sample] = []
    tasks: set[asyncio.Task[None]] = set()
    late: list[float] = []

    async def one(u: User) -> None:
        sample = await load.step(u)
        if sample is not None:
            samples.append(sample)
        if u.step < len(load.script):
            ready.append(u)

    failures = sum(load.failures.values())
    t0 = load.tg.clock()
    start = t0 + warmup
    cpu: Cpu | None = None
    total = int(rate * (seconds + warmup))
    for k in range(total):
        due = t0 + k / rate
        if cpu is None and due >= start:
            cpu = Cpu(load.pid)
        delay = due - load.tg.clock()
        if delay > 0:
            await asyncio.sleep(delay)
        late.append(max(0.0, load.tg.clock() - due))
        u = ready.popleft() if ready and load.ready(ready[0]) else load.new_user()
        task = asyncio.create_task(one(u))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    end = load.tg.clock()
    if tasks:
        await asyncio.wait(tasks, timeout=REPLY_TIMEOUT + 5)
    measured = [s for s in samples if s.posted >= start]
    last = max((s.posted + s.latency for s in measured), default=load.tg.clock())
    out = phase(measured, start, last, cpu or Cpu(load.pid),
                sum(load.failures.values()) - failures, rate=rate)
    out["offered_per_second"] = round(sum(1 for k in range(total) if t0 + k / rate >= start)
                                      / max(end - start, 1e-9), 1)
    out["generator_late_ms_p99"] = latency_ms(late)["p99"]
    return out


@contextlib.asynccontextmanager
async def webhook_load(start: Callable[[Any], Any]) -> AsyncIterator[tuple[Load, Sends, Any]]:
    """A fresh Telegram emulator, the target started against it (stopped on the way out), and a
    load generator posting to the target's webhook: (load, the emulator's sends, the process)."""
    async with TelegramEmulator() as tg:
        sends = Sends(tg)
        proc = await start(tg).start()
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:
                yield Load(tg, sends, proc.webhook_url, http, proc.pid), sends, proc
        finally:
            proc.stop()
