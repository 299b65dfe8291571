"""A virtual clock for rate-limiter tests: sleeps advance it, a stall jumps it.

Time moves only when every task under test sleeps on this clock (real I/O to PostgreSQL or
Redis is waited for in real time), so a scenario runs the same way on any machine. A stall
(`stall`) is the event loop held by CPU work or GC: the clock jumps while nothing runs, and
every sleeper whose time passed meanwhile wakes at once afterwards.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any

real_sleep = asyncio.sleep


class VirtualTime:
    """A fake monotonic clock with its own sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of virtual time."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._seq), future))
        await future

    def stall(self, seconds: float) -> None:
        """The event loop is held for `seconds`: nothing else runs meanwhile."""
        self.now += seconds

    async def run(self, *coros: Coroutine[Any, Any, Any]) -> list[Any]:
        """Run the coroutines to the end, moving the clock when all of them sleep."""
        tasks = [asyncio.ensure_future(c) for c in coros]
        while not all(t.done() for t in tasks):
            if any(t.done() and t.exception() for t in tasks):
                break
            live = sum(not t.done() for t in tasks)
            if len(self._sleepers) < live:  # someone is running or waits for real I/O
                await real_sleep(0.0005)
                continue
            when, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            future.set_result(None)
            while self._sleepers and self._sleepers[0][0] <= self.now:  # late after a stall
                heapq.heappop(self._sleepers)[2].set_result(None)
            await real_sleep(0)
        return await asyncio.gather(*tasks)


def max_in_window(times: list[float], width: float) -> int:
    """The most timestamps inside any half-open window [t, t + width)."""
    times, best, start = sorted(times), 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= width - 1e-9:
            start += 1
        best = max(best, end - start + 1)
    return best
