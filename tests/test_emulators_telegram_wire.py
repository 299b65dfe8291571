"""Wire-level behaviour of the Telegram emulator: bodies, errors, webhook, limits, fixtures."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot as AioBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramConflictError
from aiohttp import web

from tests.emulators import FakeClock, RateLimits, TelegramEmulator, load_telegram_fixtures
from tests.emulators.common import fixtures_dir


@pytest.fixture
async def http(tg: TelegramEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """Plain HTTP client with base_url = the bot's API root."""
    async with httpx.AsyncClient(base_url=f"{tg.base_url}/bot{tg.token}/") as client:
        yield client


async def test_auth_and_unknown_method(tg: TelegramEmulator, http: httpx.AsyncClient) -> None:
    async with httpx.AsyncClient() as raw:
        resp = await raw.post(f"{tg.base_url}/bot1:wrong/getMe")
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    resp = await http.post("sendCarrierPigeon")
    assert resp.status_code == 404
    assert resp.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert (await http.get("GETME")).json()["result"]["is_bot"] is True
    assert (await http.post("getme")).json()["ok"] is True


async def test_body_encodings(tg: TelegramEmulator, http: httpx.AsyncClient) -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "x"}]]}
    r1 = await http.post(
        "sendMessage", json={"chat_id": 5, "text": "json", "reply_markup": markup}
    )
    r2 = await http.post(
        "sendMessage",
        data={"chat_id": "5", "text": "[form] {text}", "reply_markup": json.dumps(markup)},
    )
    r3 = await http.post(
        "sendDocument",
        data={"chat_id": "5", "caption": "multi", "reply_markup": json.dumps(markup)},
        files={"document": ("a.csv", b"x,y\n1,2\n", "text/csv")},
    )
    r4 = await http.get("sendMessage", params={"chat_id": "5", "text": "query"})
    assert [r.status_code for r in (r1, r2, r3, r4)] == [200] * 4
    for call in tg.calls:
        assert call.params["chat_id"] == 5
    assert tg.calls[1].params["text"] == "[form] {text}"
    assert tg.calls[1].params["reply_markup"] == markup == tg.calls[2].params["reply_markup"]
    assert tg.calls[2].files["document"].content == b"x,y\n1,2\n"
    assert r3.json()["result"]["document"]["mime_type"] == "text/csv"
    ids = [r.json()["result"]["message_id"] for r in (r1, r2, r3, r4)]
    assert ids == [1, 2, 3, 4]
    assert tg.sent_texts(5) == ["json", "[form] {text}", "multi", "query"]


async def test_formatting_and_validation(http: httpx.AsyncClient) -> None:
    ok = await http.post(
        "sendMessage",
        json={
            "chat_id": 5,
            "text": "Hi <b>Ali</b> &amp; <a href='https://x.org'>link</a>",
            "parse_mode": "HTML",
        },
    )
    result = ok.json()["result"]
    assert result["text"] == "Hi Ali & link"
    assert [e["type"] for e in result["entities"]] == ["bold", "text_link"]
    bad_cases = [
        {"text": "a < b", "parse_mode": "HTML"},
        {"text": "<blink>x</blink>", "parse_mode": "HTML"},
        {"text": "<b>open", "parse_mode": "HTML"},
        {"text": "Total: 5.00", "parse_mode": "MarkdownV2"},
        {"text": "*bold", "parse_mode": "MarkdownV2"},
        {"text": ""},
        {"text": "x" * 4097},
        {
            "text": "x",
            "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "d" * 65}]]},
        },
    ]
    for case in bad_cases:
        resp = await http.post("sendMessage", json={"chat_id": 5, **case})
        assert resp.status_code == 400, case
        assert resp.json()["description"].startswith("Bad Request: "), case
    escaped = await http.post(
        "sendMessage",
        json={"chat_id": 5, "text": "Total: 5\\.00 *ok*", "parse_mode": "MarkdownV2"},
    )
    assert escaped.json()["result"]["text"] == "Total: 5.00 ok"


async def test_fault_matches_fixture_shape(tg: TelegramEmulator, http: httpx.AsyncClient) -> None:
    fixture = json.loads(
        (fixtures_dir() / "telegram/tdlib_issue184_429_response.json").read_text()
    )
    tg.fail_next("sendMessage", 429, retry_after=2282, count=2)
    for _ in range(2):
        resp = await http.post("sendMessage", json={"chat_id": 1, "text": "x"})
        assert resp.status_code == 429 and resp.json() == fixture
    assert (await http.post("sendMessage", json={"chat_id": 1, "text": "x"})).status_code == 200
    tg.fail_next("*", 500)
    assert (await http.post("getMe")).status_code == 500
    assert [c.error_code for c in tg.calls] == [429, 429, None, 500]


async def test_webhook_mode(tg: TelegramEmulator, http: httpx.AsyncClient) -> None:
    seen: list[tuple[dict[str, Any], str | None]] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/tg", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
    try:
        set_resp = await http.post("setWebhook", data={"url": url, "secret_token": "s3cr3t_X"})
        assert set_resp.json() == {"ok": True, "result": True}
        assert (await http.post("getUpdates")).status_code == 409
        user = tg.make_user(7, "Ali")
        update = tg.text_update(user, "hi")
        assert await tg.post_webhook(update) == (200, "ok")
        assert seen[-1] == (update, "s3cr3t_X")
        await tg.post_webhook(update, secret="wrong")
        assert seen[-1][1] == "wrong"
        tg.push_update(tg.text_update(user, "queued"))
        info = (await http.get("getWebhookInfo")).json()["result"]
        assert info["url"] == url and info["pending_update_count"] == 1
        assert await tg.flush_webhook() == [(200, "ok")]
        assert seen[-1][0]["message"]["text"] == "queued" and tg.updates == []
        await http.post("deleteWebhook")
        assert (await http.post("getUpdates", json={"timeout": 0})).json()["result"] == []
    finally:
        await runner.cleanup()


