"""GET /chat/api/events: the visitor's conversation as server-sent events.

Plain aiohttp `StreamResponse` with the framing of `bot.sse`; what matters here (resuming after
an id, a heartbeat, waking on a commit, handing a page the entry it has not read) is ours.

A fresh page (no `Last-Event-ID`) gets the last `web.history` messages, then a `ready` event;
a reconnecting one gets exactly the messages after the id it names, in log order.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot import sse
from bot.repo import chatlog
from handlers.base import ChannelCore
from handlers.webchat.api import ChatApi, Refused
from handlers.webchat.hub import Hub
from handlers.webchat.render import CHANNEL, Appended, event

log = logging.getLogger(__name__)
BATCH = 200


def last_event_id(request: web.Request) -> int | None:
    """The id the page resumes after (header, or `?after=` for a page that reopens by hand)."""
    raw = sse.last_event_id(request.headers, request.query)
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 18:
        return None
    return int(raw)


class EventStream:
    """Streams a visitor's log to one open page."""

    def __init__(self, core: ChannelCore, api: ChatApi, hub: Hub) -> None:
        self.core, self.api, self.hub = core, api, hub
        self.config = core.config.web

    def register(self, web_app: web.Application) -> None:
        """Add the stream's route."""
        web_app.router.add_get("/chat/api/events", self.events)

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Resume after Last-Event-ID (or send the recent history), then follow the log."""
        try:
            visitor = self.api.admitted(request, post=False)
            if self.hub.open_streams(visitor) >= self.config.streams_per_visitor:
                raise Refused(429, "webchat-err-too-many")
        except Refused as refused:
            return await self.api.refusal(request, refused)
        after = last_event_id(request)
        response = web.StreamResponse(headers=sse.HEADERS)
        def alive() -> bool:
            return request.transport is not None and not request.transport.is_closing()

        page = self.hub.subscribe(visitor, alive)  # before the first read: no commit is missed
        try:
            await response.prepare(request)
            await response.write(sse.RETRY)
            cursor = await self._first(response, visitor, after)
            while not self.hub.closed:
                woken = await sse.wait(page.wake, self.config.heartbeat_seconds)
                if not woken:
                    await response.write(sse.HEARTBEAT)  # also finds a closed connection
                pushed, must_read = page.take()
                if self.hub.closed:
                    break
                if pushed and not must_read:
                    cursor = await self._handed(response, visitor, cursor, pushed)
                elif woken or self.hub.reread_on_heartbeat:
                    cursor = await self._follow(response, visitor, cursor)
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            pass  # the page went away; it resumes from its last id
        finally:
            self.hub.unsubscribe(visitor, page)
        return response

    async def _first(self, response: web.StreamResponse, visitor: str, after: int | None
                     ) -> int:
        """The history or the missed messages, then `ready`; returns the last id sent."""
        async with self.core.sessions() as session:
            if after is None:
                entries = await chatlog.latest(session, channel=CHANNEL, address=visitor,
                                               limit=self.config.history)
            else:
                entries = await chatlog.after(session, channel=CHANNEL, address=visitor,
                                              after_id=after, limit=BATCH)
        cursor = after or 0
        for entry in entries:
            await response.write(sse.frame(event(entry), event_id=entry.id))
            cursor = entry.id or cursor
        if after is not None and len(entries) == BATCH:
            cursor = await self._follow(response, visitor, cursor)
        await response.write(sse.frame({"empty": cursor == 0}, name="ready"))
        return cursor

    async def _handed(self, response: web.StreamResponse, visitor: str, cursor: int,
                      pushed: list[Appended]) -> int:
        """Write the entries this worker handed over, in id order, without reading the log
        while each one follows the last id sent; at the first that does not, read the log."""
        for item in sorted(pushed, key=lambda appended: appended.entry_id):
            if item.entry_id <= cursor:
                continue  # already sent (read from the log)
            if item.previous != cursor:
                return await self._follow(response, visitor, cursor)
            await response.write(sse.frame(item.data, event_id=item.entry_id))
            cursor = item.entry_id
        return cursor

    async def _follow(self, response: web.StreamResponse, visitor: str, cursor: int) -> int:
        """Send every message after `cursor`; returns the new cursor."""
        while True:
            async with self.core.sessions() as session:
                entries = await chatlog.after(session, channel=CHANNEL, address=visitor,
                                              after_id=cursor, limit=BATCH)
            for entry in entries:
                await response.write(sse.frame(event(entry), event_id=entry.id))
                cursor = entry.id or cursor
            if len(entries) < BATCH:
                return cursor
