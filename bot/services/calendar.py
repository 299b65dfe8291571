"""Quiet hours and holidays: when a business-initiated message may be sent."""

from __future__ import annotations

import datetime as dt

from bot.config import AppConfig, QuietHours


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
    holidays = set(config.working_hours.holidays)
    quiet = config.quiet_hours
    for _ in range(400):  # at most a year of holidays; the config is validated, so this ends
        if local.date() in holidays:
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
    return names[day.weekday()] in hours.days and day not in set(hours.holidays)


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
