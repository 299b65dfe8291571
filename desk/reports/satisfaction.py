"""The satisfaction report: anonymous answers as CSV, and charts as PNG (matplotlib).

CSAT is the share of ratings of 4 or 5 among answered surveys. No beneficiary id, name,
channel identity or request reference appears in the output. Matplotlib 3.11 shapes Arabic and
lays it out right to left by itself (reshaping it beforehand would reverse it again)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig, Channel
from bot.i18n import Catalog
from bot.repo import reports
from bot.security.redact import redact
from models import SatisfactionSurvey

FIELDS = ["survey", "trigger", "channel", "service_type", "decision", "status", "rating",
          "solved", "comment", "sent_on", "answered_on"]
COLOUR = "#2e7d5b"
TRIGGERS = ("decision", "delivery", "case")
RIYADH = ZoneInfo("Asia/Riyadh")
NO_SURVEYS = "لا توجد استبيانات\nno surveys"


@dataclass
class Summary:
    """Key figures of a period."""

    sent: int
    answered: int
    declined: int
    expired: int
    csat: float | None  # percent of 4-5 ratings
    mean: float | None

    @property
    def response_rate(self) -> float | None:
        """Answered surveys as a percent of those sent."""
        return 100.0 * self.answered / self.sent if self.sent else None


async def load(
    session: AsyncSession, since: dt.date | None, until: dt.date | None
) -> list[SatisfactionSurvey]:
    """Surveys sent in the period (dates inclusive, UTC)."""
    return await reports.surveys_sent(session, since=since, until=until)


def summarise(rows: list[SatisfactionSurvey]) -> Summary:
    """Counts, CSAT and mean rating."""
    ratings = [r.rating for r in rows if r.rating]
    status = Counter(r.status for r in rows)
    return Summary(
        sent=len(rows), answered=len(ratings), declined=status["declined"],
        expired=status["expired"],
        csat=100.0 * sum(1 for x in ratings if x >= 4) / len(ratings) if ratings else None,
        mean=sum(ratings) / len(ratings) if ratings else None,
    )


def by_trigger(rows: list[SatisfactionSurvey]) -> dict[str, list[SatisfactionSurvey]]:
    """Rows per trigger (decision, delivery, case, then any other), never mixed."""
    groups: dict[str, list[SatisfactionSurvey]] = {}
    for r in rows:
        groups.setdefault(r.trigger, []).append(r)
    order = [t for t in TRIGGERS if t in groups] + sorted(set(groups) - set(TRIGGERS))
    return {t: groups[t] for t in order}


def summarise_by_trigger(rows: list[SatisfactionSurvey]) -> dict[str, Summary]:
    """One Summary per trigger: a decision's CSAT is never averaged with a delivery's."""
    return {trigger: summarise(group) for trigger, group in by_trigger(rows).items()}


def _percent(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else "-"


def headline(summaries: dict[str, Summary], labels: dict[str, str]) -> list[str]:
    """One line of key figures per trigger."""
    return [f"{labels.get(trigger, trigger)} ({trigger}): {s.sent} sent, {s.answered} answered "
            f"({_percent(s.response_rate)}), CSAT {_percent(s.csat)}"
            for trigger, s in summaries.items()]


def labels(catalog: Catalog, config: AppConfig, lang: str = "ar") -> dict[str, str]:
    """Display names of the ids in the report: support types, channels, decisions, triggers."""
    names = {t.id: catalog.t(lang, f"support-type-{t.id}") for t in config.support_types}
    names |= {c: catalog.t(lang, f"channel-name-{c}") for c in get_args(Channel)}
    names |= {d: catalog.t(lang, f"request-status-{d}") for d in ("accepted", "rejected")}
    names |= {t: catalog.t(lang, f"survey-trigger-{t}") for t in TRIGGERS}
    return names


def _local_day(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.date | None:
    return moment.astimezone(tz).date() if moment else None


def write_csv(rows: list[SatisfactionSurvey], path: Path, tz: dt.tzinfo = RIYADH) -> None:
    """One line per survey, without anything that identifies the person; dates local."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for r in rows:
            sent, answered = _local_day(r.sent_at, tz), _local_day(r.answered_at, tz)
            writer.writerow([
                r.id, r.trigger, r.channel or "", r.service_type, r.decision or "", r.status,
                r.rating or "", r.solved or "", redact(r.comment or ""),
                sent.isoformat() if sent else "", answered.isoformat() if answered else "",
            ])


