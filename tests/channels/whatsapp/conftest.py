"""The bot's real HTTP server with the WhatsApp channel, talking to the Cloud API emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.runtime import Runtime
from app.wiring import App
from bot.clock import FrozenClock
from bot.repo import receipts
from bot.settings import Settings
from models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_KEY
from tests.emulators import RecordedCall, WhatsAppEmulator

TOKEN, PHONE_ID, SECRET, VERIFY = (
    "EAAG-ghimar-test", "106540352242922", "wa-app-secret-0123456789abcdef012345",
    "vt-verify-token-0123456789abcdef0123")
USER = "966501234567"  # a Saudi mobile: the flows offer it as the beneficiary's own number
ENV = {
    "WHATSAPP_ACCESS_TOKEN": TOKEN,
    "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
    "WHATSAPP_APP_SECRET": SECRET,
    "WHATSAPP_VERIFY_TOKEN": VERIFY,
}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The shared test settings, with a random HTTP port."""
    return Settings(database_url=database_url, data_dir=tmp_path / "data",  # type: ignore[arg-type]
                    secret_key=TEST_KEY, http_port=0)  # type: ignore[arg-type]


@pytest.fixture
async def wa(clock: FrozenClock) -> AsyncIterator[WhatsAppEmulator]:
    """The Cloud API emulator; its 24-hour window runs on the test clock."""
    async with WhatsAppEmulator(TOKEN, PHONE_ID, SECRET, now=lambda: clock.now().timestamp(),
                                verify_token=VERIFY) as emulator:
        yield emulator


async def start_worker(app: App, wa: WhatsAppEmulator,
                       monkeypatch: pytest.MonkeyPatch) -> Runtime:
    """Start `python -m bot run` with WhatsApp only, pointed at the emulator (which then
    delivers its webhooks to this worker)."""
    for name, value in {**ENV, "WHATSAPP_API_BASE_URL": wa.base_url}.items():
        monkeypatch.setenv(name, value)
    fast = app.config.whatsapp.model_copy(update={"per_second": 1000.0,
                                                  "per_chat_interval": 0.001})
    app.config = app.config.model_copy(update={"whatsapp": fast})
    server = Runtime(app, ["whatsapp"])
    await server.start()
    wa.webhook_url = f"http://127.0.0.1:{server.port}/webhooks/whatsapp"
    return server


@pytest.fixture
async def runtime(
    app: App, wa: WhatsAppEmulator, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Runtime]:
    """`python -m bot run` with WhatsApp only, pointed at the emulator."""
    server = await start_worker(app, wa, monkeypatch)
    yield server
    await server.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait until an async condition holds (polls; fails after `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.01)


async def settled(app: App) -> None:
    """Wait until the inbox holds nothing unhandled, the outbox has nothing due and the
    dispatcher is idle."""

    async def idle() -> bool:
        async with app.sessions() as session:
            if await receipts.unhandled_count(session, channel="whatsapp"):
                return False
            stmt = select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= app.services.clock.now())
            due = (await session.execute(stmt)).scalar_one()
        return due == 0 and not app.dispatcher._busy

    await eventually(idle)


def body_text(call: RecordedCall) -> str:
    """The visible text of a sent message (text body, interactive body, rows and buttons)."""
    params = call.params
    kind = params.get("type")
    if kind == "text":
        return str(params["text"]["body"])
    if kind == "interactive":
        inter = params["interactive"]
        labels = [b["reply"]["title"] for b in inter["action"].get("buttons", [])]
        for section in inter["action"].get("sections", []):
            labels += [r["title"] + " " + r.get("description", "") for r in section["rows"]]
        return "\n".join([inter["body"]["text"], *labels])
    if kind == "template":
        return str(params["template"]["name"])
    return str(params.get(kind, ""))


class Beneficiary:
    """One WhatsApp user talking to the bot through signed webhooks."""

    def __init__(self, app: App, wa: WhatsAppEmulator, wa_id: str = USER) -> None:
        self.app, self.wa, self.wa_id = app, wa, wa_id
        self.seen = 0

    async def deliver(self, body: dict[str, Any]) -> list[RecordedCall]:
        """Post a webhook body, wait for the replies, return the messages sent since."""
        start = len(self.wa.calls)
        status, text = await self.wa.deliver(body)
        assert status == 200, (status, text)
        await settled(self.app)
        return self.sent(start)

    def sent(self, start: int = 0) -> list[RecordedCall]:
        """Messages accepted by the emulator for this user since call index `start`."""
        return [c for c in self.wa.calls[start:] if c.method == "messages" and c.ok
                and c.params.get("to") == self.wa_id and "messages" in c.response]

    async def say(self, text: str) -> list[RecordedCall]:
        """Type a text message."""
        return await self.deliver(self.wa.text_message(self.wa_id, text))

    def _last_interactive(self) -> RecordedCall:
        calls = [c for c in self.sent() if c.params.get("type") == "interactive"]
        assert calls, "no interactive message was sent"
        return calls[-1]

    async def press(self, label: str) -> list[RecordedCall]:
        """Tap the button or list row (of the last interactive message) containing `label`."""
        call = self._last_interactive()
        inter = call.params["interactive"]
        wamid = call.response["messages"][0]["id"]
        for button in inter["action"].get("buttons", []):
            if label in button["reply"]["title"] or label == button["reply"]["id"]:
                reply = button["reply"]
                return await self.deliver(self.wa.button_reply(
                    self.wa_id, reply["id"], reply["title"], context_id=wamid))
        for section in inter["action"].get("sections", []):
            for row in section["rows"]:
                if label in row["title"] + row.get("description", "") or label == row["id"]:
                    return await self.deliver(self.wa.list_reply(
                        self.wa_id, row["id"], row["title"], context_id=wamid))
        raise AssertionError(f"no choice {label!r} in {body_text(call)}")

    async def press_template_button(self, index: int, text: str) -> list[RecordedCall]:
        """Tap quick-reply button `index` (approved text `text`) of the last template sent.

        WhatsApp sends back the payload the send gave that button, or its text when none.
        """
        calls = [c for c in self.sent() if c.params.get("type") == "template"]
        assert calls, "no template was sent"
        call = calls[-1]
        payload = text
        for component in call.params["template"].get("components", []):
            if component.get("type") == "button" and str(component.get("index")) == str(index):
                payload = component["parameters"][0]["payload"]
        wamid = call.response["messages"][0]["id"]
        return await self.deliver(self.wa.quick_reply(self.wa_id, payload, text,
                                                      context_id=wamid))

    @staticmethod
    def text(calls: list[RecordedCall]) -> str:
        """The visible texts of some messages, without bidi isolation marks."""
        joined = "\n".join(body_text(c) for c in calls)
        return joined.replace("\u2068", "").replace("\u2069", "")


@pytest.fixture
def user(app: App, wa: WhatsAppEmulator, runtime: Runtime) -> Beneficiary:
    """A beneficiary writing from a Saudi mobile number."""
    return Beneficiary(app, wa)
