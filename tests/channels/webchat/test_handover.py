"""This worker's appends reach its open pages without a read of the log, and only when they
follow the page's last id; anything else is read from the log, in order, with no gap."""

from __future__ import annotations

from typing import Any

import pytest

from app.wiring import App
from bot.db import transaction
from bot.repo import chatlog
from handlers.webchat import stream as stream_module
from handlers.webchat.hub import MAX_PUSHED, Page
from handlers.webchat.render import Appended
from tests.channels.webchat.conftest import Visitor


def _address(visitor: Visitor) -> str:
    return next(c.value for c in visitor.http.cookie_jar if c.key == "ghimar_chat")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids after which the event stream read the log, in order."""
    seen: list[int] = []
    real = chatlog.after

    async def counted(session: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["after_id"])
        return await real(session, **kwargs)

    monkeypatch.setattr(stream_module.chatlog, "after", counted)
    return seen


async def test_an_append_returns_the_address_previous_id(app: App) -> None:
    now = app.services.clock.now()
    async with transaction(app.sessions) as session:
        first = await chatlog.append(session, channel="web", address="a", direction="in",
                                     dedupe_key="in:1", payload={"text": "1"}, now=now)
        other = await chatlog.append(session, channel="web", address="b", direction="in",
                                     dedupe_key="in:2", payload={"text": "2"}, now=now)
        second = await chatlog.append(session, channel="web", address="a", direction="out",
                                      dedupe_key="out:3", payload={"text": "3"}, now=now)
        again = await chatlog.append(session, channel="web", address="a", direction="out",
                                     dedupe_key="out:3", payload={"text": "3"}, now=now)
    assert first is not None and other is not None and second is not None
    assert first[0] == 0 and other[0] == 0  # each address's first entry
    assert second == (first[1], second[1]) and second[1] > other[1] > first[1]
    assert again is None  # known key: nothing appended


async def test_a_reply_reaches_the_page_without_reading_the_log(
        app: App, consented: Visitor, reads: list[int]) -> None:
    """One worker on SQLite; on PostgreSQL the worker's own NOTIFY comes back to it, which
    (not telling which entry) still makes the page read."""
    stream = await consented.open()
    await stream.drain()
    before = list(reads)
    assert (await consented.say("القائمة"))[0] == 202
    events = await stream.drain()
    assert events[0]["dir"] == "in" and any(e.get("choices") for e in events[1:])
    if app.sessions.kw["bind"].dialect.name == "sqlite":
        assert reads == before  # the echo and the reply were handed over, not read
    everything = await (await consented.open()).drain()
    assert [e["id"] for e in everything][-len(events):] == [e["id"] for e in events]
    assert events == everything[-len(events):]  # handed over exactly as the log shows them


async def test_an_entry_the_page_was_not_handed_is_read_before_the_next(
        app: App, consented: Visitor, reads: list[int]) -> None:
    stream = await consented.open()
    await stream.drain()
    last = stream.last_id
    async with transaction(app.sessions) as session:  # as another worker would, unannounced
        ids = await chatlog.append(session, channel="web", address=_address(consented),
                                   direction="out", dedupe_key="out:elsewhere",
                                   payload={"text": "من عامل آخر"},
                                   now=app.services.clock.now())
    assert ids is not None and ids[0] == last
    assert (await consented.say("القائمة"))[0] == 202
    events = await stream.drain()
    assert [e["text"] for e in events[:2]] == ["من عامل آخر", "القائمة"]
    assert last in reads  # the echo did not follow the page's last id: the log was read
    everything = await (await consented.open()).drain()
    assert [e["id"] for e in everything][-len(events):] == [e["id"] for e in events]


def test_a_page_handed_too_much_or_an_unknown_append_reads_the_log() -> None:
    page = Page(lambda: True)
    page.tell(Appended(0, 1, {"id": 1}))
    assert page.wake.is_set() and page.take() == ([Appended(0, 1, {"id": 1})], False)
    assert not page.wake.is_set()
    page.tell(Appended(1, 2, {"id": 2}))
    page.tell(None)  # another worker's append: only the log knows it
    page.tell(Appended(2, 3, {"id": 3}))
    assert page.take() == ([], True)
    for n in range(MAX_PUSHED + 1):
        page.tell(Appended(n, n + 1, {"id": n + 1}))
    assert page.take() == ([], True)


async def test_a_delivery_to_the_website_takes_no_rate_limit_slot(app: App) -> None:
    """The web has no platform limit: a busy worker does not wait for (or, with several
    workers, reserve in the database) a slot per message; the row is still delivered once."""
    from bot.messages import Inbound
    from handlers.webchat.sender import WebChatSender

    app.add_sender(WebChatSender(app.sessions, app.services.clock, lambda *_: None))
    asked: list[str] = []

    def no_limiter(channel: str) -> Any:
        asked.append(channel)
        raise AssertionError("the website asked for a rate limiter")

    app.dispatcher.limiter = no_limiter  # type: ignore[method-assign]
    await app.engine.handle(Inbound("web", "v-unlimited", "v-unlimited:1", text="مرحبا"))
    assert await app.dispatcher.drain_once() >= 1
    assert await app.dispatcher.drain_once() == 0  # delivered once, nothing left
    async with app.sessions() as session:
        logged = await chatlog.after(session, channel="web", address="v-unlimited", after_id=0)
    assert logged and all(e.direction == "out" for e in logged) and asked == []
