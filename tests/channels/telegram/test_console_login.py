"""/login in a private Telegram chat (through the Bot API emulator) sends staff a one-time link."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from app.wiring import App
from tests.channels.telegram.conftest import Bench, free_port, shown
from tests.emulators import TelegramEmulator
from tests.web.conftest import follow_link

OFFICER, STRANGER = 9001, 4242


@pytest.fixture(params=["polling"])
def mode(request: pytest.FixtureRequest) -> str:
    """Updates by long polling."""
    return str(request.param)


@pytest.fixture
async def bench(app: App, tg: TelegramEmulator, driver: str, mode: str,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bench]:
    """The running bot with one officer and the console's public URL."""
    b = Bench(app, tg, driver, mode, monkeypatch)
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", f"{OFFICER}:officer")
    b.port = b.port or free_port()  # the console's URL is known before the server starts
    app.settings = app.settings.model_copy(
        update={"console_url": f"http://127.0.0.1:{b.port}"})
    await b.start()
    yield b
    await b.close()


async def test_login_in_a_private_chat(bench: Bench) -> None:
    tg = bench.tg
    officer, stranger = tg.make_user(OFFICER, "Officer"), tg.make_user(STRANGER, "Amal")
    since = len(tg.calls)
    await bench.deliver(tg.text_update(officer, "/login"))
    call = await tg.wait_for_message(OFFICER, since=since)
    text = shown(call)
    assert "/staff/login/" in text
    link = next(word for word in text.split() if "/staff/login/" in word)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        resp = await follow_link(http, link)
        assert resp.status == 200 and resp.url.path == "/staff/requests"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert (await follow_link(http, link)).status == 401  # used once
    reply = await bench.say(stranger, "/login")  # not staff: the engine answers as usual
    assert "/staff/login/" not in reply
