"""A per-identity inbound throttle: beyond a rate, one polite notice and then silence.

Every message is still claimed (de-duplicated), recorded in the transcript and saved; only
the turn is skipped. Two budgets share the window: free messages (`limit`) and answers
(`answer_limit`), a turn that answered the question the bot was waiting for and so moved the
conversation to another step (a typed answer it accepted, a current button pressed). A fast
person filling the support form spends the larger answer budget (the form is about 15 answers);
a flood of text the bot cannot use spends the free one. Either budget full: one notice, then
silence, so at most `limit + answer_limit` turns run per window. The counts live in this
process's memory (enough with SQLite's single process). Several workers would each count
only the messages they receive: a shared counter (PostgreSQL rows keyed by identity and
window, or Redis INCR with an expiry) would be needed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Limits
from bot.engine.context import Ctx

log = logging.getLogger(__name__)
SWEEP_EVERY = 1000  # checks between removals of identities quiet for a whole window


@dataclass
class _Seen:
    times: deque[dt.datetime] = field(default_factory=deque)  # free messages (and refused)
    answers: deque[dt.datetime] = field(default_factory=deque)  # turns that moved a flow on
    notified: bool = False


class Throttle:
    """Counts each identity's messages in a sliding window."""

    def __init__(self, limit: int, window: dt.timedelta, clock: Clock,
                 answer_limit: int | None = None) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.answer_limit = answer_limit or limit
        self._seen: dict[tuple[str, str], _Seen] = {}
        self._checks = 0

    @classmethod
    def from_limits(cls, limits: Limits, clock: Clock) -> Throttle:
        """The throttle configured in config.yaml `limits:`."""
        return cls(limits.inbound_messages_per_window,
                   dt.timedelta(seconds=limits.inbound_window_seconds), clock,
                   limits.inbound_answers_per_window)

    def check(self, key: tuple[str, str]) -> str:
        """'ok' to answer, 'notify' for the first message over the rate, then 'silent'.

        Every message counts, answered or not: someone who keeps flooding stays silenced
        until fewer than `limit` of their messages fall within the last window.
        """
        now = self.clock.now()
        self._sweep(now)
        seen = self._seen.get(key)
        if seen is None:
            seen = self._seen[key] = _Seen(deque(maxlen=self.limit),
                                           deque(maxlen=self.answer_limit))
        over = self._full(seen.times, now) or self._full(seen.answers, now)
        seen.times.append(now)  # counted as free until `answered` says otherwise
        if not over:
            seen.notified = False  # a later flood gets its own notice
            return "ok"
        if seen.notified:
            return "silent"
        seen.notified = True
        return "notify"

    def admit(self, ctx: Ctx) -> bool:
        """True to run the turn; otherwise the notice (once) is queued and the turn skipped."""
        verdict = self.check((ctx.inbound.channel, ctx.inbound.user_id))
        if verdict == "notify":
            log.warning("a %s user went over the inbound rate: told once, then silence",
                        ctx.inbound.channel)
            ctx.say("throttled", seconds=int(self.window.total_seconds()))
        return verdict == "ok"

    def answered(self, key: tuple[str, str]) -> None:
        """The turn just admitted answered a pending question: move it to the answer budget."""
        seen = self._seen.get(key)
        if seen is not None and seen.times:
            seen.answers.append(seen.times.pop())

    def _full(self, times: deque[dt.datetime], now: dt.datetime) -> bool:
        return len(times) == times.maxlen and now - times[0] < self.window

    def _sweep(self, now: dt.datetime) -> None:
        self._checks += 1
        if self._checks % SWEEP_EVERY:
            return
        quiet = [k for k, s in self._seen.items()
                 if all(not t or now - t[-1] >= self.window for t in (s.times, s.answers))]
        for key in quiet:
            del self._seen[key]
