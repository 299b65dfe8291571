"""Holidays: the two Eids by the Umm al-Qura calendar and the national days, configurable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import AppConfig, ConfigError, load_config
from bot.services.calendar import (
    is_holiday,
    is_working_time,
    next_allowed,
    next_working_start,
    working_minutes_between,
)
from bot.settings import ROOT

RIYADH = dt.timezone(dt.timedelta(hours=3))


def _config(**working_hours: object) -> AppConfig:
    base = load_config(ROOT / "config.yaml").model_dump()
    base["working_hours"] |= working_hours
    return AppConfig.model_validate(base)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), RIYADH).astimezone(dt.UTC)


@pytest.mark.parametrize(("day", "holiday"), [
    (dt.date(2027, 3, 8), False),   # 29 Ramadan 1448
    (dt.date(2027, 3, 9), True),    # 1 Shawwal 1448: Eid al-Fitr
    (dt.date(2027, 3, 12), True),   # its fourth day
    (dt.date(2027, 3, 13), False),
    (dt.date(2026, 3, 20), True),   # 1 Shawwal 1447
    (dt.date(2027, 5, 15), True),   # 9 Dhu al-Hijjah 1448: Arafat day
    (dt.date(2027, 5, 18), True),   # 12 Dhu al-Hijjah
    (dt.date(2027, 5, 19), False),
    (dt.date(2027, 2, 22), True),   # Founding Day
    (dt.date(2026, 9, 23), True),   # National Day
    (dt.date(2026, 9, 24), False),
])
def test_shipped_holidays(day: dt.date, holiday: bool) -> None:
    assert is_holiday(day, load_config(ROOT / "config.yaml")) is holiday


def test_spans_and_dates_are_configurable() -> None:
    config = _config(hijri_holidays=[{"name": "eid_al_fitr", "month": 10, "day": 1, "days": 2}],
                     national_days=[], holidays=["2026-12-01"])
    assert is_holiday(dt.date(2027, 3, 10), config)
    assert not is_holiday(dt.date(2027, 3, 11), config)
    assert not is_holiday(dt.date(2026, 9, 23), config)
    assert is_holiday(dt.date(2026, 12, 1), config)


def test_quiet_hours_and_working_time_respect_holidays() -> None:
    config = load_config(ROOT / "config.yaml")
    national_day = dt.date(2026, 9, 23)  # a Wednesday
    assert next_allowed(_at(national_day, 10), config) == _at(dt.date(2026, 9, 24), 8)
    assert not is_working_time(_at(national_day, 10), config)
    assert next_working_start(_at(national_day, 10), config) == _at(dt.date(2026, 9, 24), 8)
    eid = dt.date(2027, 3, 9)  # a Tuesday; Eid lasts to Friday, then the weekend
    assert next_working_start(_at(eid, 9), config) == _at(dt.date(2027, 3, 14), 8)
    assert working_minutes_between(_at(eid, 8), _at(dt.date(2027, 3, 14), 9), config) == 60


def test_impossible_holiday_is_refused_naming_the_key(tmp_path: Path) -> None:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "config.yaml"
    bad.write_text(text.replace("{name: founding_day, month: 2, day: 22}",
                                "{name: founding_day, month: 2, day: 31}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="national_days"):
        load_config(bad)
