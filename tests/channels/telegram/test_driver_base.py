"""The shared driver base: both libraries build the same keyboards and map errors through it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from telegram.error import Forbidden

from handlers.telegram.aiogram_driver import AiogramDriver
from handlers.telegram.driver import ApiError, ErrorKind
from handlers.telegram.ptb_driver import PtbDriver
from handlers.telegram.render import ContactKeyboard, InlineKeyboard, Markup, RemoveKeyboard
from handlers.telegram.settings import TelegramSettings

TOKEN = "123456789:TEST-ghimar-desk-token"
SPECS: list[Markup] = [
    InlineKeyboard(rows=((("نعم", "yes"), ("لا", "no")), (("Menu", "nav:menu"),))),
    ContactKeyboard("Share my number", extra=("Skip",)),
    RemoveKeyboard(),
    None,
]


def _json(markup: Any) -> Any:
    if markup is None:
        return None
    if hasattr(markup, "model_dump"):  # aiogram (pydantic)
        return json.loads(markup.model_dump_json(exclude_none=True))
    return markup.to_dict()  # python-telegram-bot


@pytest.fixture
def drivers() -> tuple[AiogramDriver, PtbDriver]:
    settings = TelegramSettings(bot_token=TOKEN, api_base_url="http://127.0.0.1:9")
    return AiogramDriver(settings), PtbDriver(settings)


@pytest.mark.parametrize("spec", SPECS)
def test_both_libraries_build_the_same_keyboard(drivers: tuple[Any, Any], spec: Markup) -> None:
    aio, ptb = drivers
    assert _json(aio.markup(spec)) == _json(ptb.markup(spec))


async def test_library_errors_leave_the_base_as_api_errors(drivers: tuple[Any, Any]) -> None:
    aio, ptb = drivers
    failures = [(aio, TelegramForbiddenError(SendMessage(chat_id=1, text="x"), TOKEN)),
                (ptb, Forbidden(f"blocked {TOKEN}"))]
    for driver, failure in failures:
        with pytest.raises(ApiError) as info:
            async with driver.api():
                raise failure
        assert info.value.kind is ErrorKind.FORBIDDEN and TOKEN not in info.value.description
