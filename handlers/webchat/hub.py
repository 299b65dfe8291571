"""Wakes a visitor's open pages when their chat log grows, in this worker and in the others.

In this process the sender and the API call `appended`; with several workers on PostgreSQL
each worker LISTENs for the NOTIFY that `bot.repo.chatlog.append` sends at commit, and with
GHIMAR_REDIS_URL set each append is also published on Redis (channel `ghimar:chatlog`), to
which every worker subscribes; so a message delivered by one worker reaches a page connected
to another. With such a relay, pages also re-read on every heartbeat, so a notification lost
while a connection was re-established (or a failed publish) delays, never loses; a single
worker wakes its pages for every append itself, so its heartbeats are a comment only.

An append of this worker also hands the page the entry itself with the address's previous id
(`Appended`): a page whose last id is that previous id writes it without reading the log; any
other page, and every page woken by another worker, reads the log after its last id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as redis_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.repo import chatlog
from handlers.webchat.render import CHANNEL, Appended

log = logging.getLogger(__name__)
RELISTEN_SECONDS = 2.0
REDIS_CHANNEL = "ghimar:chatlog"


MAX_PUSHED = 32  # entries kept for a page that has not written them yet; then it reads the log


@dataclass(eq=False)
class Page:
    """One open page: woken when its visitor's log may have grown, with the entries handed to
    it since it last looked, or `must_read` when only the log can tell what is new."""

    alive: Callable[[], bool]
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    pushed: list[Appended] = field(default_factory=list)
    must_read: bool = False

    def tell(self, appended: Appended | None) -> None:
        """The log grew (by `appended`, when known)."""
        if appended is None or len(self.pushed) >= MAX_PUSHED:
            self.must_read, self.pushed = True, []
        elif not self.must_read:
            self.pushed.append(appended)
        self.wake.set()

    def take(self) -> tuple[list[Appended], bool]:
        """What was handed over since the last look, and whether the log must be read."""
        taken = (self.pushed, self.must_read)
        self.pushed, self.must_read = [], False
        self.wake.clear()
        return taken


class Hub:
    """The open pages of each visitor."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._redis: Any = None  # the publishing client, made on first use
        self._publishing: set[asyncio.Task[None]] = set()
        self._streams: dict[str, set[Page]] = {}
        self.closed = False  # the server is stopping: streams end (pages reconnect elsewhere)
        self.relaying = redis_url is not None  # other workers' appends arrive here (or PG NOTIFY)

    @property
    def reread_on_heartbeat(self) -> bool:
        """Whether a page re-reads its log on a heartbeat: only when appends of other workers
        come by notifications, which can be lost; this worker's own are never missed."""
        return self.relaying

    def subscribe(self, address: str, alive: Callable[[], bool]) -> Page:
        """A new open page of the visitor (`alive` tells whether its connection is still up);
        its `wake` is set when their log may have grown."""
        page = Page(alive)
        self._streams.setdefault(address, set()).add(page)
        return page

    def unsubscribe(self, address: str, page: Page) -> None:
        """The page went away."""
        streams = self._streams.get(address)
        if streams is not None:
            streams.discard(page)
            if not streams:
                del self._streams[address]

    def open_streams(self, address: str) -> int:
        """How many pages of the visitor are connected to this worker (a page closed a moment
        ago, whose stream has not noticed yet, is not counted)."""
        return sum(1 for page in self._streams.get(address, ()) if page.alive())

    def notify(self, address: str, appended: Appended | None = None) -> None:
        """The visitor's log grew (by `appended`, when known): wake their pages."""
        for page in self._streams.get(address, ()):
            page.tell(appended)

    def appended(self, address: str, appended: Appended | None = None) -> None:
        """This worker committed `appended` to the visitor's log: wake their pages here and
        elsewhere."""
        self.notify(address, appended)
        if self.redis_url is not None:
            task = asyncio.create_task(self._publish(f"{CHANNEL}:{address}"))
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

    async def _publish(self, payload: str) -> None:
        try:
            if self._redis is None:
                self._redis = redis_asyncio.Redis.from_url(str(self.redis_url))
            await self._redis.publish(REDIS_CHANNEL, payload)
        except Exception as exc:  # the others find it on their heartbeat
            log.warning("chat log publish on Redis failed: %s", type(exc).__name__)

    def notify_all(self) -> None:
        """Wake every page (after a gap in the notifications)."""
        for streams in self._streams.values():
            for page in streams:
                page.tell(None)

    def close(self) -> None:
        """End every stream."""
        self.closed = True
        self.notify_all()

    def _on_notification(self, payload: str) -> None:
        channel, _, address = payload.partition(":")
        if channel == CHANNEL:
            self.notify(address)

    async def listen_redis(self, stop: asyncio.Event) -> None:
        """Redis: relay other workers' appends until `stop`; subscribe again after a drop."""
        while not stop.is_set():
            client = redis_asyncio.Redis.from_url(str(self.redis_url))
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(REDIS_CHANNEL)
                    self.notify_all()  # anything appended while we were not subscribed
                    while not stop.is_set():
                        message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                           timeout=1.0)
                        if message is not None:
                            self._on_notification(bytes(message["data"]).decode())
            except Exception:
                log.warning("chat log Redis subscription lost; subscribing again",
                            exc_info=True)
            finally:
                await client.aclose()
            if not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=RELISTEN_SECONDS)

    async def aclose(self) -> None:
        """Close the publishing client."""
        if self._publishing:
            await asyncio.wait(self._publishing, timeout=2)
        if self._redis is not None:
            await self._redis.aclose()

    async def listen(self, engine: AsyncEngine, stop: asyncio.Event) -> None:
        """PostgreSQL: relay other workers' appends until `stop`; re-listen after a drop."""
        self.relaying = True
        while not stop.is_set():
            try:
                async with chatlog.listen(engine, self._on_notification) as alive:
                    self.notify_all()  # anything appended while we were not listening
                    while not stop.is_set() and alive():
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), timeout=RELISTEN_SECONDS)
            except Exception:
                log.warning("chat log LISTEN connection lost; listening again", exc_info=True)
            if not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=RELISTEN_SECONDS)
