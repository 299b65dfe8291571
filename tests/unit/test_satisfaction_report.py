"""The satisfaction report: per trigger, translated labels, integer counts, Riyadh dates."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib.pyplot as plt

from bot.config import load_config
from bot.i18n import Catalog
from bot.settings import ROOT
from desk.reports import satisfaction
from models import SatisfactionSurvey

RIYADH = ZoneInfo("Asia/Riyadh")
# Saturday 22:30 UTC is already Sunday 01:30 in Riyadh.
LATE = dt.datetime(2026, 11, 21, 22, 30, tzinfo=dt.UTC)


def _survey(trigger: str, rating: int | None, channel: str = "telegram",
            at: dt.datetime = LATE, status: str = "answered") -> SatisfactionSurvey:
    return SatisfactionSurvey(id=1, beneficiary_id=1, trigger=trigger, channel=channel,
                              service_type="food_basket", decision="accepted",
                              status=status if rating else "sent", rating=rating,
                              sent_at=at - dt.timedelta(hours=1),
                              answered_at=at if rating else None)


ROWS = [_survey("decision", 5), _survey("decision", 4, "whatsapp"), _survey("delivery", 1),
        _survey("delivery", None), _survey("case", 2, "terminal")]


def _labels() -> dict[str, str]:
    return satisfaction.labels(Catalog(), load_config(ROOT / "config.yaml"), "ar")


def test_headline_is_per_trigger_never_mixed() -> None:
    summaries = satisfaction.summarise_by_trigger(ROWS)
    assert list(summaries) == ["decision", "delivery", "case"]
    assert (summaries["decision"].csat, summaries["delivery"].csat) == (100.0, 0.0)
    assert (summaries["delivery"].sent, summaries["delivery"].answered) == (2, 1)
    lines = satisfaction.headline(summaries, _labels())
    assert len(lines) == 3
    assert "100.0%" in lines[0] and "بعد القرار" in lines[0]
    assert "CSAT 0.0%" in lines[1] and "50.0%" in lines[1]


def test_charts_have_one_panel_per_trigger_with_translated_channels() -> None:
    fig = satisfaction.bar_figure(ROWS, "channel", "by channel", _labels())
    titles = [axis.get_title() for axis in fig.axes]
    assert len(fig.axes) == 3 and "بعد القرار" in titles[0] and "بعد إغلاق" in titles[2]
    names = {t.get_text() for t in fig.axes[0].get_xticklabels()}
    assert names == {"تيليجرام", "واتساب"}
    plt.close(fig)


def test_figures_are_not_kept_by_pyplot() -> None:
    """The console draws these on every request: pyplot keeps each figure it makes until
    closed, which in a running server is a leak."""
    before = set(plt.get_fignums())
    for _ in range(3):
        satisfaction.bar_figure(ROWS, "channel", "by channel", _labels())
        satisfaction.over_time_figure(ROWS, _labels())
        satisfaction.response_figure(ROWS, _labels())
    assert set(plt.get_fignums()) == before


def test_counts_have_integer_axes() -> None:
    fig = satisfaction.response_figure(ROWS, _labels())
    fig.canvas.draw()
    for axis in fig.axes:
        assert all(float(tick).is_integer() for tick in axis.get_yticks())
    plt.close(fig)


def test_one_point_does_not_stretch_the_time_axis_and_weeks_are_riyadh() -> None:
    fig = satisfaction.over_time_figure([_survey("decision", 5)], _labels(), RIYADH)
    fig.canvas.draw()
    low, high = fig.axes[0].get_xlim()
    assert high - low < 31  # days, not years
    line = fig.axes[0].get_lines()[0]
    (week,) = line.get_xdata()
    assert week == dt.date(2026, 11, 22)  # the Sunday of the Riyadh date
    plt.close(fig)


def test_csv_dates_are_riyadh_dates(tmp_path: Path) -> None:
    satisfaction.write_csv([_survey("decision", 5)], tmp_path / "s.csv", RIYADH)
    with (tmp_path / "s.csv").open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["answered_on"] == "2026-11-22"


def test_write_charts_writes_every_chart(tmp_path: Path) -> None:
    files = satisfaction.write_charts(ROWS, tmp_path, _labels(), RIYADH)
    assert {f.name for f in files} >= {"csat_by_channel.png", "response_rate.png"}
    assert all(f.stat().st_size > 5000 for f in files)
    empty = satisfaction.write_charts([], tmp_path / "empty", {}, RIYADH)
    assert all(f.exists() for f in empty)
