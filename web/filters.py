"""The console's filter fields read in one place: dates and day counts from a query string,
Arabic-Indic digits accepted, anything not understood named in a polite note (never a 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.text import clean

EARLIEST = dt.date(2000, 1, 1)  # a filter date outside these years is a typing slip
LATEST = dt.date(2199, 12, 31)
MAX_DAYS = 36_600  # a day count beyond a century is a typing slip


@dataclass
class Filters:
    """A query string read field by field; `bad` names the fields that were not understood."""

    query: Mapping[str, str]
    bad: list[str] = field(default_factory=list)

    def _text(self, name: str) -> str:
        return clean(self.query.get(name) or "")  # Arabic-Indic digits made ASCII

    def _refuse(self, name: str) -> None:
        if name not in self.bad:
            self.bad.append(name)

    def date(self, name: str) -> dt.date | None:
        """A yyyy-mm-dd date between 2000 and 2199, or None (empty or not understood)."""
        text = self._text(name)
        if not text:
            return None
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            value = None
        if value is None or not EARLIEST <= value <= LATEST:
            self._refuse(name)
            return None
        return value

    def days(self, name: str) -> int | None:
        """A whole number of days from 0 to a century, or None (empty or not understood)."""
        text = self._text(name)
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or int(text) > MAX_DAYS:
            self._refuse(name)
            return None
        return int(text)

    def dates(self, first: str = "from", last: str = "until"
              ) -> tuple[dt.date | None, dt.date | None]:
        """Two dates that make a period; a start after its end refuses both."""
        start, end = self.date(first), self.date(last)
        if start and end and start > end:
            self._refuse(first)
            self._refuse(last)
            return None, None
        return start, end

    def note(self, t: Callable[..., str]) -> str | None:
        """The polite note naming what was not understood, in the page's language, or None."""
        if not self.bad:
            return None
        names = [t(f"filters-field-{name}") for name in self.bad]
        return t("filters-not-understood", fields=t("filters-list-separator").join(names))
