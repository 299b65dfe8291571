"""The outbox's rate limiter shared by every worker through Redis (GHIMAR_REDIS_URL).

The same GCRA as `ratelimit.py` (a private chat's burst, then its average pace; first come,
first served global slots; a 429 pauses the channel), but the theoretical arrival times live
in Redis and are read and reserved by one Lua script on Redis's own clock, so N workers on one
bot token together stay within one bot's limits. When Redis cannot be reached the worker falls
back to its own in-memory limiter (logged once per minute) rather than stopping delivery.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.outbox.ratelimit import ChannelRateLimiter, StoreAway
from bot.outbox.senders import RateLimits

# KEYS: global tat, chat tat, pause-until. ARGV: chat gap, chat burst, global gap (seconds).
# Returns {reserved (0/1), seconds to wait (as a string: Lua numbers lose their fraction)}.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local gap, burst, ggap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local chat = math.max(tonumber(redis.call('GET', KEYS[2]) or 0), now)
local ready = chat - (burst - 1) * gap
if ready > now then return {0, tostring(ready - now)} end
local paused = tonumber(redis.call('GET', KEYS[3]) or 0)
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), paused, now)
local next_ = slot + ggap
redis.call('SET', KEYS[1], tostring(next_), 'PX', math.ceil((next_ - now) * 1000) + 1000)
local tat = math.max(chat, slot) + gap
redis.call('SET', KEYS[2], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return {1, tostring(slot - now)}
"""
# KEYS: pause-until. ARGV: seconds. Extends the pause; returns seconds still paused.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local until_ = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil((until_ - now) * 1000) + 1000)
return tostring(until_ - now)
"""
_PAUSED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
return tostring(math.max(tonumber(redis.call('GET', KEYS[1]) or 0) - now, 0))
"""


class RedisRateLimiter:
    """A channel's limits shared through Redis by every worker of one bot."""

    def __init__(self, limits: RateLimits, client: Any, prefix: str) -> None:
        self.limits = limits
        self.client = client  # redis.asyncio.Redis
        self.prefix = prefix  # e.g. "ghimar:ratelimit:telegram:"
        self.local = ChannelRateLimiter(limits)  # while Redis is away
        self._reserve = client.register_script(_RESERVE)
        self._pause = client.register_script(_PAUSE)
        self._paused = client.register_script(_PAUSED)
        self._unavailable = StoreAway("Redis", detail=True)

    def pause(self, seconds: float) -> None:
        """Stop all sends on the channel, in every worker, for a while (the platform said 429)."""
        self.local.pause(seconds)
        task = asyncio.ensure_future(self._pause(keys=[self.prefix + "pause"], args=[seconds]))
        task.add_done_callback(self._quiet)

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, shared with the other workers, then take it."""
        limits = self.limits
        gap = limits.group_interval if group else limits.per_chat_interval
        burst = 1 if group else limits.per_chat_burst
        keys = [self.prefix + "global", self.prefix + "chat:" + address, self.prefix + "pause"]
        try:
            while True:
                reserved, wait = await self._reserve(
                    keys=keys, args=[gap, burst, 1.0 / limits.per_second])
                if float(wait) > 0:
                    await asyncio.sleep(float(wait))
                if not int(reserved):
                    continue
                if float(await self._paused(keys=keys[2:])) <= 0:
                    return
        except Exception as exc:  # Redis away: this worker paces alone meanwhile
            self._unavailable(exc)
            await self.local.acquire(address, group=group)


    def _quiet(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._unavailable(task.exception())  # type: ignore[arg-type]


def redis_limiters(url: str) -> Any:
    """A limiter factory for the dispatcher: channel, limits -> RedisRateLimiter."""
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def make(channel: str, limits: RateLimits) -> RedisRateLimiter:
        return RedisRateLimiter(limits, client, f"ghimar:ratelimit:{channel}:")

    return make
