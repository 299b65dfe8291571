"""The website chat over HTTP: send, receive, resume with Last-Event-ID, tabs, absence, restart."""

from __future__ import annotations

import asyncio

import aiohttp

from app.runtime import Runtime
from app.wiring import App
from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox as outbox_repo
from tests.channels.webchat.conftest import Visitor, choice


async def test_the_page_is_arabic_with_a_cookie_and_a_policy(visitor: Visitor,
                                                             base: str) -> None:
    async with visitor.http.get(f"{base}/chat/") as page:
        html = await page.text()
        policy = page.headers["Content-Security-Policy"]
        cookie = page.headers["Set-Cookie"]
    assert '<html lang="ar" dir="rtl">' in html and 'dir="auto"' in html
    assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/chat/" in cookie
    english = await visitor.visit("en")
    assert '<html lang="en" dir="ltr">' in english and "Your message" in english
    async with visitor.http.get(f"{base}/chat/widget.js") as script:
        assert script.status == 200 and "attachShadow" in await script.text()


async def test_a_message_is_echoed_and_answered_with_increasing_ids(
        consented: Visitor) -> None:
    stream = await consented.open()
    history = await stream.drain()
    assert [e["dir"] for e in history][:1] == ["out"]  # the greeting, shown again on return
    status, answer = await consented.say("القائمة")
    assert (status, answer["ok"]) == (202, True)
    events = await stream.drain()
    assert events[0]["dir"] == "in" and events[0]["text"] == "القائمة"
    assert any(e["dir"] == "out" and e.get("choices") for e in events)
    ids = [e["id"] for e in history + events]
    assert ids == sorted(set(ids))  # strictly increasing: no duplicate, in order
    assert all("outbox" in e for e in events if e["dir"] == "out")


async def test_a_reconnection_gets_exactly_what_was_missed(consented: Visitor) -> None:
    stream = await consented.open()
    seen = await stream.drain()
    last = stream.last_id
    assert last is not None
    stream.close()  # the connection drops
    for text in ("القائمة", "مساعدة"):
        assert (await consented.say(text))[0] == 202
    resumed = await consented.open(last_id=last)
    missed = await resumed.drain()
    everything = await (await consented.open()).drain()  # a fresh page: the whole history
    assert missed and missed[0]["id"] > last
    assert [e["id"] for e in seen + missed] == [e["id"] for e in everything]
    assert [e["text"] for e in missed if e["dir"] == "in"] == ["القائمة", "مساعدة"]


async def test_two_tabs_of_one_visitor_both_get_every_message(consented: Visitor) -> None:
    first, second = await consented.open(), await consented.open()
    await first.drain()
    await second.drain()
    assert (await consented.say("القائمة"))[0] == 202
    one, two = await first.drain(), await second.drain()
    assert one and [e["id"] for e in one] == [e["id"] for e in two]


async def test_an_absent_visitor_reads_the_replies_on_return_even_after_a_restart(
        app: App, runtime: Runtime, consented: Visitor) -> None:
    assert (await consented.say("القائمة"))[0] == 202  # no page open: nobody listening
    await runtime.stop()
    again = Runtime(app, ["web"])
    app.settings = app.settings.model_copy(update={"http_port": 0})
    await again.start()
    try:
        consented.base = f"http://127.0.0.1:{again.port}"
        consented.http.cookie_jar.update_cookies(
            {c.key: c.value for c in consented.http.cookie_jar})  # any port, same visitor
        history = await (await consented.open()).drain()
        texts = [e["text"] for e in history]
        assert "القائمة" in texts
        menu = history[texts.index("القائمة") + 1]
        assert menu["dir"] == "out" and choice(menu, "طلب دعم")
    finally:
        await again.stop()


async def test_a_file_the_visitor_sends_is_shown_by_name(consented: Visitor) -> None:
    stream = await consented.open()
    await stream.drain()
    boundary = "----chat"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\nf1\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="../هوية.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode() + b"%PDF-1.4 test\n" + f"\r\n--{boundary}--\r\n".encode()
    async with consented.http.post(
            f"{consented.base}/chat/api/files", data=body, headers={
                **consented.headers,
                "Content-Type": f"multipart/form-data; boundary={boundary}"}) as resp:
        assert resp.status == 202  # as a browser sends it: the name raw, in UTF-8
    events = await stream.drain()
    assert events[0]["dir"] == "in" and events[0]["file"] == {"name": "هوية.pdf"}


async def test_a_stream_resumes_while_messages_keep_coming(consented: Visitor) -> None:
    """Drops in the middle of a burst: the ids seen across reconnections have no gap."""
    stream = await consented.open()
    await stream.drain()
    collected = []
    for text in ("القائمة", "مساعدة", "القائمة"):
        task = asyncio.create_task(consented.say(text))
        collected.append(await stream.next())
        stream.close()
        await task
        stream = await consented.open(last_id=collected[-1]["id"])
        collected += await stream.drain()
    everything = await (await consented.open()).drain()
    start = [e["id"] for e in everything].index(collected[0]["id"])
    assert [e["id"] for e in collected] == [e["id"] for e in everything][start:]


async def test_a_document_the_bot_sends_is_downloaded_by_its_visitor_only(
        app: App, consented: Visitor, base: str) -> None:
    stream = await consented.open()
    await stream.drain()
    key, _ = app.services.documents.put(b"%PDF-1.4 your copy\n")
    cookie = next(c.value for c in consented.http.cookie_jar if c.key == "ghimar_chat")
    async with transaction(app.sessions) as session:
        await outbox_repo.enqueue(session, channel="web", address=cookie, dedupe_key="doc1",
                                  message=Outbound("نسختك", file_key=key, file_name="نسخة.pdf"),
                                  now=app.services.clock.now())
    app.dispatcher.wake()
    event = (await stream.until("نسختك"))[-1]
    assert event["file"]["name"] == "نسخة.pdf" and "file_key" not in event
    async with consented.http.get(base + event["file"]["url"]) as resp:
        assert resp.status == 200 and await resp.read() == b"%PDF-1.4 your copy\n"
        assert resp.headers["Content-Disposition"].startswith("attachment;")
    stranger = Visitor(base, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
    try:
        await stranger.visit()
        async with stranger.http.get(base + event["file"]["url"]) as resp:
            assert resp.status == 404  # another visitor's document does not exist for them
    finally:
        await stranger.close()
