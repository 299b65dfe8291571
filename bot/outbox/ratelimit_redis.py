"""The outbox's rate limiter shared by every worker through Redis (GHIMAR_REDIS_URL).

The rule of `ratelimit.py` (a private chat's burst, then its pace from each send's answer;
first come, first served global slots; at most ceil(per_second) sends let go or answered in
any window, those in flight included; a 429 pauses the channel), with the theoretical arrival
times and the window's permits in Redis, read and written by Lua scripts on Redis's own clock,
so N workers on one bot token together stay within one bot's limits. When Redis cannot be
reached the worker falls back to its own in-memory limiter (logged once per minute) rather
than stopping delivery.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.outbox.ratelimit import LEASE, ChannelRateLimiter, Sleep, StoreAway, pace_of, window_of
from bot.outbox.senders import RateLimits

# Every script's last ARGV is `now` in seconds ('' : Redis's clock; a test gives a fake one).
_NOW = """
local now = tonumber(ARGV[#ARGV])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1e6
end
"""
# KEYS: global tat, chat tat, pause-until. ARGV: chat gap, chat burst, global gap, seconds
# since the send was asked for, now. Returns {reserved (0/1), seconds to wait, due - now}
# (as strings: Lua numbers lose their fraction).
_RESERVE = _NOW + """
local gap, burst, ggap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local chat = tonumber(redis.call('GET', KEYS[2]) or 0)
local ready = chat - (burst - 1) * gap
if ready > now then return {0, tostring(ready - now), '0'} end
local due = math.max(now - tonumber(ARGV[4]), ready)
local paused = tonumber(redis.call('GET', KEYS[3]) or 0)
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), paused, now)
local next_ = slot + ggap
redis.call('SET', KEYS[1], tostring(next_), 'PX', math.ceil((next_ - now) * 1000) + 1000)
local tat = math.max(chat, due) + gap
redis.call('SET', KEYS[2], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return {1, tostring(slot - now), tostring(due - now)}
"""
# KEYS: window (a hash: permit -> when it frees), pause-until. ARGV: permits, lease, width,
# now. Returns {1, permit, leased} or {0, seconds to wait, 'paused' or ''}.
_TAKE = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[2]) or 0)
if paused > now then return {0, tostring(paused - now), 'paused'} end
local fields = {}
for i = 1, tonumber(ARGV[1]) do fields[i] = tostring(i - 1) end
local values = redis.call('HMGET', KEYS[1], unpack(fields))
local best, first = nil, nil
for i = 1, #fields do
  local v = tonumber(values[i]) or 0
  if first == nil or v < first then best, first = fields[i], v end
end
if first > now then return {0, tostring(math.min(first - now, tonumber(ARGV[3]))), ''} end
local leased = tostring(now + tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], best, leased)
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(ARGV[2]) + tonumber(ARGV[3])) * 1000))
return {1, best, leased}
"""
# KEYS: window, chat tat. ARGV: permit, leased, width, chat gap, chat burst, late, now.
# The permit frees a window from now (unless its lease ran out and another send took it);
# the chat's tat moves on from the answer (`after_send` in ratelimit.py).
_RELEASE = _NOW + """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], tostring(now + tonumber(ARGV[3])))
end
local gap, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local tat = tonumber(redis.call('GET', KEYS[2]) or 0) + math.max(tonumber(ARGV[6]), 0)
tat = math.max(tat, now + gap)
if tat - (burst - 1) * gap > now then tat = math.max(tat, now + burst * gap) end
redis.call('SET', KEYS[2], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return 1
"""
# KEYS: pause-until. ARGV: seconds, now. Extends the pause; returns seconds still paused.
_PAUSE = _NOW + """
local until_ = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil((until_ - now) * 1000) + 1000)
return tostring(until_ - now)
"""


@dataclass(frozen=True)
class _Open:
    permit: str | None  # None: taken from the local limiter (Redis was away)
    leased: str
    due: float  # when the chat allowed the send, on this worker's clock
    gap: float
    burst: int
    paced: bool  # the chat's pace made the send wait (past its burst)


class RedisRateLimiter:
    """A channel's limits shared through Redis by every worker of one bot."""

    def __init__(self, limits: RateLimits, client: Any, prefix: str, *,
                 clock: Callable[[], float] | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.limits = limits
        self.client = client  # redis.asyncio.Redis
        self.prefix = prefix  # e.g. "ghimar:ratelimit:telegram:"
        self.clock = clock  # None: Redis's clock (a test gives a fake one)
        self._sleep = sleep
        self._clock = clock or time.monotonic  # this worker's, for durations
        self.local = ChannelRateLimiter(limits, self._clock, sleep)  # Redis away
        self.permits, self.width = window_of(limits)
        self._reserve = client.register_script(_RESERVE)
        self._take = client.register_script(_TAKE)
        self._release = client.register_script(_RELEASE)
        self._pause = client.register_script(_PAUSE)
        self._open: dict[str, _Open] = {}
        self._unavailable = StoreAway("Redis", detail=True)

    def _now(self) -> float | str:
        return self.clock() if self.clock else ""

    def pause(self, seconds: float) -> None:
        """Stop all sends on the channel, in every worker, for a while (the platform said 429)."""
        self.local.pause(seconds)
        task = asyncio.ensure_future(self._pause(keys=[self.prefix + "pause"],
                                                 args=[seconds, self._now()]))
        task.add_done_callback(self._quiet)

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, shared with the other workers, then take it."""
        await self.release(address)
        gap, burst = pace_of(self.limits, group)
        keys = [self.prefix + "global", self.prefix + "chat:" + address, self.prefix + "pause"]
        asked, paced = self._clock(), False
        try:
            while True:
                now = self._clock()
                reserved, wait, due = await self._reserve(
                    keys=keys, args=[gap, burst, 1.0 / self.limits.per_second, now - asked,
                                     self._now()])
                paced = paced or not int(reserved)
                if float(wait) > 0:
                    await self._sleep(float(wait))
                opening = _Open(None, "", now + float(due), gap, burst, paced)
                if int(reserved) and await self._take_permit(address, opening):
                    return
        except Exception as exc:  # Redis away: this worker paces alone meanwhile
            self._unavailable(exc)
            await self.local.acquire(address, group=group)
            self._open[address] = _Open(None, "", 0.0, gap, burst, paced)

    async def _take_permit(self, address: str, opening: _Open) -> bool:
        """A permit of the window for the reserved slot (waited for while the window is full);
        False when the channel was paused meanwhile (the slot is lost: reserve again)."""
        keys = [self.prefix + "window", self.prefix + "pause"]
        while self.local.paused_for() <= 0:
            took, value, extra = await self._take(
                keys=keys, args=[self.permits, LEASE, self.width, self._now()])
            if int(took):
                self._open[address] = replace(opening, permit=_text(value),
                                              leased=_text(extra))
                return True
            if _text(extra) == "paused":
                return False
            await self._sleep(float(value))  # woken late, behind other late ones
        return False

    async def release(self, address: str) -> None:
        """The address's send was answered: its permit counts one more window, and the chat
        is paced from now, for every worker."""
        opened = self._open.pop(address, None)
        if opened is None:
            return
        if opened.permit is None:
            await self.local.release(address)
            return
        try:
            await self._release(
                keys=[self.prefix + "window", self.prefix + "chat:" + address],
                args=[opened.permit, opened.leased, self.width, opened.gap, opened.burst,
                      self._clock() - opened.due if opened.paced else 0.0, self._now()])
        except Exception as exc:  # the permit frees when its lease runs out
            self._unavailable(exc)

    def _quiet(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._unavailable(task.exception())  # type: ignore[arg-type]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def redis_limiters(url: str) -> Any:
    """A limiter factory for the dispatcher: channel, limits -> RedisRateLimiter."""
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def make(channel: str, limits: RateLimits) -> RedisRateLimiter:
        return RedisRateLimiter(limits, client, f"ghimar:ratelimit:{channel}:")

    return make
