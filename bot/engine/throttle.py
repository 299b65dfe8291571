"""A per-identity inbound throttle: beyond a rate, one polite notice and then silence.

Every message is still claimed (de-duplicated), recorded in the transcript and saved; only
the turn is skipped. The counts live in this process's memory (enough with SQLite's single
process). Several workers would each count only the messages they receive: a shared counter
(PostgreSQL rows keyed by identity and window, or Redis INCR with an expiry) would be needed.
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
    times: deque[dt.datetime] = field(default_factory=deque)
    notified: bool = False


class Throttle:
    """Counts each identity's messages in a sliding window."""

    def __init__(self, limit: int, window: dt.timedelta, clock: Clock) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[tuple[str, str], _Seen] = {}
        self._checks = 0

    @classmethod
    def from_limits(cls, limits: Limits, clock: Clock) -> Throttle:
        """The throttle configured in config.yaml `limits:`."""
        return cls(limits.inbound_messages_per_window,
                   dt.timedelta(seconds=limits.inbound_window_seconds), clock)

    def check(self, key: tuple[str, str]) -> str:
        """'ok' to answer, 'notify' for the first message over the rate, then 'silent'.

        Every message counts, answered or not: someone who keeps flooding stays silenced
        until fewer than `limit` of their messages fall within the last window.
        """
        now = self.clock.now()
        self._sweep(now)
        seen = self._seen.get(key)
        if seen is None:
            seen = self._seen[key] = _Seen(deque(maxlen=self.limit))
        over = len(seen.times) == self.limit and now - seen.times[0] < self.window
        seen.times.append(now)  # the oldest of `limit` drops out
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

    def _sweep(self, now: dt.datetime) -> None:
        self._checks += 1
        if self._checks % SWEEP_EVERY:
            return
        quiet = [k for k, s in self._seen.items()
                 if not s.times or now - s.times[-1] >= self.window]
        for key in quiet:
            del self._seen[key]
