"""End to end in headless Chromium: a visitor files a whole support request in the widget.

The widget is embedded on a test host page (another origin); the chat is reached through a
small TCP proxy that the test can cut, as a lost network. The visitor reloads in the middle,
loses the connection while the bot keeps answering, and sees every message once, in order;
the reference appears and the request is on the staff console's list. Screenshots go to
docs/screenshots/. Skipped without chromium, unless GHIMAR_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from app.runtime import Runtime
from app.wiring import App
from bot.repo import chatlog
from tests.flows.helpers import VALID_ID
from tests.web.conftest import ADMIN, REFERENCE, STAFF_IDS, signed_in
from tests.web.test_browser import AXE, CHROMIUM, DRIVER, _browser, _pdf, _png
from web.deps import DEPS

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif((CHROMIUM is None or DRIVER is None)
                       and os.environ.get("GHIMAR_REQUIRE_BROWSER") != "1",
                       reason="chromium and chromedriver are not installed"),
    # the walk runs once, on SQLite (the HTTP tests cover both databases)
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

HOST_PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>جمعية غمار الشبابية</title>
<style>body{font-family:serif;background:#fdf6e3} button{all:unset;color:red}</style></head>
<body><main><h1>جمعية غمار الشبابية</h1><p>خدمات المستفيدين: طلبات الدعم والتطوع.</p></main>
<script src="%s/chat/widget.js" data-lang="ar" defer></script></body></html>"""


class Proxy:
    """A TCP relay to the chat that the test can cut (the visitor's network going down)."""

    def __init__(self, target: int) -> None:
        self.target, self.up = target, True
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()
            self._writers.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.up = False
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def restore(self) -> None:
        self.up = True

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()


@pytest.fixture
async def site(app: App, monkeypatch: pytest.MonkeyPatch
               ) -> AsyncIterator[tuple[Runtime, Proxy, str]]:
    """The bot (web channel and staff console), a proxy in front of it, a host page."""
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", STAFF_IDS)
    chat: dict[str, str] = {}

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=HOST_PAGE % chat["origin"], content_type="text/html")

    host_app = web.Application()
    host_app.router.add_get("/", page)
    host_runner = web.AppRunner(host_app)
    await host_runner.setup()
    host_site = web.TCPSite(host_runner, "127.0.0.1", 0)
    await host_site.start()
    host = f"http://127.0.0.1:{host_site._server.sockets[0].getsockname()[1]}"  # type: ignore
    web_config = app.config.web.model_copy(update={"allowed_origins": [host]})
    app.config = app.config.model_copy(update={"web": web_config})
    app.settings = app.settings.model_copy(update={"http_port": 0})
    runtime = Runtime(app, ["web"])
    await runtime.start()
    assert runtime.port is not None
    proxy = Proxy(runtime.port)
    await proxy.start()
    chat["origin"] = f"http://127.0.0.1:{proxy.port}"
    yield runtime, proxy, host
    await proxy.close()
    await runtime.stop()
    await host_runner.cleanup()


