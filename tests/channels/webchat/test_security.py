"""The website chat's guards: origins, limits, malformed and hostile bodies (never a 5xx)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import aiohttp
import pytest

from app.runtime import Runtime
from app.wiring import App
from bot.config import WebChatConfig
from handlers.webchat.guard import Guard
from tests.channels.webchat.conftest import Visitor
from tests.support.fuzz import bodies, examples, webchat_templates

EVIL = "https://evil.example"


async def test_a_foreign_origin_is_refused_everywhere(visitor: Visitor, base: str) -> None:
    status, answer = await visitor.post({"id": "a1", "text": "مرحبا"},
                                        headers={"Origin": EVIL})
    assert status == 403 and "لا يُسمح" in answer["error"]
    async with visitor.http.get(f"{base}/chat/api/events", headers={"Origin": EVIL}) as resp:
        assert resp.status == 403
    async with visitor.http.post(f"{base}/chat/api/messages",  # a POST must name its origin
                                 data=b'{"id": "a2", "text": "x"}') as resp:
        assert resp.status == 403


async def test_an_allowed_origin_may_post(app: App, visitor: Visitor) -> None:
    assert (await visitor.post({"id": "b1", "text": "مرحبا"},
                               headers={"Origin": "https://ghimar.example"}))[0] == 403
    runtime_web = app.config.web.model_copy(update={"allowed_origins": ["https://ghimar.example"]})
    app.config = app.config.model_copy(update={"web": runtime_web})
    rt = Runtime(app, ["web"])
    await rt.start()
    try:
        other = Visitor(f"http://127.0.0.1:{rt.port}", visitor.http, origin="https://ghimar.example")
        assert (await other.post({"id": "b2", "text": "مرحبا"}))[0] == 202
        async with visitor.http.get(f"{other.base}/chat/") as page:
            assert "https://ghimar.example" in page.headers["Content-Security-Policy"]
    finally:
        await rt.stop()


async def test_without_the_cookie_the_visitor_is_asked_to_reload(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/chat/api/messages", json={"id": "c1", "text": "x"},
                             headers={"Origin": base}) as resp:
            assert resp.status == 401 and "أعد تحميل" in (await resp.json())["error"]
        async with http.get(f"{base}/chat/api/events") as resp:
            assert resp.status == 401


MALFORMED: list[Any] = [
    b"not json", b"\xff\xfe", b"[" * 5000 + b"]" * 5000, b"[]", b"null", b"123",
    {"text": "no id"}, {"id": "../../x", "text": "x"}, {"id": "x" * 65, "text": "x"},
    {"id": "d1"}, {"id": "d2", "text": "x", "payload": "menu"}, {"id": "d3", "text": 5},
    {"id": "d4", "payload": ""}, {"id": "d5", "payload": "p" * 65}, {"id": "d6", "payload": []},
    {"id": "d7", "text": "   "}, {"id": "d8", "text": "x" * 2001}, {"id": 7, "text": "x"},
]


async def test_malformed_bodies_get_a_polite_400(consented: Visitor) -> None:
    for body in MALFORMED:
        status, answer = await consented.post(body)
        assert status == 400, (body, status)
        assert answer["error"] and not answer["error"].startswith("webchat-"), body
    status, answer = await consented.post({"id": "e1", "text": "x" * 2001, "lang": "en"})
    assert "رسالتك طويلة" in answer["error"]  # the conversation's language, not the body's
    status, _ = await consented.post(b'{"id": "e2", "text": "' + b"x" * 20_000 + b'"}')
    assert status == 413


async def test_bad_uploads_are_refused_without_a_5xx(app: App, consented: Visitor) -> None:
    base, headers = consented.base, consented.headers
    big = b"%PDF-1.4" + b"0" * app.config.limits.max_upload_bytes
    status, answer = await consented.upload(big, "application/pdf", "big.pdf")
    assert status == 413 and "الملف كبير" in answer["error"]
    for data, ctype in ((b"garbage", "multipart/form-data; boundary=zz"),
                        (b"garbage", "multipart/form-data"), (b"{}", "application/json"),
                        (b"--zz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n"
                         b"--zz--\r\n", "multipart/form-data; boundary=zz")):
        async with consented.http.post(f"{base}/chat/api/files", data=data,
                                       headers={**headers, "Content-Type": ctype}) as resp:
            assert resp.status == 400, (data, ctype, resp.status)
    async with consented.http.get(f"{base}/chat/api/files/1") as resp:
        assert resp.status == 404  # not a file sent to this visitor
    async with consented.http.get(f"{base}/chat/api/files/../../etc") as resp:
        assert resp.status == 404


async def test_a_visitor_over_the_limit_gets_429(app: App, runtime: Runtime,
                                                 consented: Visitor) -> None:
    web = runtime.channels[0]
    web.api.guard = Guard(WebChatConfig(visitor_per_minute=3))  # type: ignore[attr-defined]
    statuses = [(await consented.say("مرحبا"))[0] for _ in range(5)]
    assert statuses[:3] == [202, 202, 202] and statuses[3:] == [429, 429]
    status, answer = await consented.say("مرحبا")
    assert status == 429
    assert "انتظر دقيقة" in answer["error"]


async def test_too_many_tabs_are_refused(runtime: Runtime, consented: Visitor) -> None:
    web = runtime.channels[0]
    web.stream.config = WebChatConfig(streams_per_visitor=2)  # type: ignore[attr-defined]
    await consented.open()
    await consented.open()
    async with consented.http.get(f"{consented.base}/chat/api/events") as resp:
        assert resp.status == 429


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_fuzzed_bodies_get_no_5xx(runtime: Runtime, consented: Visitor) -> None:
    web = runtime.channels[0]  # the limits are tested above: here every body is judged
    web.api.guard = Guard(WebChatConfig(visitor_per_minute=10_000,  # type: ignore[attr-defined]
                                        ip_per_minute=10_000))
    statuses: Counter[int] = Counter()
    failures = []
    for index, raw in enumerate(examples(bodies(webchat_templates()), 300)):
        try:  # a fresh id for bodies that kept one, so they are not all duplicates
            body = json.loads(raw)
            if isinstance(body, dict) and body.get("id") in ("f1", "f2", "f3"):
                raw = json.dumps({**body, "id": f"fz{index}"}).encode()
        except (ValueError, RecursionError):
            pass
        status, _ = await consented.post(raw)
        statuses[status] += 1
        if status >= 500:
            failures.append(raw[:300])
    assert failures == [], failures[:5]
    assert statuses[202] and statuses[400], statuses


async def test_the_widget_learns_whether_its_site_may_frame_the_chat(visitor: Visitor,
                                                                     base: str) -> None:
    for origin, allowed in (("https://evil.example", False), (base, True), (None, True)):
        headers = {"Origin": origin} if origin else {}
        async with visitor.http.get(f"{base}/chat/widget/check", headers=headers) as resp:
            assert resp.status == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
            assert await resp.json() == {"allowed": allowed}, origin
