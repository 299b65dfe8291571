"""A case's timeline, and its live feed as server-sent events.

The feed polls the database by sequence (the last transcript line id and the last audit line
id the page has), every `ConsoleDeps.live_poll_seconds`: a message taken in by any worker,
a reply written in the Telegram group or in another browser shows up, on SQLite and
PostgreSQL alike, without a message bus. The event id is the cursor, so a reconnecting
EventSource (Last-Event-ID) resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass

from aiohttp import web

from bot import sse
from bot.repo import cases as cases_repo
from bot.repo import staff as staff_repo
from bot.security.redact import redact
from models import Escalation, StaffAction, TranscriptLine
from web.auth import token_hash
from web.deps import ConsoleDeps, deps_of
from web.render import SECURITY_HEADERS, fragment

KEEPALIVE_SECONDS = 15.0
SESSION_CHECK_SECONDS = 30.0
STOP: web.AppKey[asyncio.Event] = web.AppKey("live_stop", asyncio.Event)


@dataclass(frozen=True)
class Cursor:
    """The newest transcript line and audit line a page has shown."""

    line: int = 0
    action: int = 0

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        """'12.5' as a cursor; anything else is the start."""
        line, _, action = (text or "").partition(".")
        if line.isdigit() and action.isdigit():
            return cls(int(line), int(action))
        return cls()

    def __str__(self) -> str:
        return f"{self.line}.{self.action}"


@dataclass(frozen=True)
class Item:
    """One entry of a case's timeline, as the page shows it."""

    kind: str  # in (beneficiary), out (to the beneficiary), note, event, file
    at: dt.datetime
    text: str
    who: str | None = None
    action: str | None = None  # claim, release, close, note, relay_in, relay_out
    file_id: int | None = None  # audit line carrying a relayed file
    incoming: bool = False  # a file from the beneficiary


def _line_item(line: TranscriptLine) -> Item:
    return Item("in" if line.direction == "in" else "out", line.at, redact(line.text or ""))


def _who(deps: ConsoleDeps, key: str) -> str:
    """A staff member's name from the roster (a Telegram id), else their console account."""
    member = deps.roster.get(int(key)) if key.lstrip("-").isdigit() else None
    if member is not None:
        return member.name or f"tg:{key}"
    return key.removeprefix("pw:")


def _action_item(deps: ConsoleDeps, row: StaffAction) -> Item | None:
    who = _who(deps, row.staff_user_id)
    if row.action in ("relay_in", "relay_out"):
        if not row.file_key:
            return None  # its text is already a transcript line
        return Item("file", row.at, row.detail or "", who, row.action, row.id,
                    incoming=row.action == "relay_in")
    kind = "note" if row.action == "note" else "event"
    return Item(kind, row.at, row.detail or "", who, row.action)


async def timeline(deps: ConsoleDeps, case: Escalation, after: Cursor
                   ) -> tuple[list[Item], Cursor]:
    """What happened in the case since `after`, in order, and the new cursor."""
    async with deps.sessions() as session:
        lines = await cases_repo.transcript_after(
            session, identity_id=case.identity_id, after_id=after.line,
            since=case.created_at)
        actions = await cases_repo.actions_after(session, escalation_id=case.id or 0,
                                                 after_id=after.action)
    items = [_line_item(ln) for ln in lines]
    items += [i for i in (_action_item(deps, a) for a in actions) if i is not None]
    items.sort(key=lambda i: i.at)
    cursor = Cursor(max([after.line, *(ln.id or 0 for ln in lines)]),
                    max([after.action, *(a.id or 0 for a in actions)]))
    return items, cursor


async def _session_alive(deps: ConsoleDeps, cookie: str | None) -> bool:
    """The page's session still exists and is not idle (checked without refreshing it)."""
    if not cookie:
        return False
    async with deps.sessions() as session:
        row = await staff_repo.session_by_hash(session, token_hash=token_hash(deps, cookie))
    now = deps.services.clock.now()
    return row is not None and row.last_seen + dt.timedelta(minutes=deps.idle_minutes) > now


async def events(request: web.Request) -> web.StreamResponse:
    """The case's new timeline entries and status changes, as they reach the database."""
    deps = deps_of(request)
    case_id = int(request.match_info["case_id"])
    async with deps.sessions() as session:
        case = await session.get(Escalation, case_id)
    if case is None:
        raise web.HTTPNotFound(text="no such case", headers=SECURITY_HEADERS)
    cursor = Cursor.parse(sse.last_event_id(request.headers, request.query))
    response = web.StreamResponse(headers={**SECURITY_HEADERS, **sse.HEADERS})
    await response.prepare(request)
    stop, cookie = request.config_dict[STOP], request.cookies.get("staff_session")
    status, beat, checked = (case.status, case.claimed_by), time.monotonic(), time.monotonic()
    try:
        await response.write(sse.RETRY)
        while not stop.is_set():
            async with deps.sessions() as session:
                case = await session.get(Escalation, case_id)
            if case is None:
                break
            items, cursor = await timeline(deps, case, cursor)
            if items:
                html = fragment(request, deps, "case_items.html", items=items, case=case)
                await response.write(sse.frame({"html": html}, event_id=str(cursor), name="items"))
                beat = time.monotonic()
            if (case.status, case.claimed_by) != status:
                status = (case.status, case.claimed_by)
                html = fragment(request, deps, "case_status.html", case=case)
                data = {"html": html, "status": case.status}
                await response.write(sse.frame(data, name="status"))
            if time.monotonic() - beat > KEEPALIVE_SECONDS:
                await response.write(sse.HEARTBEAT)
                beat = time.monotonic()
            if time.monotonic() - checked > SESSION_CHECK_SECONDS:
                if not await _session_alive(deps, cookie):
                    await response.write(sse.frame({}, name="signed-out"))
                    break
                checked = time.monotonic()
            await sse.wait(stop, deps.live_poll_seconds)
    except ConnectionResetError:
        pass  # the page was closed
    return response


async def _stop_streams(app: web.Application) -> None:
    app[STOP].set()


def setup(console: web.Application) -> None:
    """The live feed's route, and its end when the server shuts down."""
    console[STOP] = asyncio.Event()
    console.on_shutdown.append(_stop_streams)
    console.router.add_get("/conversations/{case_id:\\d+}/events", events)
