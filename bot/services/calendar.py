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
