"""Reports for a period of Riyadh days: satisfaction by trigger (a decision's, a delivery's and
a case's surveys are never mixed in one figure), response rates, days from submission to
decision against the policy's two weeks, requests by status, type and branch, volunteer and
complaint counts. Charts are drawn on the server (matplotlib, as the CLI report); each table is
downloadable as CSV."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from matplotlib.figure import Figure

from bot.repo import console_lists as repo
from desk.reports import satisfaction
from models import (
    Feedback,
    RequestStatus,
    SatisfactionSurvey,
    SupportRequest,
    VolunteerApplication,
)
from web.deps import ConsoleDeps, deps_of
from web.feedback import flagged
from web.filters import Filters
from web.listing import csv_response, period
from web.render import SECURITY_HEADERS, language, page

DEFAULT_DAYS = 30
MAX_DAYS = 3660
DIMENSIONS = ("status", "support_type", "branch")


@dataclass
class Figures:
    """Everything the page shows for one period."""

    first: dt.date
    last: dt.date
    bad_period: bool = False  # the dates asked for were not a period: the default is shown
    surveys: list[SatisfactionSurvey] = field(default_factory=list)
    requests: list[SupportRequest] = field(default_factory=list)
    decisions: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)
    volunteers: list[VolunteerApplication] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)

    def days_to_decision(self) -> list[float]:
        """Days from submission to the committee's decision, one per decision."""
        return [(decided - submitted).total_seconds() / 86400
                for submitted, decided, _ in self.decisions]

    def by(self, dimension: str) -> Counter[str]:
        """Requests submitted in the period per status, support type or branch."""
        return Counter(str(getattr(r, dimension)) for r in self.requests)


async def load(deps: ConsoleDeps, request: web.Request) -> Figures:
    """The period asked for (default: the last 30 days), its rows in one session."""
    q = request.query
    filters = Filters(q)
    first, last = filters.dates()
    bad = filters.bad or (first and last and (last - first).days > MAX_DAYS)
    if bad:
        first = last = None
    since, until = period(deps, first, last, default_days=DEFAULT_DAYS)
    assert since is not None and until is not None
    figures = Figures(first=since.date(), last=(until - dt.timedelta(days=1)).date(),
                      bad_period=bool(bad))
    async with deps.sessions() as session:
        figures.surveys = await repo.surveys_sent(session, since=since, until=until)
        figures.requests = await repo.requests_submitted(session, since=since, until=until)
        figures.decisions = await repo.decisions_made(session, since=since, until=until)
        figures.volunteers = await repo.volunteers_created(session, since=since, until=until)
        figures.feedback = await repo.feedback_created(session, since=since, until=until)
    return figures


def decision_summary(days: list[float], policy_days: int) -> dict[str, object]:
    """How many decisions, their median and mean days, how many came before the policy's
    minimum and how many at or after it."""
    return {"count": len(days),
            "median": round(statistics.median(days), 1) if days else None,
            "mean": round(statistics.fmean(days), 1) if days else None,
            "early": sum(1 for d in days if d < policy_days),
            "on_time": sum(1 for d in days if d >= policy_days)}


async def reports_page(request: web.Request) -> web.Response:
    """The figures of the period, its charts and its CSV links."""
    deps = deps_of(request)
    f = await load(deps, request)
    policy_days = deps.config.requests.committee_min_days
    complaints = [x for x in f.feedback if x.kind == "complaint"]
    return page(request, deps, "reports.html", f=f,
                error="lists-bad-period" if f.bad_period else None,
                query=f"from={f.first.isoformat()}&until={f.last.isoformat()}",
                summaries=satisfaction.summarise_by_trigger(f.surveys),
                decisions=decision_summary(f.days_to_decision(), policy_days),
                policy_days=policy_days, dimensions={d: f.by(d) for d in DIMENSIONS},
                volunteers=Counter(v.status for v in f.volunteers),
                suggestions=Counter(x.status for x in f.feedback if x.kind == "suggestion"),
                complaints=Counter(x.status for x in complaints),
                flagged=sum(1 for x in complaints if flagged(deps, x)))


def _names(deps: ConsoleDeps, lang: str) -> dict[str, str]:
    catalog = deps.services.catalog
    names = satisfaction.labels(catalog, deps.config, lang)
    names |= {b: catalog.t(lang, f"branch-{b}") for b in deps.config.branches}
    names |= {f"status:{s}": catalog.t(lang, f"request-status-{s}")
              for s in RequestStatus if s != RequestStatus.DRAFT}
    return names


