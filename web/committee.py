"""Step 5 for a whole session: the requests before the committee, the minutes as CSV both ways."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.db import transaction
from bot.repo import staff as repo
from bot.services.decision_import import ARABIC, import_decisions, read_minutes
from web.deps import STAFF, deps_of
from web.render import SECURITY_HEADERS, page
from web.roles import may

COLUMNS = ("reference", "decision", "reason", "decided_on", "service", "amount")
MAX_CSV = 1_000_000


async def _waiting(request: web.Request) -> list:  # type: ignore[type-arg]
    deps = deps_of(request)
    async with deps.sessions() as session:
        rows = []
        for status in ("submitted", "under_study"):
            rows += await repo.list_requests(session, where=repo.RequestFilter(status=status),
                                             limit=1000)
    return sorted(rows, key=lambda r: r.submitted_at)


async def committee(request: web.Request, *, results: list | None = None,  # type: ignore[type-arg]
                    status: int = 200, error: str | None = None, **extra: Any) -> web.Response:
    """The requests ready for decision, deciding several at once, the minutes both ways."""
    deps, staff = deps_of(request), request[STAFF]
    return page(request, deps, "committee.html", status=status, rows=await _waiting(request),
                results=results, error=error, may_decide=may(staff.role, "decide"),
                now=deps.services.clock.now(), min_days=deps.config.requests.committee_min_days,
                reason_templates=deps.config.decisions.reason_templates, **extra)


async def export(request: web.Request) -> web.Response:
    """The session's minutes to fill in: one line per request before the committee."""
    deps, staff = deps_of(request), request[STAFF]
    rows = await _waiting(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([ARABIC[c] for c in COLUMNS])
    for row in rows:
        writer.writerow([row.reference, "", "", "", "", ""])
    async with transaction(deps.sessions) as session:
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                         action="committee_export", now=deps.services.clock.now(),
                         detail=f"{len(rows)} requests")
    day = deps.services.clock.now().astimezone(deps.config.tz).date().isoformat()
    headers = {**SECURITY_HEADERS,
               "Content-Disposition": f'attachment; filename="committee-{day}.csv"'}
    return web.Response(body=("\ufeff" + out.getvalue()).encode(), headers=headers,
                        content_type="text/csv", charset="utf-8")


async def import_minutes(request: web.Request) -> web.Response:
    """The committee's filled-in minutes: each line recorded or reported, as the CLI does."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "decide"):
        async with transaction(deps.sessions) as session:
            await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                             action="committee_import", now=deps.services.clock.now(),
                             allowed=False)
        return await committee(request, status=403, error="console-not-allowed")
    upload = (await request.post()).get("minutes")
    content = upload.file.read(MAX_CSV + 1) if isinstance(upload, web.FileField) else b""
    if not content or len(content) > MAX_CSV:
        return await committee(request, status=400, error="console-minutes-bad")
    handle, name = tempfile.mkstemp(suffix=".csv")  # read_minutes reads a file; private, removed
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(content)
        rows = read_minutes(Path(name))
    except (ValueError, UnicodeDecodeError):
        return await committee(request, status=400, error="console-minutes-bad")
    finally:
        Path(name).unlink(missing_ok=True)
    results = await import_decisions(deps.sessions, deps.config, deps.services.clock, rows,
                                     actor=f"console:{staff.staff_key}"[:60],
                                     on_recorded=deps.on_decision)
    async with transaction(deps.sessions) as session:
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                         action="committee_import", now=deps.services.clock.now(),
                         detail=", ".join(f"{r.reference}: {r.outcome}" for r in results)[:500])
    return await committee(request, results=results)


def add_routes(router: web.UrlDispatcher) -> None:
    """The committee's pages."""
    router.add_get("/committee", committee)
    router.add_get("/committee.csv", export)
    router.add_post("/committee/import", import_minutes)
