"""The pages of an item staff follow up (a volunteer application, a suggestion, a complaint):
the item with its assignee choices, and a posted change applied, audited and shown."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from web.deps import STAFF, ConsoleDeps, deps_of
from web.listing import FormRefused, audit, audit_in, note_text, require, staff_choices
from web.render import page
from web.roles import may


class FollowedUp(Protocol):
    """A row staff follow up: a volunteer application, a suggestion or a complaint."""

    reference: str | None
    assigned_to: str | None
    notes: str | None


Row = TypeVar("Row", bound=FollowedUp)


async def assign_or_note(change: Change[Any]) -> str:
    """Apply a posted assignee ("assign": a member of staff, or nobody) or staff notes
    ("notes"); the audit detail. Refused (400) for someone not on the staff or a note over
    the limit."""
    row, form = change.row, change.form
    try:
        if change.what == "assign":
            to = str(form.get("to", "")) or None
            if to is not None and to not in dict(await staff_choices(change.deps,
                                                                     change.session)):
                raise FormRefused("errors-not-staff")
            row.assigned_to = to
            return f"{row.reference}: {row.assigned_to or '-'}"
        row.notes = note_text(form, "notes") or None
    except FormRefused as refused:
        raise Refused(400, refused.key) from refused
    return f"{row.reference}: notes"


class Refused(Exception):
    """A posted change that is not applied: the item's page again, with this status and error."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


@dataclass(frozen=True)
class Change(Generic[Row]):
    """One posted change to apply inside its transaction."""

    deps: ConsoleDeps
    session: AsyncSession
    row: Row
    what: str  # status, assign, notes, reply
    form: Any
    now: dt.datetime


SAVED = {"status": "lists-saved", "assign": "lists-saved", "notes": "lists-saved"}


def _no_more(deps: ConsoleDeps, row: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ItemPages(Generic[Row]):
    """One kind of followed-up item: how it loads, which template shows it, what it audits."""

    template: str
    row_name: str  # the row's name in the template
    action: str  # the audit lines' prefix: volunteer_view, volunteer_status, ...
    statuses: tuple[str, ...]
    load: Callable[[AsyncSession, str], Awaitable[Row]]
    more: Callable[[ConsoleDeps, Row], dict[str, Any]] = field(default=_no_more)

    async def show(self, request: web.Request, *, status: int = 200,
                   message: str | None = None, error: str | None = None) -> web.Response:
        """The item's page, with the staff it may be given to."""
        deps, staff = deps_of(request), request[STAFF]
        async with deps.sessions() as session:
            row = await self.load(session, request.match_info["reference"])
            members = await staff_choices(deps, session)
        return page(request, deps, self.template, status=status, members=members,
                    names=dict(members), statuses=self.statuses, message=message, error=error,
                    may_act=may(staff.role, "follow_up"),
                    **{self.row_name: row}, **self.more(deps, row))

    async def view(self, request: web.Request) -> web.Response:
        """The item's page; reading it is audited."""
        response = await self.show(request)
        await audit(request, f"{self.action}_view", request.match_info["reference"])
        return response

    async def change(self, request: web.Request, what: str,
                     apply: Callable[[Change[Row]], Awaitable[str]], *,
                     message: str = "lists-saved") -> web.Response:
        """Apply one posted change (`apply` returns the audit detail or raises Refused), audit
        it in the same transaction, and show the item again."""
        deps = deps_of(request)
        staff = await require(request, "follow_up", f"{self.action}_{what}")
        form = await request.post()
        now = deps.services.clock.now()
        try:
            async with transaction(deps.sessions) as session:
                row = await self.load(session, request.match_info["reference"])
                detail = await apply(Change(deps, session, row, what, form, now))
                session.add(row)
                await audit_in(session, deps, staff, f"{self.action}_{what}", detail)
        except Refused as refused:
            return await self.show(request, status=refused.status, error=refused.error)
        return await self.show(request, message=message)

    def add_routes(self, router: web.UrlDispatcher, base: str,
                   apply: Callable[[Change[Row]], Awaitable[str]], *,
                   changes: Mapping[str, str] = SAVED) -> None:
        """GET `base` (the item), POST `base/<change>` for each change (-> its message)."""
        router.add_get(base, self.view)
        for what, message in changes.items():
            router.add_post(f"{base}/{what}", functools.partial(
                self.change, what=what, apply=apply, message=message))
