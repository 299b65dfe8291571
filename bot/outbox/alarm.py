"""An alarm when deliveries keep failing: an ERROR line, and one notice for the staff group.

Every failed send (the platform away, a refusal, a message failed for good) is counted in a
sliding window; when the count reaches the threshold, the alarm rings once (again only after a
quiet window). It is counted per worker: N workers each ring for their own failures.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass

from bot.clock import Clock

_DIGITS = re.compile(r"\d{4,}")  # chat ids, phone numbers in an error text


@dataclass(frozen=True)
class Alert:
    """Failures counted in the window, by kind of reason (masked: no addresses)."""

    failures: int  # failed sends (a message retried through an outage fails several times)
    messages: int  # the distinct messages they were sends of
    minutes: float
    reasons: list[tuple[str, int]]  # most frequent first

    def summary(self) -> str:
        """"502: Bad Gateway ×12, chat not found ×3" (at most three)."""
        return ", ".join(f"{reason} ×{n}" for reason, n in self.reasons[:3])


class FailureAlarm:
    """Counts failed sends; `failed` returns an Alert when they rise above the threshold."""

    def __init__(self, clock: Clock, threshold: int, window_minutes: float) -> None:
        self.clock = clock
        self.threshold = threshold
        self.window = dt.timedelta(minutes=window_minutes)
        self._failures: collections.deque[tuple[dt.datetime, str, int | None]] = (
            collections.deque())
        self._rang_at: dt.datetime | None = None

    def failed(self, reason: str, message_id: int | None = None) -> Alert | None:
        """Count one failed send (of outbox row `message_id`); the alert when this one reaches
        the threshold (once a window)."""
        now = self.clock.now()
        self._failures.append((now, mask(reason), message_id))
        while self._failures and now - self._failures[0][0] > self.window:
            self._failures.popleft()
        if len(self._failures) < self.threshold:
            return None
        if self._rang_at is not None and now - self._rang_at < self.window:
            return None
        self._rang_at = now
        reasons = collections.Counter(r for _, r, _ in self._failures).most_common()
        ids = {m for _, _, m in self._failures if m is not None}
        unknown = sum(1 for _, _, m in self._failures if m is None)
        return Alert(len(self._failures), len(ids) + unknown, self.window.total_seconds() / 60,
                     reasons)


def mask(reason: str) -> str:
    """A failure reason without numbers that could name a chat or a person, cut short."""
    return _DIGITS.sub("•••", reason)[:80]
