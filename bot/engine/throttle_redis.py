"""The inbound throttle's store shared by every worker through Redis (GHIMAR_REDIS_URL).

Each identity's state is one key (JSON, expiring a window after its last message), read and
written in a WATCH/MULTI transaction: a worker whose key changed meanwhile reads it again, so
no count is lost. When Redis cannot be reached the worker counts in its own memory (logged
once a minute) rather than refusing or failing the turn.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bot.engine.throttle import MemoryThrottleStore, ThrottleState

T = TypeVar("T")
PREFIX = "ghimar:throttle:"
SAY_EVERY = 60.0  # seconds between two warnings that Redis is away
log = logging.getLogger(__name__)


class RedisThrottleStore:
    """Keys `ghimar:throttle:<channel>:<identity id>` in Redis."""

    def __init__(self, client: Any, clock: Any) -> None:
        self.client = client  # redis.asyncio.Redis
        self.clock = clock
        self.local = MemoryThrottleStore()  # while Redis is away
        self._said = -math.inf

    async def update(self, session: Any, key: str, window: float,
                     change: Callable[[ThrottleState], T]) -> T:
        """Apply `change` to the state of `key`, retried if another worker wrote it meanwhile."""
        from redis.exceptions import RedisError, WatchError

        name, ttl = PREFIX + key, int(window * 1000) + 1000
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                while True:
                    try:
                        await pipe.watch(name)
                        state = ThrottleState.load(await pipe.get(name))
                        result = change(state)
                        pipe.multi()
                        pipe.set(name, state.dump(), px=ttl)
                        await pipe.execute()
                        return result
                    except WatchError:
                        continue
        except (RedisError, OSError) as exc:
            if time.monotonic() - self._said >= SAY_EVERY:
                self._said = time.monotonic()
                log.warning("inbound throttle: Redis unavailable (%s: %s); counting in this "
                            "process only", type(exc).__name__, exc)
            return self.local.apply(key, self.clock.now().timestamp(), window, change)


def redis_throttle(url: str, clock: Any) -> RedisThrottleStore:
    """The store for `Throttle.store` (app/wiring.py)."""
    from redis.asyncio import Redis

    return RedisThrottleStore(Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5),
                              clock)
