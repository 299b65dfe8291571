"""The bot's real runtime with the Telegram channel, talking to the Bot API emulator.

Every test runs for each driver (aiogram, ptb), each receiving mode (polling, webhook) where it
matters, and each database (SQLite, PostgreSQL, from the `app` fixture).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from app.runtime import Runtime
from app.wiring import App, build_app
from bot.config import TelegramConfig
from models import InboundReceipt, OutboxMessage, OutboxStatus
from tests.conftest import START
from tests.emulators import RecordedCall, TelegramEmulator

SECRET = "ghimar-Webhook_secret-42-long-enough-now"
FAST = TelegramConfig(per_second=30, per_chat_interval=0.02, group_per_minute=600)
SENDS = ("sendMessage", "sendDocument", "sendPhoto")


class RunningClock:
    """The test's start date, moving with real time (so retry_after waits really elapse)."""

    def __init__(self, start: dt.datetime) -> None:
        self._start, self._t0, self._offset = start, time.monotonic(), dt.timedelta()

    def now(self) -> dt.datetime:
        """START plus the real time elapsed."""
        return self._start + dt.timedelta(seconds=time.monotonic() - self._t0) + self._offset

    def advance(self, **delta: float) -> None:
        """Jump forward."""
        self._offset += dt.timedelta(**delta)


@pytest.fixture
def clock() -> RunningClock:
    """Overrides the frozen clock: the outbox must see retry_after pass."""
    return RunningClock(START)


@pytest.fixture(params=["aiogram", "ptb"])
def driver(request: pytest.FixtureRequest) -> str:
    """The Telegram library under test."""
    return str(request.param)


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    """How updates reach the bot."""
    return str(request.param)


