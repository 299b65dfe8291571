"""The inbound throttle's store shared by every worker through PostgreSQL (no Redis needed).

A turn's check and its answer are counted in the turn's own transaction (two short statements
on the connection it already holds, no extra commit): the identity's row stays locked until
the turn commits, so the same person's messages handled by two workers at once are counted one
after the other, and a turn that rolls back counts nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.engine.throttle import ThrottleState
from bot.repo import throttles

T = TypeVar("T")
FORGET_EVERY = 1000  # updates between two deletions of quiet identities' rows


class PostgresThrottleStore:
    """Rows of `inboundthrottle`, keyed by channel and identity id."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._updates = 0

    async def update(self, session: AsyncSession, key: str, window: float,
                     change: Callable[[ThrottleState], T]) -> T:
        """Lock the row of `key`, apply `change` to its state and write it back."""
        now = self.clock.now().timestamp()
        state = ThrottleState.load(await throttles.lock(session, key=key, now=now))
        result = change(state)
        await throttles.save(session, key=key, state=state.dump(), now=now)
        self._updates += 1
        if self._updates % FORGET_EVERY == 0:
            await throttles.forget_quiet(session, before=now - window)
        return result


def postgres_throttle(clock: Clock) -> PostgresThrottleStore:
    """The store for `Throttle.store` (app/wiring.py)."""
    return PostgresThrottleStore(clock)
