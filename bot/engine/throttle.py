"""A per-identity inbound throttle: beyond a rate, one polite notice and then silence.

Every message is still claimed (de-duplicated), recorded in the transcript and saved; only
the turn is skipped. Two budgets share the window: free messages (`limit`) and answers
(`answer_limit`), a turn that answered the question the bot was waiting for and so moved the
conversation to another step (a typed answer it accepted, a current button pressed). A fast
person filling the support form spends the larger answer budget (the form is about 15 answers);
a flood of text the bot cannot use spends the free one. Either budget full: one notice, then
silence, so at most `limit + answer_limit` turns run per window.

Where the counts live (`store`, wired in app/wiring.py like the outbox's limiters): in this
process's memory on SQLite (one process); with several workers, shared by all of them, in
PostgreSQL (`throttle_pg.py`: a row per identity, locked in the turn's own transaction) or in
Redis when GHIMAR_REDIS_URL is set (`throttle_redis.py`). Every store runs the same rule
(`ThrottleState.check`), on times read from the application's clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from bot.clock import Clock
from bot.config import Limits
from bot.engine.context import Ctx

log = logging.getLogger(__name__)
SWEEP_EVERY = 1000  # checks between removals of identities quiet for a whole window
T = TypeVar("T")


@dataclass
class ThrottleState:
    """One identity's recent messages (seconds since the epoch, oldest first, only those
    within the window and at most a budget's worth) and whether it was told."""

    free: list[float] = field(default_factory=list)  # free messages (and refused)
    answers: list[float] = field(default_factory=list)  # turns that moved a flow on
    notified: bool = False

    def check(self, now: float, window: float, limit: int, answer_limit: int) -> str:
        """Count a message: 'ok', 'notify' (the first over the rate) or 'silent'.

        Every message counts, answered or not: someone who keeps flooding stays silenced
        until fewer than `limit` of their messages fall within the last window.
        """
        self.free = [t for t in self.free if now - t < window]
        self.answers = [t for t in self.answers if now - t < window]
        over = len(self.free) >= limit or len(self.answers) >= answer_limit
        self.free = [*self.free, now][-limit:]  # free until `answered` says otherwise
        if not over:
            self.notified = False  # a later flood gets its own notice
            return "ok"
        if self.notified:
            return "silent"
        self.notified = True
        return "notify"

    def answered(self, answer_limit: int) -> None:
        """The message just counted answered a pending question: move it to that budget."""
        if self.free:
            self.answers = [*self.answers, self.free.pop()][-answer_limit:]

    def quiet(self, now: float, window: float) -> bool:
        """True when nothing of this identity's is left within the window."""
        return all(now - t >= window for t in (*self.free[-1:], *self.answers[-1:]))

    def dump(self) -> str:
        """The state as compact JSON (for a shared store)."""
        return json.dumps([self.free, self.answers, self.notified], separators=(",", ":"))

    @classmethod
    def load(cls, raw: str | bytes | None) -> ThrottleState:
        """The state from `dump` (a fresh one for None)."""
        if not raw:
            return cls()
        free, answers, notified = json.loads(raw)
        return cls(list(free), list(answers), bool(notified))


class ThrottleStore(Protocol):
    """Where the states live: `update` reads a key's state, applies `change` and saves it, as
    one step that no other worker interleaves with."""

    async def update(self, session: Any, key: str, window: float,
                     change: Callable[[ThrottleState], T]) -> T:
        """Apply `change` to the state of `key` (`session`: the turn's, for a database)."""
        ...


class MemoryThrottleStore:
    """The states in this process's memory (one process: SQLite)."""

    def __init__(self) -> None:
        self.states: dict[Any, ThrottleState] = {}
        self._checks = 0

    def apply(self, key: Any, now: float, window: float,
              change: Callable[[ThrottleState], T]) -> T:
        """Apply `change` to the state of `key` (now away from time to time: quiet ones)."""
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            for quiet in [k for k, s in self.states.items() if s.quiet(now, window)]:
                del self.states[quiet]
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = ThrottleState()
        return change(state)


class Throttle:
    """Counts each identity's messages in a sliding window, in `store` (memory by default)."""

    def __init__(self, limit: int, window: dt.timedelta, clock: Clock,
                 answer_limit: int | None = None, store: ThrottleStore | None = None) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.answer_limit = answer_limit or limit
        self.memory = MemoryThrottleStore()
        self.store = store  # shared by every worker; None: `memory`

    @classmethod
    def from_limits(cls, limits: Limits, clock: Clock,
                    store: ThrottleStore | None = None) -> Throttle:
        """The throttle configured in config.yaml `limits:`."""
        return cls(limits.inbound_messages_per_window,
                   dt.timedelta(seconds=limits.inbound_window_seconds), clock,
                   limits.inbound_answers_per_window, store)

    def check(self, key: Any) -> str:
        """'ok' to answer, 'notify' for the first message over the rate, then 'silent'
        (counted in this process's memory)."""
        now, window = self._now(), self.window.total_seconds()
        return self.memory.apply(key, now, window, self._check(now))

    def answered(self, key: Any) -> None:
        """The message just checked answered a pending question (in this process's memory)."""
        self.memory.apply(key, self._now(), self.window.total_seconds(), self._answered)

    async def admit(self, ctx: Ctx, session: Any = None) -> bool:
        """True to run the turn; otherwise the notice (once) is queued and the turn skipped.

        `session` is the turn's: PostgreSQL counts in its transaction."""
        if self.store is None:
            verdict = self.check((ctx.inbound.channel, ctx.inbound.user_id))
        else:
            now = self._now()
            verdict = await self.store.update(session, self._key(ctx),
                                              self.window.total_seconds(), self._check(now))
        if verdict == "notify":
            log.warning("a %s user went over the inbound rate: told once, then silence",
                        ctx.inbound.channel)
            ctx.say("throttled", seconds=int(self.window.total_seconds()))
        return verdict == "ok"

    async def moved_on(self, ctx: Ctx, session: Any = None) -> None:
        """The turn just admitted answered a pending question: move it to the answer budget."""
        if self.store is None:
            self.answered((ctx.inbound.channel, ctx.inbound.user_id))
        else:
            await self.store.update(session, self._key(ctx), self.window.total_seconds(),
                                    self._answered)

    def _check(self, now: float) -> Callable[[ThrottleState], str]:
        return lambda state: state.check(now, self.window.total_seconds(), self.limit,
                                         self.answer_limit)

    def _answered(self, state: ThrottleState) -> None:
        state.answered(self.answer_limit)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    @staticmethod
    def _key(ctx: Ctx) -> str:
        """A shared key: the identity's internal id (no phone number in Redis or a key)."""
        return f"{ctx.inbound.channel}:{ctx.identity.id}"