async def test_concurrent_get_updates_conflict(tg: TelegramEmulator) -> None:
    bot = AioBot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    try:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        second = asyncio.create_task(bot.get_updates(timeout=0))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 3)
        assert await second == []
    finally:
        await bot.session.close()


async def test_allowed_updates_and_negative_offset(tg: TelegramEmulator) -> None:
    user = tg.make_user(8, "Huda")
    for i in range(3):
        tg.push_update(tg.text_update(user, str(i)))
    tg.push_update(tg.my_chat_member_update(user, "kicked"))
    async with httpx.AsyncClient(base_url=f"{tg.base_url}/bot{tg.token}/") as http:
        last = (await http.post("getUpdates", json={"offset": -1})).json()["result"]
        assert len(last) == 1 and "my_chat_member" in last[0]
        for i in range(2):
            tg.push_update(tg.text_update(user, f"t{i}"))
        tg.push_update(tg.callback_update(user, "cb", 1))
        got = await http.post("getUpdates", json={"allowed_updates": ["callback_query"]})
        assert [list(u)[1] for u in got.json()["result"]] == ["callback_query"]


async def test_old_fixtures_do_not_crash(tg: TelegramEmulator, http: httpx.AsyncClient) -> None:
    fixtures = load_telegram_fixtures()
    updates = {k: v for k, v in fixtures.items() if "update_id" in v}
    assert len(updates) == 3
    for body in fixtures.values():
        resp = await http.post(
            "sendMessage", content=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        assert resp.status_code == 400
    assert (
        await http.post(
            "sendMessage", content=b"{not json", headers={"Content-Type": "application/json"}
        )
    ).status_code == 400
    for body in updates.values():
        tg.push_update(body)
    raw = (await http.post("getUpdates")).json()
    assert raw["ok"] and len(raw["result"]) == 3
    bot = AioBot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    try:
        with pytest.raises(ClientDecodeError):
            await bot.get_updates()
        assert (await bot.get_me()).is_bot
    finally:
        await bot.session.close()
    assert tg.errors == []


async def test_rate_limit_enforcement_with_fake_clock() -> None:
    clock = FakeClock(1000.0)
    async with TelegramEmulator(clock=clock) as tg:
        tg.rate_limits(global_per_second=3, per_chat_per_second=1, per_group_per_minute=2)
        async with httpx.AsyncClient(base_url=f"{tg.base_url}/bot{tg.token}/") as http:

            async def send(chat: int) -> httpx.Response:
                return await http.post("sendMessage", json={"chat_id": chat, "text": "x"})

            assert (await send(1)).status_code == 200
            second = await send(1)
            assert second.status_code == 429
            assert second.json()["parameters"]["retry_after"] == 1
            assert (await send(2)).status_code == 200
            assert (await send(3)).status_code == 200
            assert (await send(4)).json()["description"] == "Too Many Requests: retry after 1"
            clock.advance(1.0)
            assert (await send(-100)).status_code == 200
            clock.advance(1.0)
            assert (await send(-100)).status_code == 200
            clock.advance(1.0)
            blocked = await send(-100)
            assert blocked.status_code == 429 and blocked.json()["parameters"]["retry_after"] == 58
        assert [v.rule for v in tg.violations] == [
            "per_chat_per_second",
            "global_per_second",
            "per_group_per_minute",
        ]
        report = tg.max_rate_observed()
        assert report.total_sends == 5 and report.global_max_per_second == 3
        assert report.per_chat_min_interval == {-100: 1.0}
        assert report.exceeded(RateLimits(3, 1, 2)) == []
        assert report.exceeded(RateLimits(2, 1, 1)) == [
            "global 3/s > 2/s",
            "group -100: 2/min > 1/min",
        ]


async def test_a_private_chat_may_burst_then_averages_one_a_second() -> None:
    clock = FakeClock(1000.0)
    async with TelegramEmulator(clock=clock) as tg:
        tg.rate_limits(global_per_second=30, per_chat_per_second=1, per_chat_burst=3)
        async with httpx.AsyncClient(base_url=f"{tg.base_url}/bot{tg.token}/") as http:

            async def send(chat: int) -> int:
                reply = await http.post("sendMessage", json={"chat_id": chat, "text": "x"})
                return reply.status_code

            assert [await send(1) for _ in range(4)] == [200, 200, 200, 429]
            clock.advance(1.0)
            assert [await send(1), await send(1)] == [200, 429]
            clock.advance(2.5)
            assert [await send(1), await send(1), await send(1)] == [200, 200, 429]
            assert [await send(-100), await send(-100)] == [200, 429]  # groups never burst
    report = tg.max_rate_observed()
    assert report.exceeded(RateLimits(30, 1, 20, per_chat_burst=3)) == []
    assert report.exceeded(RateLimits(30, 1, 20, per_chat_burst=2)) == [
        "chat 1: more than a burst of 2 then 1/s"]


async def test_wait_for_times_out(tg: TelegramEmulator) -> None:
    with pytest.raises(TimeoutError, match="no matching call"):
        await tg.wait_for(lambda c: c.method == "sendMessage", timeout=0.1)
