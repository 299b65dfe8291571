"""Both senders label in the language the engine stamped (meta["lang"]), never guess from text."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import WhatsAppConfig
from bot.i18n import Catalog
from bot.messages import Choice, Outbound
from bot.outbox.senders import RateLimits, Sent
from handlers.telegram.render import ContactKeyboard
from handlers.telegram.sender import TelegramSender
from handlers.whatsapp.sender import WhatsAppSender


class RecordingDriver:
    """Keeps the markup of every text it is asked to send."""

    def __init__(self) -> None:
        self.markups: list[Any] = []

    async def send_text(self, chat_id: int, text: str, markup: Any, thread: Any) -> int:
        self.markups.append(markup)
        return len(self.markups)


@pytest.mark.parametrize(("meta", "default", "label"), [
    ({"lang": "ar"}, "en", "📱 مشاركة رقم جوالي"),  # English text, Arabic conversation
    ({"lang": "en"}, "ar", "📱 Share my mobile number"),
    ({}, "en", "📱 Share my mobile number"),  # nothing stamped (staff): the configured default
    ({"lang": "fr"}, "ar", "📱 مشاركة رقم جوالي"),
])
async def test_telegram_contact_button_in_the_stamped_language(
    meta: dict[str, str], default: str, label: str
) -> None:
    driver = RecordingDriver()
    sender = TelegramSender(driver, None, Catalog(), RateLimits(per_second=30),  # type: ignore
                            default_language=default)
    message = Outbound("Your mobile number, please", request_contact=True, meta=meta)
    assert await sender.send("42", message) == Sent("1")
    assert driver.markups == [ContactKeyboard(label)]


@pytest.mark.parametrize(("message", "lang"), [
    (Outbound("Hello", meta={"lang": "ar"}), "ar"),
    (Outbound("مرحبا", meta={"lang": "en"}), "en"),
    (Outbound("مرحبا"), "en"),  # nothing stamped: the configured default
    (Outbound("Hello", template={"kind": "survey", "lang": "ar"}, meta={"lang": "en"}), "ar"),
])
def test_whatsapp_words_in_the_stamped_language(message: Outbound, lang: str) -> None:
    sender = WhatsAppSender(client=None, sessions=None, config=WhatsAppConfig(),  # type: ignore
                            clock=None, catalog=Catalog(), documents=None,  # type: ignore
                            default_language="en")
    assert sender._language(message) == lang
    chosen = Outbound("x", choices=[Choice(str(n), f"option {n}") for n in range(5)])
    assert sender.texts(sender._language(message), chosen).list_button == (
        "الخيارات" if lang == "ar" else "Options")