def requests_figure(f: Figures, names: dict[str, str], title: str,
                    panel_titles: dict[str, str]) -> Figure:
    """Requests submitted in the period: one bar panel each for status, type and branch."""
    fig = Figure(figsize=(12, 4.2), dpi=110)
    fig.suptitle(title)
    for index, dimension in enumerate(DIMENSIONS, start=1):
        axis = fig.add_subplot(1, len(DIMENSIONS), index)
        counts = f.by(dimension)
        keys = sorted(counts) or ["-"]
        prefix = "status:" if dimension == "status" else ""
        axis.bar([names.get(prefix + k, k) for k in keys], [counts.get(k, 0) for k in keys],
                 color=satisfaction.COLOUR)
        axis.set_title(panel_titles[dimension])
        axis.tick_params(axis="x", labelrotation=30, labelsize=8)
        axis.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def decision_figure(days: list[float], policy_days: int, title: str, line: str) -> Figure:
    """A histogram of days to decision with the policy's two weeks marked."""
    fig = Figure(figsize=(7, 4.2), dpi=110)
    axis = fig.add_subplot(1, 1, 1)
    axis.set_title(title)
    top = max([*days, policy_days * 2.0])
    counts, _, _ = axis.hist(days, bins=[x * (top / 20) for x in range(21)],
                             color=satisfaction.COLOUR)
    axis.axvline(policy_days, color="#c62828", linestyle="--", label=line)
    axis.legend()
    axis.set_xlim(0, top)
    axis.set_ylim(0, max([*counts, 1]) * 1.1)
    axis.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    fig.clear()
    return out.getvalue()


CHARTS = ("csat_over_time", "csat_by_channel", "csat_by_service_type", "response_rate",
          "requests", "decision_days")


async def chart(request: web.Request) -> web.Response:
    """One chart of the period as PNG."""
    deps, lang = deps_of(request), language(request)
    name = request.match_info["name"]
    if name not in CHARTS:
        raise web.HTTPNotFound(text="no such chart", headers=SECURITY_HEADERS)
    f = await load(deps, request)
    names, t = _names(deps, lang), deps.services.catalog.t
    policy = deps.config.requests.committee_min_days
    if name == "csat_over_time":
        fig = satisfaction.over_time_figure(f.surveys, names, deps.config.tz)
    elif name == "csat_by_channel":
        fig = satisfaction.bar_figure(f.surveys, "channel", t(lang, "lists-chart-by-channel"),
                                      names)
    elif name == "csat_by_service_type":
        fig = satisfaction.bar_figure(f.surveys, "service_type",
                                      t(lang, "lists-chart-by-service"), names)
    elif name == "response_rate":
        fig = satisfaction.response_figure(f.surveys, names)
    elif name == "requests":
        fig = requests_figure(f, names, t(lang, "lists-chart-requests"),
                              {d: t(lang, f"lists-by-{d}") for d in DIMENSIONS})
    else:
        fig = decision_figure(f.days_to_decision(), policy, t(lang, "lists-chart-decision-days"),
                              t(lang, "lists-chart-policy-line", days=policy))
    body = _png(fig)
    return web.Response(body=body, content_type="image/png",
                        headers={**SECURITY_HEADERS, "Cache-Control": "private, max-age=60"})


def _surveys_csv(f: Figures, deps: ConsoleDeps) -> web.Response:
    with tempfile.TemporaryDirectory() as tmp:  # the CLI report's writer, unchanged
        path = Path(tmp) / "surveys.csv"
        satisfaction.write_csv(f.surveys, path, deps.config.tz)
        body = path.read_bytes()
    headers = {**SECURITY_HEADERS,
               "Content-Disposition": f'attachment; filename="surveys-{f.first}-{f.last}.csv"'}
    return web.Response(body=body, headers=headers, content_type="text/csv", charset="utf-8")


async def table(request: web.Request) -> web.Response:
    """One table of the period as CSV (no personal data: counts and anonymous surveys)."""
    deps = deps_of(request)
    name = request.match_info["name"]
    f = await load(deps, request)
    suffix = f"{f.first}-{f.last}.csv"
    tz = deps.config.tz
    if name == "surveys":
        return _surveys_csv(f, deps)
    if name == "requests":
        return csv_response(f"requests-{suffix}", ["dimension", "value", "count"],
                            ([d, k, n] for d in DIMENSIONS for k, n in sorted(f.by(d).items())))
    if name == "decisions":
        return csv_response(f"decisions-{suffix}",
                            ["submitted_on", "decided_on", "days", "decision"],
                            ([s.astimezone(tz).date(), d.astimezone(tz).date(),
                              round((d - s).total_seconds() / 86400, 1), what]
                             for s, d, what in f.decisions))
    if name == "counts":
        rows = [["volunteer", v.status] for v in f.volunteers]
        rows += [[x.kind, x.status] for x in f.feedback]
        return csv_response(f"counts-{suffix}", ["kind", "status", "count"],
                            ([k, s, n] for (k, s), n in sorted(Counter(map(tuple, rows)).items())))
    raise web.HTTPNotFound(text="no such table", headers=SECURITY_HEADERS)


def add_routes(router: web.UrlDispatcher) -> None:
    """The reports page, its charts and tables."""
    router.add_get("/reports", reports_page)
    router.add_get("/reports/charts/{name}.png", chart)
    router.add_get("/reports/{name}.csv", table)
