"""GET /chat/api/events: the visitor's conversation as server-sent events.

Plain aiohttp `StreamResponse`: the format is a few lines (`id:`, `data:`, a blank line), and
what matters here (resuming after an id, a heartbeat that also re-reads, waking on a commit)
is ours to write either way; aiohttp-sse would add a dependency for the framing alone.

A fresh page (no `Last-Event-ID`) gets the last `web.history` messages, then a `ready` event;
a reconnecting one gets exactly the messages after the id it names, in log order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from bot.repo import chatlog
from handlers.base import ChannelCore
from handlers.webchat.api import ChatApi, Refused
from handlers.webchat.hub import Hub
from handlers.webchat.render import CHANNEL, event

log = logging.getLogger(__name__)
RETRY_MS = 2000  # how soon a browser reconnects after a drop
BATCH = 200


def last_event_id(request: web.Request) -> int | None:
    """The id the page resumes after (header, or `?after=` for a page that reopens by hand)."""
    raw = request.headers.get("Last-Event-ID") or request.query.get("after")
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 18:
        return None
    return int(raw)


def frame(data: dict[str, Any], *, event_id: int | None = None, name: str | None = None
          ) -> bytes:
    """One server-sent event (JSON on a single `data:` line)."""
    lines = []
    if name:
        lines.append(f"event: {name}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


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
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
            "X-Accel-Buffering": "no", "X-Content-Type-Options": "nosniff"})
        def alive() -> bool:
            return request.transport is not None and not request.transport.is_closing()

        wake = self.hub.subscribe(visitor, alive)  # before the first read: no commit is missed
        try:
            await response.prepare(request)
            await response.write(f"retry: {RETRY_MS}\n\n".encode())
            cursor = await self._first(response, visitor, after)
            while not self.hub.closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.config.heartbeat_seconds)
                if not wake.is_set():
                    await response.write(b": ping\n\n")  # also finds a closed connection
                wake.clear()
                if self.hub.closed:
                    break
                cursor = await self._follow(response, visitor, cursor)
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            pass  # the page went away; it resumes from its last id
        finally:
            self.hub.unsubscribe(visitor, wake)
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
            await response.write(frame(event(entry), event_id=entry.id))
            cursor = entry.id or cursor
        if after is not None and len(entries) == BATCH:
            cursor = await self._follow(response, visitor, cursor)
        await response.write(frame({"empty": cursor == 0}, name="ready"))
        return cursor

    async def _follow(self, response: web.StreamResponse, visitor: str, cursor: int) -> int:
        """Send every message after `cursor`; returns the new cursor."""
        while True:
            async with self.core.sessions() as session:
                entries = await chatlog.after(session, channel=CHANNEL, address=visitor,
                                              after_id=cursor, limit=BATCH)
            for entry in entries:
                await response.write(frame(event(entry), event_id=entry.id))
                cursor = entry.id or cursor
            if len(entries) < BATCH:
                return cursor