class Walk:
    """The visitor's browser, driven by Selenium (blocking: runs in a thread)."""

    def __init__(self, width: int, height: int, loop: asyncio.AbstractEventLoop,
                 phone: bool = False) -> None:
        self.driver = _browser(width, height)  # the console test's headless Chromium
        if phone:  # a desktop window cannot be narrower than 500 px; a phone's viewport can
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
        self.driver.set_script_timeout(30)
        self.loop = loop
        self.problems: list[str] = []

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a coroutine on the test's event loop (the proxy, an HTTP post) and wait."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def on_loop(self, action: Callable[[], None]) -> None:
        """Call `action` on the test's event loop (the proxy's sockets live there)."""
        async def call() -> None:
            action()
        self.run(call())

    def wait(self, condition: Callable[[Any], Any], seconds: float = 20) -> Any:
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        # a page being replaced answers with stale or unknown nodes: look again
        return WebDriverWait(self.driver, seconds, poll_frequency=0.1,
                             ignored_exceptions=(WebDriverException,)).until(condition)

    def open_widget(self, host: str) -> None:
        """Load the host page, open the widget with the keyboard, enter its frame."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        self.driver.switch_to.default_content()
        self.driver.get(host + "/")
        root = self.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-ghimar-chat]")
                         .shadow_root)
        launcher = self.wait(lambda d: root.find_element(By.CSS_SELECTOR, ".launcher"))
        launcher.send_keys(Keys.ENTER)  # a real <button>: Enter opens it
        frame = self.wait(lambda d: root.find_element(By.CSS_SELECTOR, "iframe"))
        self.driver.switch_to.frame(frame)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def bot_count(self) -> int:
        return int(self.driver.execute_script(
            "return document.querySelectorAll('.msg.out').length"))

    def log_text(self) -> str:
        return str(self.driver.execute_script(
            "return document.getElementById('log').innerText"))

    def wait_text(self, text: str) -> None:
        self.wait(lambda d: text in self.log_text())

    def _answered(self, before: int) -> None:
        self.wait(lambda d: self.bot_count() > before)

    def press(self, label: str) -> None:
        """Press the newest button with this label (waiting for it), then for an answer."""
        before = self.bot_count()
        self.wait(lambda d: d.execute_script(
            "const b = [...document.querySelectorAll('.choices button')]"
            ".filter(x => x.textContent.trim() === arguments[0]);"
            "if (!b.length) return false; b[b.length - 1].click(); return true;", label))
        self._answered(before)

    def send(self, text: str) -> None:
        """Type in the box and press Enter, as a keyboard user does."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        before = self.bot_count()
        box = self.driver.find_element(By.ID, "text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self._answered(before)

    def attach(self, path: Path) -> None:
        from selenium.webdriver.common.by import By

        before = self.bot_count()
        self.driver.execute_script("document.getElementById('file').hidden = false")
        self.driver.find_element(By.ID, "file").send_keys(str(path))
        self.driver.execute_script("document.getElementById('file').hidden = true")
        self._answered(before)

    def ids(self) -> list[int]:
        return [int(x) for x in self.driver.execute_script(
            "return [...document.querySelectorAll('.msg')].map(m => m.dataset.id)")]

    def axe(self, page: str) -> None:
        """axe-core on the current document: note serious and critical violations."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done({passes: r.passes.length,"
            " violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))}))"
            ".catch(e => done({passes: 0, violations: [{id: String(e), impact: 'critical'}]}));")
        if result["passes"] < 10:
            self.problems.append(f"{page}: axe passed only {result['passes']} rules")
        self.problems.extend(f"{page}: {v['id']} ({v['impact']}) at {v.get('nodes')}"
                             for v in result["violations"]
                             if v["impact"] in ("serious", "critical"))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(SHOTS / name))


def _visitor_post(chat: str, cookie: str, body: dict[str, Any]
                  ) -> Coroutine[Any, Any, int]:
    """The visitor's message posted over HTTP (while their page is cut off)."""
    async def post() -> int:
        async with aiohttp.ClientSession(cookies={"ghimar_chat": cookie}) as http, http.post(
                f"{chat}/chat/api/messages", json=body, headers={"Origin": chat}) as resp:
            return resp.status
    return post()


def _file_request(walk: Walk, host: str, chat: str, files: dict[str, Path]) -> dict[str, Any]:
    """The whole request in Arabic, with a reload and a lost connection on the way."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    seen: dict[str, Any] = {}
    d = walk.driver
    walk.open_widget(host)
    seen["dir"] = d.find_element(By.TAG_NAME, "html").get_attribute("dir")
    walk.wait_text("أوافق")  # the greeting and consent, sent on a first visit
    walk.press("أوافق")
    walk.press("طلب دعم جديد")
    walk.send("محمد أحمد العتيبي")
    walk.send(VALID_ID)
    # reload in the middle: the conversation and the draft come back
    before_reload = walk.ids()
    walk.open_widget(host)
    walk.wait(lambda _: walk.ids() == before_reload)
    seen["resumed"] = "محمد أحمد العتيبي" in walk.log_text()
    seen["focus_on_open"] = d.execute_script("return document.activeElement.id")
    walk.send("0501234567")
    walk.press("المقر الرئيسي")
    # the network goes down; meanwhile the visitor's answer (from their other device) and the
    # bot's next question are committed; the page must show both once it is back
    before_cut = walk.ids()
    walk.cookie = d.get_cookie("ghimar_chat")  # type: ignore[attr-defined]
    walk.on_loop(walk.proxy.cut)  # type: ignore[attr-defined]
    walk.wait(lambda _: "انقطع" in d.find_element(By.ID, "status").text)
    seen["status_offline"] = d.find_element(By.ID, "status").text
    status = walk.run(_visitor_post(f"http://127.0.0.1:{walk.proxy.target}",  # type: ignore
                                    walk.cookie["value"],  # type: ignore[attr-defined]
                                    {"id": uuid.uuid4().hex, "text": "٥"}))
    assert status == 202
    walk.on_loop(walk.proxy.restore)  # type: ignore[attr-defined]
    walk.wait(lambda _: len(walk.ids()) >= len(before_cut) + 2)
    seen["after_cut"] = walk.ids()
    walk.send("3000")
    walk.press("سلة غذائية")
    walk.send("أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    walk.attach(files["pdf"])
    walk.attach(files["png"])
    walk.press("تأكيد البيانات")
    walk.press("أقرّ وأتعهد")
    walk.send("محمد أحمد العتيبي")
    walk.wait_text(REFERENCE)
    seen["ids"] = walk.ids()
    seen["choice_tags"] = d.execute_script(
        "return [...new Set([...document.querySelectorAll('.choices > *')].map(b => b.tagName))]")
    seen["bubble_dirs"] = d.execute_script(
        "return [...new Set([...document.querySelectorAll('.bubble')].map(b => b.dir))]")
    seen["input_dir"] = d.find_element(By.ID, "text").get_attribute("dir")
    seen["live"] = d.find_element(By.ID, "log").get_attribute("role")
    d.execute_script("[...document.querySelectorAll('.msg')].filter(m => m.innerText"
                     ".includes(arguments[0])).pop().scrollIntoView()", REFERENCE)
    d.switch_to.default_content()
    walk.shot("webchat-widget-ar.png")
    walk.axe("host page with the widget open")
    d.switch_to.frame(walk.wait(lambda _: d.find_element(
        By.CSS_SELECTOR, "[data-ghimar-chat]").shadow_root.find_element(By.CSS_SELECTOR,
                                                                        "iframe")))
    walk.driver.find_element(By.ID, "text").send_keys(Keys.ESCAPE)  # Escape closes the widget
    d.switch_to.default_content()
    root = d.find_element(By.CSS_SELECTOR, "[data-ghimar-chat]").shadow_root
    walk.wait(lambda _: root.find_element(By.CSS_SELECTOR, ".panel").get_attribute("hidden"))
    seen["focus_back"] = d.execute_script(
        "const h = document.querySelector('[data-ghimar-chat]');"
        "return h.shadowRoot.activeElement && h.shadowRoot.activeElement.className")
    # the full page, in Arabic then in English
    d.get(f"{chat}/chat/")
    walk.wait_text(REFERENCE)
    walk.axe("chat page ar")
    d.find_element(By.ID, "lang").click()
    walk.wait(lambda _: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    walk.wait_text(REFERENCE)
    walk.send("status")
    walk.axe("chat page en")
    seen["en_dir"] = d.find_element(By.TAG_NAME, "html").get_attribute("dir")
    walk.shot("webchat-page-en.png")
    d.find_element(By.ID, "lang").click()  # and back to Arabic
    walk.wait(lambda _: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar")
    walk.wait_text(REFERENCE)
    walk.send("حالة طلباتي")
    return seen


def _phone(walk: Walk, host: str) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    walk.open_widget(host)
    walk.wait_text(REFERENCE)
    walk.driver.execute_script(  # the Arabic confirmation with the reference, at the top
        "[...document.querySelectorAll('.msg')].filter(m => m.innerText"
        ".includes(arguments[0]))[0].scrollIntoView()", REFERENCE)
    walk.driver.switch_to.default_content()
    seen = {"overflow": walk.driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1")}
    panel = walk.driver.find_element(By.CSS_SELECTOR, "[data-ghimar-chat]").shadow_root \
        .find_element(By.CSS_SELECTOR, ".panel")
    seen["panel_width"] = panel.size["width"]
    seen["inner_width"] = walk.driver.execute_script("return window.innerWidth")
    walk.shot("webchat-phone-ar.png")
    walk.axe("phone")
    return seen


async def test_a_visitor_files_a_request_in_the_widget(
        app: App, site: tuple[Runtime, Proxy, str], tmp_path: Path) -> None:
    runtime, proxy, host = site
    chat = f"http://127.0.0.1:{proxy.port}"
    files = {"pdf": tmp_path / "id.pdf", "png": tmp_path / "family.png"}
    files["pdf"].write_bytes(_pdf())
    files["png"].write_bytes(_png())
    loop = asyncio.get_running_loop()
    walk = await asyncio.to_thread(Walk, 1280, 900, loop)
    walk.proxy = proxy  # type: ignore[attr-defined]
    try:
        seen = await asyncio.to_thread(_file_request, walk, host, chat, files)
    finally:
        await asyncio.to_thread(walk.driver.quit)
    phone = await asyncio.to_thread(Walk, 390, 844, loop, True)
    try:
        # the same visitor on a phone: same cookie, so the same conversation
        await asyncio.to_thread(phone.driver.get, f"{chat}/chat/static/chat.css")
        phone_seen = await asyncio.to_thread(_phone_with_cookie, phone, walk, host, chat)
    finally:
        await asyncio.to_thread(phone.driver.quit)

    assert walk.problems == [] and phone.problems == []  # axe: no serious or critical
    assert seen["dir"] == "rtl" and seen["en_dir"] == "ltr" and seen["resumed"]
    assert "انقطع الاتصال" in seen["status_offline"]
    ids = seen["ids"]
    assert ids == sorted(set(ids))  # every message once, in order, after a reload and a cut
    async with app.sessions() as session:
        address = walk.cookie["value"]  # type: ignore[attr-defined]
        logged = await chatlog.latest(session, channel="web", address=address, limit=1000)
    assert [e.id for e in logged][:len(ids)] == ids  # none missing on the page either
    texts = [(e.payload or {}).get("text") for e in logged]
    assert "٥" in texts  # the answer sent while the page was cut off is on it
    assert seen["choice_tags"] == ["BUTTON"] and seen["bubble_dirs"] == ["auto"]
    assert seen["input_dir"] == "auto" and seen["live"] == "log"
    assert seen["focus_back"] == "launcher" and seen["focus_on_open"] == "text"
    assert phone_seen["overflow"] is False
    assert phone_seen["panel_width"] == phone_seen["inner_width"] == 390  # the whole screen
    for name in ("webchat-widget-ar.png", "webchat-page-en.png", "webchat-phone-ar.png"):
        assert (SHOTS / name).stat().st_size > 10_000
    # the staff see the request on the console's list
    deps = runtime.web_app[DEPS]
    base = f"http://127.0.0.1:{runtime.port}"
    http = await signed_in(deps, base, ADMIN)
    try:
        async with http.get(f"{base}/staff/requests") as resp:
            assert REFERENCE in await resp.text()
    finally:
        await http.close()


def _phone_with_cookie(phone: Walk, walk: Walk, host: str, chat: str) -> dict[str, Any]:
    phone.driver.add_cookie(walk.cookie)  # type: ignore[attr-defined]
    return _phone(phone, host)
