"""What the console's list pages share: the staff to assign to, an audit line, a refusal,
a CSV download, a period of Riyadh days, a staff member's words from a form."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.repo import staff as staff_repo
from bot.text import clean
from models import StaffSession
from web.deps import STAFF, ConsoleDeps, deps_of
from web.render import MAX_NOTE, SECURITY_HEADERS
from web.roles import ROLES, may


async def staff_choices(deps: ConsoleDeps, session: AsyncSession) -> list[tuple[str, str]]:
    """(staff key, shown name) of everyone on the roster and every password account."""
    members = [(f"tg:{m.user_id}", m.name or f"tg:{m.user_id}") for m in deps.roster.values()]
    for role in ROLES:
        members += [(f"pw:{u.username}"[:40], u.name or u.username)
                    for u in await staff_repo.users_with_role(session, role=role)]
    return sorted(set(members), key=lambda pair: pair[1])


async def audit_in(session: AsyncSession, deps: ConsoleDeps, staff: StaffSession, action: str,
                   detail: str | None = None, *, allowed: bool = True) -> None:
    """One line of `staffaction` in the caller's transaction (a change and its record commit
    together)."""
    await staff_repo.audit(session, staff_key=staff.staff_key, role=staff.role, action=action,
                           now=deps.services.clock.now(), detail=detail, allowed=allowed)


async def audit(request: web.Request, action: str, detail: str | None = None, *,
                allowed: bool = True) -> None:
    """One line of `staffaction` for the signed-in member, in its own transaction."""
    deps = deps_of(request)
    async with transaction(deps.sessions) as session:
        await audit_in(session, deps, request[STAFF], action, detail, allowed=allowed)


async def require(request: web.Request, permission: str, action: str) -> StaffSession:
    """The signed-in member if their role may; else the refusal is audited and a 403 raised."""
    staff: StaffSession = request[STAFF]
    if not may(staff.role, permission):
        await audit(request, action, request.path, allowed=False)
        raise web.HTTPForbidden(text="errors-not-allowed", headers=SECURITY_HEADERS)
    return staff


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]
                 ) -> web.Response:
    """A UTF-8 CSV download with a byte-order mark (Excel reads the Arabic)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return web.Response(body=("\ufeff" + out.getvalue()).encode(), headers=headers,
                        content_type="text/csv", charset="utf-8")


def period(deps: ConsoleDeps, first: dt.date | None, last: dt.date | None, *,
           default_days: int | None = None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start of `first`, end of `last`) in Riyadh time as aware moments; with
    `default_days`, a missing bound makes the period the last `default_days` local days."""
    tz = deps.config.tz
    if default_days is not None:
        today = deps.services.clock.now().astimezone(tz).date()
        last = last or today
        first = first or last - dt.timedelta(days=default_days - 1)
    since = dt.datetime.combine(first, dt.time(), tzinfo=tz) if first else None
    until = (dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
             if last else None)
    return since, until


def words(form: Any, name: str, limit: int = MAX_NOTE) -> str:
    """A text field of a posted form, each line cleaned, cut to `limit` characters."""
    value = str(form.get(name, ""))
    lines = [clean(line) for line in value.splitlines()]
    return "\n".join(lines).strip()[:limit]


def note_text(form: Any, name: str) -> str:
    """A staff note from a posted form; FormRefused (a polite 400) when over MAX_NOTE."""
    text = words(form, name, MAX_NOTE + 1)
    if len(text) > MAX_NOTE:
        raise FormRefused("errors-note-too-long")
    return text


class FormRefused(ValueError):
    """A posted field the console cannot take; `key` names the polite message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
