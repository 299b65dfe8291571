"""The audit log (`staffaction`) for admins: every staff action, sign-in and document view,
filtered by who, what and when (Riyadh days), and as CSV. Reading it is itself audited."""

from __future__ import annotations

from aiohttp import web

from bot.repo import console_lists as repo
from web.deps import ConsoleDeps, deps_of
from web.filters import Filters
from web.listing import audit, csv_response, period, require
from web.render import page, text_of

CSV_HEADER = ["at", "staff", "role", "action", "allowed", "case", "request", "detail"]


def _where(deps: ConsoleDeps, request: web.Request, filters: Filters | None = None
           ) -> repo.AuditFilter:
    q = request.query
    since, until = period(deps, *(filters or Filters(q)).dates())
    return repo.AuditFilter(staff_key=q.get("who") or None, action=q.get("action") or None,
                            since=since, until=until, refused_only=q.get("refused") == "1")


async def audit_page(request: web.Request) -> web.Response:
    """The latest 500 lines matching the filters, newest first."""
    deps = deps_of(request)
    await require(request, "audit", "audit_view")
    async with deps.sessions() as session:
        filters = Filters(request.query)
        rows = await repo.audit_lines(session, where=_where(deps, request, filters))
        who, actions = await repo.audit_choices(session)
    await audit(request, "audit_view", request.query_string[:200] or None)
    return page(request, deps, "audit.html", rows=rows, who=who, actions=actions,
                query=request.query, filter_note=filters.note(text_of(request, deps)))


async def export(request: web.Request) -> web.Response:
    """Every line matching the filters as CSV (Riyadh times)."""
    deps = deps_of(request)
    await require(request, "audit", "audit_export")
    async with deps.sessions() as session:
        rows = await repo.audit_lines(session, where=_where(deps, request), limit=1_000_000)
    await audit(request, "audit_export", f"{len(rows)} lines")
    tz = deps.config.tz
    return csv_response("audit.csv", CSV_HEADER, (
        [a.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), a.staff_user_id, a.role or "",
         a.action, "yes" if a.allowed else "no", a.escalation_id or "", a.request_id or "",
         a.detail or ""] for a in rows))


def add_routes(router: web.UrlDispatcher) -> None:
    """The audit pages (admins only)."""
    router.add_get("/audit", audit_page)
    router.add_get("/audit.csv", export)
