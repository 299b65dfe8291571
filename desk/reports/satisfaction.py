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

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import reports
from bot.security.redact import redact
from models import SatisfactionSurvey

FIELDS = ["survey", "trigger", "channel", "service_type", "decision", "status", "rating",
          "solved", "comment", "sent_on", "answered_on"]
COLOUR = "#2e7d5b"


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


def write_csv(rows: list[SatisfactionSurvey], path: Path) -> None:
    """One line per survey, without anything that identifies the person."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for r in rows:
            writer.writerow([
                r.id, r.trigger, r.channel or "", r.service_type, r.decision or "", r.status,
                r.rating or "", r.solved or "", redact(r.comment or ""),
                r.sent_at.date().isoformat() if r.sent_at else "",
                r.answered_at.date().isoformat() if r.answered_at else "",
            ])


def _csat_by(rows: list[SatisfactionSurvey], key: str) -> dict[str, tuple[float, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.rating:
            groups[str(getattr(r, key) or "-")].append(r.rating)
    return {k: (100.0 * sum(1 for x in v if x >= 4) / len(v), len(v))
            for k, v in sorted(groups.items())}


def _bar(
    path: Path, title: str, data: dict[str, tuple[float, int]], labels: dict[str, str]
) -> None:
    fig, axis = plt.subplots(figsize=(7, 4), dpi=110)
    names = [labels.get(k, k) for k in data] or ["-"]
    values = [v for v, _ in data.values()] or [0]
    bars = axis.bar(names, values, color=COLOUR)
    for bar, (_, n) in zip(bars, data.values(), strict=False):
        axis.annotate(f"n={n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                      ha="center", va="bottom", fontsize=8)
    axis.set_ylim(0, 105)
    axis.set_ylabel("نسبة الرضا (4–5) ٪ / CSAT %")
    axis.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _over_time(path: Path, rows: list[SatisfactionSurvey]) -> None:
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    for r in rows:
        if r.rating and r.answered_at:
            day = r.answered_at.date()
            weeks[day - dt.timedelta(days=(day.weekday() + 1) % 7)].append(r.rating)  # Sunday
    fig, axis = plt.subplots(figsize=(7, 4), dpi=110)
    xs = sorted(weeks)
    axis.plot(xs, [100.0 * sum(1 for x in weeks[w] if x >= 4) / len(weeks[w]) for w in xs],
              marker="o", color=COLOUR)
    axis.set_ylim(0, 105)
    axis.set_title("رضا المستفيدين أسبوعياً\nweekly CSAT %")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _response(path: Path, summary: Summary) -> None:
    labels = ["أُجيب\nanswered", "رفض التقييم\ndeclined", "انتهى\nexpired",
              "بلا رد\nno answer yet"]
    pending = summary.sent - summary.answered - summary.declined - summary.expired
    values = [summary.answered, summary.declined, summary.expired, max(pending, 0)]
    fig, axis = plt.subplots(figsize=(7, 4), dpi=110)
    axis.bar(labels, values, color=["#2e7d5b", "#9e9e9e", "#c62828", "#f9a825"])
    rate = f"{summary.response_rate:.0f}%" if summary.response_rate is not None else "-"
    axis.set_title(f"نسبة الاستجابة\nresponse rate {rate}")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_charts(
    rows: list[SatisfactionSurvey], out: Path, labels: dict[str, str]
) -> list[Path]:
    """Every chart of the report; returns the files written."""
    paths = {name: out / f"{name}.png" for name in
             ("csat_over_time", "csat_by_channel", "csat_by_service_type", "csat_by_decision",
              "response_rate")}
    _over_time(paths["csat_over_time"], rows)
    _bar(paths["csat_by_channel"], "الرضا حسب القناة\nby channel",
         _csat_by(rows, "channel"), labels)
    _bar(paths["csat_by_service_type"], "الرضا حسب نوع الدعم\nby service",
         _csat_by(rows, "service_type"), labels)
    _bar(paths["csat_by_decision"], "الرضا حسب القرار\nby decision",
         _csat_by(rows, "decision"), labels)
    _response(paths["response_rate"], summarise(rows))
    return list(paths.values())