def free_port() -> int:
    """A free local port (webhook mode needs its URL before the server starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait until an async condition holds (checked every 10 ms)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.01)


def plain(text: str) -> str:
    """Text without the bidi isolation marks Fluent puts around placeables."""
    return text.replace("\u2068", "").replace("\u2069", "")


def shown(call: RecordedCall) -> str:
    """What the user sees of a sent message."""
    result = call.result or {}
    return plain(str(result.get("text") or result.get("caption") or ""))


class Bench:
    """The bot's runtime against the emulator, and a way to talk to it as Telegram users."""

    def __init__(self, app: App, tg: TelegramEmulator, driver: str, mode: str,
                 monkeypatch: pytest.MonkeyPatch, fast: bool = True) -> None:
        self.app, self.tg, self.driver, self.mode, self.fast = app, tg, driver, mode, fast
        self.port = free_port() if mode == "webhook" else 0
        self.runtime: Runtime | None = None
        self.apps: list[App] = []
        env = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
               "TELEGRAM_DRIVER": driver}
        if mode == "webhook":
            env["TELEGRAM_WEBHOOK_URL"] = f"http://127.0.0.1:{self.port}/webhooks/telegram"
            env["TELEGRAM_WEBHOOK_SECRET"] = SECRET
        for name in ("TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_STAFF_CHAT_ID",
                     "TELEGRAM_POLLING_TIMEOUT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)

    async def start(self) -> None:
        """Start `python -m bot run` with Telegram; wait until it listens for updates."""
        app = self.app
        if self.fast:
            app.config = app.config.model_copy(update={"telegram": FAST})
        app.settings = app.settings.model_copy(update={"http_port": self.port})
        since = len(self.tg.calls)
        self.runtime = Runtime(app, ["telegram"])
        await self.runtime.start()
        ready = "setWebhook" if self.mode == "webhook" else "deleteWebhook"
        await self.tg.wait_for(lambda c: c.method == ready and c.ok, since=since)
        await self.tg.wait_for(lambda c: c.method == "setMyCommands" and
                               c.params.get("language_code") == "en", since=since)

    async def stop(self) -> None:
        """Stop the runtime (channels, dispatcher, HTTP server)."""
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None

    async def restart(self) -> None:
        """Stop, then start a new App and Runtime on the same database."""
        await self.stop()
        app = await build_app(self.app.settings, clock=self.app.services.clock, faq=None,
                              migrate=False)
        self.apps.append(app)
        self.app = app
        await self.start()

    async def close(self) -> None:
        """Stop and release the apps made by restarts."""
        await self.stop()
        for app in self.apps:
            await app.close()

    # ----- delivering updates ----------------------------------------------------------------
    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand an update to the bot the way the mode does (queue or signed POST)."""
        if self.mode == "polling":
            self.tg.push_update(update)
            return
        status, text = await self.tg.post_webhook(update)
        assert status == 200, (status, text)

    async def turn(self, update: dict[str, Any], timeout: float = 10.0) -> list[RecordedCall]:
        """Deliver an update, wait until its turn is committed and its replies sent."""
        since = len(self.tg.calls)
        await self.deliver(update)
        await self.settled([update["update_id"]], timeout)
        chat = self.chat_of(update)
        return [c for c in self.tg.calls[since:]
                if c.method in SENDS and c.ok and c.params.get("chat_id") == chat]

    async def settled(self, update_ids: list[int], timeout: float = 10.0) -> None:
        """Every update's turn committed and none of its replies still pending."""
        keys = [f"tg:{uid}" for uid in update_ids]

        async def done() -> bool:
            async with self.app.sessions() as s:
                receipts = (await s.execute(select(func.count()).select_from(InboundReceipt)
                            .where(InboundReceipt.message_id.in_(keys),
                                   InboundReceipt.handled_at.is_not(None)))).scalar_one()
                pending = (await s.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == OutboxStatus.PENDING))).scalar_one()
            return receipts == len(keys) and pending == 0

        await eventually(done, timeout)

    @staticmethod
    def chat_of(update: dict[str, Any]) -> Any:
        """The chat id of a message or button-press update."""
        source = update.get("message") or update["callback_query"]["message"]
        return source["chat"]["id"]

    # ----- a user's actions ------------------------------------------------------------------
    async def say(self, user: dict[str, Any], text: str) -> str:
        """Type a message; the replies' text."""
        return self.text(await self.turn(self.tg.text_update(user, text)))

    def last_keyboard(self, chat_id: int) -> RecordedCall:
        """The last message to the chat that carried inline buttons."""
        calls = [c for c in self.tg.sent_messages(chat_id)
                 if "inline_keyboard" in (c.params.get("reply_markup") or {})]
        assert calls, "no message with buttons was sent"
        return calls[-1]

    def button(self, chat_id: int, label: str) -> tuple[str, int]:
        """(callback_data, message_id) of the button whose label contains `label`."""
        call = self.last_keyboard(chat_id)
        for row in call.params["reply_markup"]["inline_keyboard"]:
            for button in row:
                if label in plain(button["text"]):
                    return button["callback_data"], call.result["message_id"]
        raise AssertionError(f"no button {label!r} in {call.params['reply_markup']}")

    async def press(self, user: dict[str, Any], label: str) -> str:
        """Press a button of the last message with buttons; the replies' text."""
        data, message_id = self.button(user["id"], label)
        return self.text(await self.turn(self.tg.callback_update(user, data, message_id)))

    @staticmethod
    def text(calls: list[RecordedCall]) -> str:
        """The visible texts of some messages."""
        return "\n".join(shown(c) for c in calls)


@pytest.fixture
async def bench(app: App, tg: TelegramEmulator, driver: str, mode: str,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bench]:
    """A running bot with the driver and mode under test."""
    b = Bench(app, tg, driver, mode, monkeypatch)
    await b.start()
    yield b
    await b.close()
    assert tg.errors == []


@asynccontextmanager
async def staff_group_bench(app: App, tg: TelegramEmulator, driver: str, mode: str,
                            monkeypatch: pytest.MonkeyPatch, *, group_id: int, staff_ids: str
                            ) -> AsyncIterator[Bench]:
    """The running bot with a staff group (`staff_ids` as in TELEGRAM_STAFF_IDS); at the end,
    no call to the Bot API failed."""
    b = Bench(app, tg, driver, mode, monkeypatch)
    monkeypatch.setenv("TELEGRAM_STAFF_CHAT_ID", str(group_id))
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", staff_ids)
    await b.start()
    yield b
    await b.close()
    assert tg.errors == []
