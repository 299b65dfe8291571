"""Quiet hours and holidays: when a business-initiated message may be sent."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from functools import lru_cache

from bot.config import AppConfig, HijriHoliday, NationalDay, QuietHours
from bot.services.hijri import YEARS as HIJRI_YEARS
from bot.services.hijri import to_gregorian
from bot.services.hijri import year_of as hijri_year_of


def parse_quiet_hours(value: str) -> QuietHours:
    """Parse GHIMAR_QUIET_HOURS: "22:00-08:00" or "off"."""
    if value.strip().lower() == "off":
        return QuietHours(enabled=False)
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-", 1))
    except ValueError as exc:
        raise ValueError(
            f"GHIMAR_QUIET_HOURS must be like 22:00-08:00 or off, not {value!r}"
        ) from exc
    return QuietHours(enabled=True, start=start, end=end)


@lru_cache(maxsize=64)
def _holidays_of(
    year: int, fixed: tuple[dt.date, ...], hijri: tuple[HijriHoliday, ...],
    national: tuple[NationalDay, ...],
) -> frozenset[dt.date]:
    """Every holiday falling in a Gregorian year (spans may start the year before)."""
    spans: list[tuple[dt.date, int]] = [(d, 1) for d in fixed]
    for n in national:
        for y in (year - 1, year):
            spans.append((dt.date(y, n.month, min(n.day, monthrange(y, n.month)[1])), n.days))
    first = hijri_year_of(dt.date(year, 1, 1))
    for h in hijri if first is not None else ():
        for hy in range(first - 1, first + 3):  # a Gregorian year touches up to 3 Hijri years
            if hy in HIJRI_YEARS:
                spans.append((to_gregorian(hy, h.month, h.day, clamp=True), h.days))
    days = {start + dt.timedelta(days=i) for start, n in spans for i in range(n)}
    return frozenset(d for d in days if d.year == year)


def is_holiday(day: dt.date, config: AppConfig) -> bool:
    """True on a configured day off: a date, a Hijri holiday (Umm al-Qura) or a national day."""
    hours = config.working_hours
    return day in _holidays_of(day.year, tuple(hours.holidays), tuple(hours.hijri_holidays),
                               tuple(hours.national_days))


def _is_quiet(local: dt.datetime, quiet: QuietHours) -> bool:
    if not quiet.enabled:
        return False
    t = local.time()
    if quiet.start <= quiet.end:
        return quiet.start <= t < quiet.end
    return t >= quiet.start or t < quiet.end


def next_allowed(when: dt.datetime, config: AppConfig) -> dt.datetime:
    """The first moment at or after `when` outside quiet hours and holidays (UTC)."""
    tz = config.tz
    local = when.astimezone(tz)
    quiet = config.quiet_hours
    for _ in range(400):  # at most a year of holidays; the config is validated, so this ends
        if is_holiday(local.date(), config):
            local = dt.datetime.combine(local.date() + dt.timedelta(days=1),
                                        quiet.end if quiet.enabled else dt.time(0, 0), tz)
            continue
        if _is_quiet(local, quiet):
            day = local.date()
            if local.time() >= quiet.start and quiet.start > quiet.end:
                day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, quiet.end, tz)
            continue
        return local.astimezone(dt.UTC)
    return local.astimezone(dt.UTC)


def _working_day(day: dt.date, config: AppConfig) -> bool:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours = config.working_hours
    return names[day.weekday()] in hours.days and not is_holiday(day, config)


def is_working_time(when: dt.datetime, config: AppConfig) -> bool:
    """True during working hours (local time, working days, not holidays)."""
    local = when.astimezone(config.tz)
    hours = config.working_hours
    return _working_day(local.date(), config) and hours.start <= local.time() < hours.end


def next_working_start(when: dt.datetime, config: AppConfig) -> dt.datetime:
    """When staff are next at work: now if working, else the next opening (UTC)."""
    if is_working_time(when, config):
        return when
    tz, hours = config.tz, config.working_hours
    day = when.astimezone(tz).date()
    if when.astimezone(tz).time() >= hours.start:
        day += dt.timedelta(days=1)
    for _ in range(400):
        if _working_day(day, config):
            return dt.datetime.combine(day, hours.start, tz).astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    return when


def working_minutes_between(start: dt.datetime, end: dt.datetime, config: AppConfig) -> float:
    """Minutes of working time between two moments (for service-level clocks)."""
    tz, hours = config.tz, config.working_hours
    total = 0.0
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        if _working_day(day, config):
            open_at = max(dt.datetime.combine(day, hours.start, tz), start)
            close_at = min(dt.datetime.combine(day, hours.end, tz), end)
            if close_at > open_at:
                total += (close_at - open_at).total_seconds() / 60
        day += dt.timedelta(days=1)
    return total
