"""An injectable clock, so tests move time without sleeping."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current aware UTC time."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """Current time in UTC."""
        return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock for tests that moves only when told."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start

    def now(self) -> dt.datetime:
        """The frozen time."""
        return self._now

    def advance(self, **delta: float) -> None:
        """Move time forward, e.g. advance(hours=2)."""
        self._now += dt.timedelta(**delta)
