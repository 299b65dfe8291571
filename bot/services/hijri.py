"""Hijri dates by the Umm al-Qura calendar (the hijridate library's official table)."""

from __future__ import annotations

import datetime as dt

from hijridate import Gregorian, Hijri

YEARS = range(1343, 1501)  # the years hijridate's Umm al-Qura table covers (1924-2077)


def to_gregorian(year: int, month: int, day: int, *, clamp: bool = False) -> dt.date:
    """The Gregorian date of a Hijri one; ValueError if it does not exist.

    With `clamp`, day 30 of a 29-day month is its last day (for yearly holidays).
    """
    if year not in YEARS:
        raise ValueError(f"Hijri year {year} is outside the Umm al-Qura table")
    if clamp:
        day = min(day, Hijri(year, month, 1).month_length())
    g = Hijri(year, month, day).to_gregorian()
    return dt.date(g.year, g.month, g.day)


def year_of(day: dt.date) -> int | None:
    """The Hijri year a Gregorian date falls in (None outside the table)."""
    try:
        return Gregorian(day.year, day.month, day.day).to_hijri().year
    except (ValueError, OverflowError):
        return None


def from_gregorian(day: dt.date) -> tuple[int, int, int] | None:
    """The Hijri (Umm al-Qura) year, month and day of a Gregorian date (None outside the table)."""
    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day
