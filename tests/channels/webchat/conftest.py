"""The website chat on the real runtime: a browser-like client with a cookie and an SSE reader."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from app.runtime import Runtime
from app.wiring import App
from tests.support.serving import running


@pytest.fixture
async def runtime(app: App) -> AsyncIterator[Runtime]:
    """`python -m bot run` with GHIMAR_CHANNELS=web, on a free port."""
    async with running(app, ["web"]) as rt:
        yield rt


@pytest.fixture
def base(runtime: Runtime) -> str:
    """The chat's origin."""
    return f"http://127.0.0.1:{runtime.port}"


@dataclass
class Stream:
    """One open page's event stream."""

    response: aiohttp.ClientResponse
    last_id: int | None = None
    ready: dict[str, Any] | None = None

    async def next(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next message event (a `ready` event is kept aside); TimeoutError if none."""
        async with asyncio.timeout(timeout):
            name, event_id, data = None, None, []
            while True:
                line = (await self.response.content.readline()).decode()
                if not line:
                    raise ConnectionError("stream closed")
                line = line.rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("id: "):
                    event_id = int(line[4:])
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and data:
                    payload = json.loads("\n".join(data))
                    if name == "ready":
                        self.ready = payload
                    else:
                        assert event_id == payload["id"]
                        self.last_id = event_id
                        return payload
                    name, event_id, data = None, None, []

    async def until(self, text: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Every event up to the first bot message showing `text` (or a choice with it)."""
        seen = []
        async with asyncio.timeout(timeout):
            while True:
                event = await self.next(timeout)
                seen.append(event)
                labels = [c["label"] for c in event.get("choices", [])]
                if event["dir"] == "out" and any(text in x for x in [event["text"], *labels]):
                    return seen

    async def drain(self, quiet: float = 0.8, first: float = 5.0) -> list[dict[str, Any]]:
        """Every event until the stream is quiet for `quiet` seconds, waiting up to `first`
        seconds for the first one (a loaded machine's first reply can take longer than the
        quiet period: the CI run once drained nothing in the middle of a welcome)."""
        seen = []
        while True:
            try:
                seen.append(await self.next(quiet if seen else first))
            except TimeoutError:
                return seen

    def close(self) -> None:
        self.response.close()


@dataclass
class Visitor:
    """A browser: the chat's cookie, its origin header, pages it opens."""

    base: str
    http: aiohttp.ClientSession
    origin: str = ""
    streams: list[Stream] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Origin": self.origin or self.base}

    async def visit(self, lang: str = "ar") -> str:
        """Open /chat/ (which sets the cookie); the page's HTML."""
        async with self.http.get(f"{self.base}/chat/?lang={lang}") as page:
            assert page.status == 200
            return await page.text()

    async def open(self, last_id: int | None = None) -> Stream:
        """Open the event stream (resuming after `last_id` as a reconnecting browser does)."""
        headers = {"Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        response = await self.http.get(f"{self.base}/chat/api/events", headers=headers,
                                       timeout=aiohttp.ClientTimeout(total=None))
        assert response.status == 200, await response.text()
        stream = Stream(response)
        self.streams.append(stream)
        return stream

    async def post(self, body: dict[str, Any] | bytes, *, headers: dict[str, str] | None = None
                   ) -> tuple[int, dict[str, Any]]:
        """POST a message; the status and the JSON answer."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **self.headers, **(headers or {})}
        async with self.http.post(f"{self.base}/chat/api/messages", data=raw,
                                  headers=sent) as resp:
            return resp.status, await resp.json(content_type=None)

    async def say(self, text: str) -> tuple[int, dict[str, Any]]:
        return await self.post({"id": uuid.uuid4().hex, "text": text, "lang": "ar"})

    async def press(self, payload: str, label: str = "") -> tuple[int, dict[str, Any]]:
        return await self.post({"id": uuid.uuid4().hex, "payload": payload, "label": label})

    async def upload(self, content: bytes, mime: str, name: str) -> tuple[int, dict[str, Any]]:
        form = aiohttp.FormData()
        form.add_field("id", uuid.uuid4().hex)
        form.add_field("lang", "ar")
        form.add_field("file", content, content_type=mime, filename=name)
        async with self.http.post(f"{self.base}/chat/api/files", data=form,
                                  headers=self.headers) as resp:
            return resp.status, await resp.json(content_type=None)

    async def close(self) -> None:
        for stream in self.streams:
            stream.close()
        await self.http.close()


def choice(event: dict[str, Any], label: str) -> str:
    """The id of the event's choice whose label contains `label`."""
    for option in event.get("choices", []):
        if label in option["label"]:
            return str(option["id"])
    raise AssertionError(f"no choice {label!r} in {event.get('choices')}")


@pytest.fixture
async def visitor(base: str) -> AsyncIterator[Visitor]:
    """A visitor who has opened /chat/."""
    v = Visitor(base, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
    await v.visit()
    yield v
    await v.close()


@pytest.fixture
async def consented(visitor: Visitor) -> Visitor:
    """A visitor greeted on their first visit who pressed «I agree»."""
    stream = await visitor.open()
    async with asyncio.timeout(5):
        while stream.ready is None:  # the first page: empty history, then `ready`
            try:
                await stream.next(0.5)
            except TimeoutError:
                continue
    assert stream.ready == {"empty": True}
    assert (await visitor.press("nav:resume"))[0] == 202
    welcome = (await stream.drain())[-1]
    assert (await visitor.press(choice(welcome, "أوافق"), "أوافق"))[0] == 202
    await stream.drain()
    stream.close()
    visitor.streams.remove(stream)
    return visitor
