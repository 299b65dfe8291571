"""The widget in headless Chromium: it hides itself on a site not allowed to embed the chat,
and its panel always closes from outside the frame (mouse and Escape), on a phone too."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from app.runtime import Runtime
from app.wiring import App
from tests.channels.webchat.test_browser import Walk
from tests.web.test_browser import CHROMIUM, DRIVER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif((CHROMIUM is None or DRIVER is None)
                       and os.environ.get("GHIMAR_REQUIRE_BROWSER") != "1",
                       reason="chromium and chromedriver are not installed"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

# The host page records console warnings before the widget loads.
HOST_PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>موقع</title>
<script>window.warned = []; console.warn = function () {
  window.warned.push(Array.prototype.join.call(arguments, " ")); };</script></head>
<body><h1>جمعية غمار</h1><script src="%s/chat/widget.js" data-lang="ar" defer></script>
</body></html>"""


async def _host(chat: dict[str, str]) -> tuple[web.AppRunner, str]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=HOST_PAGE % chat["origin"], content_type="text/html")

    host_app = web.Application()
    host_app.router.add_get("/", page)
    runner = web.AppRunner(host_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore


@pytest.fixture
async def hosts(app: App) -> AsyncIterator[tuple[str, str]]:
    """The chat with one allowed site; that site and one that is not allowed."""
    chat: dict[str, str] = {}
    allowed_runner, allowed = await _host(chat)
    foreign_runner, foreign = await _host(chat)
    web_config = app.config.web.model_copy(update={"allowed_origins": [allowed]})
    app.config = app.config.model_copy(update={"web": web_config})
    app.settings = app.settings.model_copy(update={"http_port": 0})
    runtime = Runtime(app, ["web"])
    await runtime.start()
    chat["origin"] = f"http://127.0.0.1:{runtime.port}"
    yield allowed, foreign
    await runtime.stop()
    for runner in (allowed_runner, foreign_runner):
        await runner.cleanup()


def _shadow(walk: Walk, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    root = walk.driver.find_element(By.CSS_SELECTOR, "[data-ghimar-chat]").shadow_root
    return root.find_element(By.CSS_SELECTOR, selector)


def _hidden(walk: Walk) -> bool:
    return _shadow(walk, ".panel").get_attribute("hidden") is not None


def _not_allowed(walk: Walk, foreign: str) -> dict[str, Any]:
    walk.driver.get(foreign + "/")
    walk.wait(lambda d: d.execute_script("return window.warned.length") > 0)
    return {"warned": walk.driver.execute_script("return window.warned"),
            "widgets": walk.driver.execute_script(
                "return document.querySelectorAll('[data-ghimar-chat]').length")}


def _closes(walk: Walk, allowed: str) -> dict[str, Any]:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    seen: dict[str, Any] = {}
    walk.open_widget(allowed)
    walk.driver.switch_to.default_content()
    close = _shadow(walk, ".close")
    seen["label"] = close.get_attribute("aria-label")
    seen["panel_width"] = _shadow(walk, ".panel").size["width"]
    seen["launcher_shown_open"] = _shadow(walk, ".launcher").is_displayed()
    close.click()  # the mouse, on the control outside the frame
    walk.wait(lambda _: _hidden(walk))
    seen["launcher_back"] = _shadow(walk, ".launcher").is_displayed()
    _shadow(walk, ".launcher").click()
    walk.wait(lambda _: not _hidden(walk))
    walk.driver.switch_to.default_content()
    walk.driver.execute_script(  # the focus outside the frame, on the close control
        "document.querySelector('[data-ghimar-chat]').shadowRoot.querySelector('.close')"
        ".focus()")
    ActionChains(walk.driver).send_keys(Keys.ESCAPE).perform()
    walk.wait(lambda _: _hidden(walk))
    seen["warned"] = walk.driver.execute_script("return window.warned")
    return seen


async def test_a_site_not_allowed_shows_no_launcher_and_warns_once(
        hosts: tuple[str, str]) -> None:
    _, foreign = hosts
    walk = await asyncio.to_thread(Walk, 1280, 900, asyncio.get_running_loop())
    try:
        seen = await asyncio.to_thread(_not_allowed, walk, foreign)
        await asyncio.sleep(1)  # nothing appears later either
        later = await asyncio.to_thread(_not_allowed, walk, foreign)
    finally:
        await asyncio.to_thread(walk.driver.quit)
    assert seen["widgets"] == 0 and later["widgets"] == 0
    assert len(seen["warned"]) == 1
    assert foreign in seen["warned"][0] and "allowed_origins" in seen["warned"][0]


async def test_the_panel_closes_from_outside_the_frame_on_a_phone(
        hosts: tuple[str, str]) -> None:
    allowed, _ = hosts
    walk = await asyncio.to_thread(Walk, 390, 844, asyncio.get_running_loop(), True)
    try:
        seen = await asyncio.to_thread(_closes, walk, allowed)
    finally:
        await asyncio.to_thread(walk.driver.quit)
    assert seen["panel_width"] == 390 and seen["launcher_shown_open"] is False  # full screen
    assert seen["label"] == "إغلاق المحادثة"
    assert seen["launcher_back"] is True
    assert seen["warned"] == []  # an allowed site: no warning