def _csat_by(rows: list[SatisfactionSurvey], key: str) -> dict[str, tuple[float, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.rating:
            groups[str(getattr(r, key) or "-")].append(r.rating)
    return {k: (100.0 * sum(1 for x in v if x >= 4) / len(v), len(v))
            for k, v in sorted(groups.items())}


def _panels(
    rows: list[SatisfactionSurvey], title: str, labels: dict[str, str]
) -> tuple[Figure, list[tuple[Axes, list[SatisfactionSurvey]]]]:
    """A figure with one panel per trigger (one empty panel when there is nothing)."""
    groups = by_trigger(rows) or {"": []}
    # a Figure of its own, not pyplot's: pyplot would keep every figure the console draws
    fig = Figure(figsize=(4.2 * len(groups) + 1, 4.2), dpi=110)
    axes = fig.subplots(1, len(groups), squeeze=False)
    fig.suptitle(title)
    panels = []
    for axis, (trigger, group) in zip(axes[0], groups.items(), strict=True):
        axis.set_title(labels.get(trigger, trigger) if trigger else NO_SURVEYS)
        panels.append((axis, group))
    return fig, panels


def bar_figure(
    rows: list[SatisfactionSurvey], key: str, title: str, labels: dict[str, str]
) -> Figure:
    """CSAT % per value of `key` (channel, service type, decision), one panel per trigger."""
    fig, panels = _panels(rows, title, labels)
    for axis, group in panels:
        data = _csat_by(group, key)
        names = [labels.get(k, k) for k in data] or ["-"]
        values = [v for v, _ in data.values()] or [0]
        bars = axis.bar(names, values, color=COLOUR)
        for bar, (_, n) in zip(bars, data.values(), strict=False):
            axis.annotate(f"n={n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=8)
        axis.set_ylim(0, 105)
        axis.tick_params(axis="x", labelsize=8)
    panels[0][0].set_ylabel("نسبة الرضا ٪ (تقييم 4 أو 5)\nCSAT % (rating 4–5)")
    fig.tight_layout()
    return fig


def over_time_figure(
    rows: list[SatisfactionSurvey], labels: dict[str, str], tz: dt.tzinfo = RIYADH
) -> Figure:
    """Weekly CSAT % (weeks start on Sunday, local dates), one panel per trigger."""
    fig, panels = _panels(rows, "رضا المستفيدين أسبوعياً\nweekly CSAT %", labels)
    for axis, group in panels:
        weeks: dict[dt.date, list[int]] = defaultdict(list)
        for r in group:
            day = _local_day(r.answered_at, tz)
            if r.rating and day:
                weeks[day - dt.timedelta(days=(day.weekday() + 1) % 7)].append(r.rating)
        xs = sorted(weeks)
        axis.plot(xs, [100.0 * sum(1 for x in weeks[w] if x >= 4) / len(weeks[w]) for w in xs],
                  marker="o", color=COLOUR)
        axis.set_ylim(0, 105)
        if xs:  # a single week must not stretch the axis over years
            axis.set_xlim(xs[0] - dt.timedelta(days=4), xs[-1] + dt.timedelta(days=4))
            axis.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=1, maxticks=6))
            axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
        else:
            axis.set_xticks([])
        axis.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    return fig


def response_figure(rows: list[SatisfactionSurvey], labels: dict[str, str]) -> Figure:
    """Answered, declined, expired and pending surveys (counts), one panel per trigger."""
    fig, panels = _panels(rows, "نسبة الاستجابة\nresponse rate", labels)
    names = ["أُجيب\nanswered", "رفض التقييم\ndeclined", "انتهى\nexpired", "بلا رد\nno answer"]
    for axis, group in panels:
        summary = summarise(group)
        pending = summary.sent - summary.answered - summary.declined - summary.expired
        values = [summary.answered, summary.declined, summary.expired, max(pending, 0)]
        axis.bar(names, values, color=["#2e7d5b", "#9e9e9e", "#c62828", "#f9a825"])
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_ylim(0, max([*values, 1]) * 1.1)
        axis.tick_params(axis="x", labelsize=7)
        axis.set_xlabel(f"الاستجابة\nresponse {_percent(summary.response_rate)}")
    fig.tight_layout()
    return fig


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path)
    return path


def write_charts(
    rows: list[SatisfactionSurvey], out: Path, labels: dict[str, str], tz: dt.tzinfo = RIYADH
) -> list[Path]:
    """Every chart of the report, each with one panel per trigger; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    return [
        _save(over_time_figure(rows, labels, tz), out / "csat_over_time.png"),
        _save(bar_figure(rows, "channel", "الرضا حسب القناة\nby channel", labels),
              out / "csat_by_channel.png"),
        _save(bar_figure(rows, "service_type", "الرضا حسب نوع الدعم\nby service", labels),
              out / "csat_by_service_type.png"),
        _save(bar_figure(rows, "decision", "الرضا حسب القرار\nby decision", labels),
              out / "csat_by_decision.png"),
        _save(response_figure(rows, labels), out / "response_rate.png"),
    ]
