"""Real aiogram and python-telegram-bot clients against the Telegram Bot API emulator."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
from aiogram import Bot as AioBot
from aiogram import Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import BotCommand, BufferedInputFile, InaccessibleMessage
from aiogram.types import InlineKeyboardButton as AioButton
from aiogram.types import InlineKeyboardMarkup as AioMarkup
from aiogram.types import Message as AioMessage
from aiogram.types import Update as AioUpdate
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CommandHandler

from tests.emulators import TelegramEmulator

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
async def aio(tg: TelegramEmulator) -> AsyncIterator[AioBot]:
    """aiogram Bot pointed at the emulator."""
    bot = AioBot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    yield bot
    await bot.session.close()


@pytest.fixture
async def ptb(tg: TelegramEmulator) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot Bot pointed at the emulator."""
    bot = telegram.Bot(
        tg.token, base_url=f"{tg.base_url}/bot", base_file_url=f"{tg.base_url}/file/bot"
    )
    async with bot:
        yield bot


def retry_seconds(exc: RetryAfter) -> float:
    """ptb's retry_after is an int (deprecated) or a timedelta depending on PTB_TIMEDELTA."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


# ----- aiogram -----------------------------------------------------------------------------
async def test_aiogram_get_me(tg: TelegramEmulator, aio: AioBot) -> None:
    me = await aio.get_me()
    assert me.id == 123456789 and me.is_bot and me.username == "ghimar_desk_bot"


async def test_aiogram_keyboard_edit_and_callback(tg: TelegramEmulator, aio: AioBot) -> None:
    user = tg.make_user(501, "Amina")
    markup = AioMarkup(inline_keyboard=[[AioButton(text="نعم", callback_data="yes:1")]])
    msg = await aio.send_message(501, "هل تريد المتابعة؟", reply_markup=markup)
    assert msg.reply_markup is not None and msg.from_user and msg.from_user.is_bot
    assert msg.chat.type == "private" and msg.chat.first_name == "Amina"
    call = tg.sent_messages(501)[-1]
    assert call.params["chat_id"] == 501
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes:1"

    edited = await aio.edit_message_reply_markup(chat_id=501, message_id=msg.message_id)
    assert isinstance(edited, AioMessage) and edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aio.edit_message_reply_markup(chat_id=501, message_id=msg.message_id)

    update = tg.callback_update(user, "yes:1", msg.message_id)
    parsed = AioUpdate.model_validate(update, context={"bot": aio})
    assert parsed.callback_query and parsed.callback_query.data == "yes:1"
    assert await aio.answer_callback_query(parsed.callback_query.id, text="تم")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await aio.answer_callback_query(parsed.callback_query.id)


async def test_aiogram_document_upload_and_download(tg: TelegramEmulator, aio: AioBot) -> None:
    content = b"%PDF-1.4 receipt"
    msg = await aio.send_document(
        77, BufferedInputFile(content, filename="receipt.pdf"), caption="إيصال"
    )
    assert msg.document and msg.document.file_name == "receipt.pdf"
    assert msg.document.mime_type == "application/pdf" and msg.caption == "إيصال"
    call = tg.calls_of("sendDocument")[-1]
    assert [f.content for f in call.files.values()] == [content]
    assert call.params["document"].startswith("attach://")
    file = await aio.get_file(msg.document.file_id)
    buf = io.BytesIO()
    await aio.download(file, destination=buf)
    assert buf.getvalue() == content
    again = await aio.send_document(78, msg.document.file_id)
    assert again.document and again.document.file_unique_id == msg.document.file_unique_id


async def test_aiogram_photo_and_user_files(tg: TelegramEmulator, aio: AioBot) -> None:
    sent = await aio.send_photo(77, BufferedInputFile(PNG_1x1, filename="p.png"))
    assert sent.photo and sent.photo[-1].width == 1
    user = tg.make_user(9, "Omar")
    update = AioUpdate.model_validate(tg.photo_update(user, PNG_1x1), context={"bot": aio})
    assert update.message and update.message.photo
    buf = io.BytesIO()
    await aio.download(update.message.photo[-1].file_id, destination=buf)
    assert buf.getvalue() == PNG_1x1


async def test_aiogram_forum_topics(tg: TelegramEmulator, aio: AioBot) -> None:
    group = tg.make_supergroup(-1009999, "Staff")
    topic = await aio.create_forum_topic(group["id"], "Case #12")
    assert topic.icon_color and topic.name == "Case #12"
    msg = await aio.send_message(
        group["id"], "new case", message_thread_id=topic.message_thread_id
    )
    assert msg.is_topic_message and msg.message_thread_id == topic.message_thread_id
    assert msg.chat.type == "supergroup" and msg.chat.is_forum
    assert await aio.close_forum_topic(group["id"], topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await aio.send_message(group["id"], "x", message_thread_id=topic.message_thread_id)
    assert await aio.delete_forum_topic(group["id"], topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await aio.send_message(group["id"], "x", message_thread_id=topic.message_thread_id)


async def test_aiogram_commands_per_language(aio: AioBot) -> None:
    assert await aio.set_my_commands([BotCommand(command="start", description="ابدأ")], None, "ar")
    assert await aio.set_my_commands([BotCommand(command="start", description="Start")])
    ar = await aio.get_my_commands(language_code="ar")
    assert [(c.command, c.description) for c in ar] == [("start", "ابدأ")]
    assert [c.description for c in await aio.get_my_commands()] == ["Start"]
    assert await aio.get_my_commands(language_code="fr") == []


async def test_aiogram_errors(tg: TelegramEmulator, aio: AioBot) -> None:
    tg.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as info:
        await aio.send_message(1, "x")
    assert info.value.retry_after == 3
    tg.fail_next("sendmessage", 403, chat_id=2)
    assert (await aio.send_message(1, "other chat unaffected")).text
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await aio.send_message(2, "x")
    tg.block_user(3)
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await aio.send_message(3, "x")
    assert len(tg.sent_messages()) == 1


async def test_aiogram_polling_offsets(tg: TelegramEmulator, aio: AioBot) -> None:
    user = tg.make_user(10, "Sara")
    pushed = [tg.text_update(user, f"m{i}") for i in range(3)]
    for update in pushed:
        tg.push_update(update)
    got = await aio.get_updates(timeout=1)
    assert [u.update_id for u in got] == [u["update_id"] for u in pushed]
    assert [u.message.text for u in got if u.message] == ["m0", "m1", "m2"]
    assert await aio.get_updates(offset=got[-1].update_id + 1, timeout=0) == []
    assert tg.updates == []
    asyncio.get_running_loop().call_later(0.2, tg.push_update, tg.command_update(user, "/help"))
    started = asyncio.get_running_loop().time()
    late = await aio.get_updates(offset=got[-1].update_id + 1, timeout=5)
    assert len(late) == 1 and asyncio.get_running_loop().time() - started < 3


async def test_aiogram_dispatcher_end_to_end(tg: TelegramEmulator, aio: AioBot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: AioMessage) -> None:
        await message.answer("أهلا بك في غيمار")

    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(dp.start_polling(aio, handle_signals=False, polling_timeout=1))
    user = tg.make_user(20, "Yusuf")
    tg.push_update(tg.command_update(user, "/start"))
    call = await tg.wait_for_message(chat_id=20)
    assert call.result["text"] == "أهلا بك في غيمار"
    await dp.stop_polling()
    await asyncio.wait_for(task, 5)


# ----- python-telegram-bot -----------------------------------------------------------------
async def test_ptb_get_me_keyboard_edit_callback(tg: TelegramEmulator, ptb: telegram.Bot) -> None:
    assert ptb.bot.id == 123456789 and ptb.bot.username == "ghimar_desk_bot"
    user = tg.make_user(601, "Layla")
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("نعم", callback_data="yes:2")]])
    msg = await ptb.send_message(601, "<b>مرحبا</b>", parse_mode="HTML", reply_markup=kb)
    assert msg.text == "مرحبا" and msg.entities[0].type == "bold"
    assert msg.reply_markup and msg.reply_markup.inline_keyboard[0][0].callback_data == "yes:2"
    edited = await ptb.edit_message_reply_markup(chat_id=601, message_id=msg.message_id)
    assert isinstance(edited, telegram.Message) and edited.reply_markup is None
    update = telegram.Update.de_json(tg.callback_update(user, "yes:2", msg.message_id), ptb)
    assert update.callback_query and update.callback_query.message
    assert update.callback_query.message.message_id == msg.message_id
    assert await ptb.answer_callback_query(update.callback_query.id, text="ok", show_alert=True)
    assert tg.calls_of("answerCallbackQuery")[-1].params["show_alert"] is True


async def test_ptb_document_photo_and_download(tg: TelegramEmulator, ptb: telegram.Bot) -> None:
    msg = await ptb.send_document(601, b"hello bytes", filename="note.txt")
    assert msg.document and msg.document.file_name == "note.txt"
    assert tg.calls_of("sendDocument")[-1].files["document"].content == b"hello bytes"
    file = await ptb.get_file(msg.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"hello bytes"
    photo = await ptb.send_photo(601, PNG_1x1, caption="صورة")
    assert photo.photo and photo.caption == "صورة"
    user = tg.make_user(602, "Hadi")
    update = telegram.Update.de_json(tg.document_update(user, b"abc", "id.pdf"), ptb)
    assert update.message and update.message.document
    got = await (await ptb.get_file(update.message.document.file_id)).download_as_bytearray()
    assert bytes(got) == b"abc"


async def test_ptb_topics_and_commands(tg: TelegramEmulator, ptb: telegram.Bot) -> None:
    group = tg.make_supergroup(-100777, "Staff")
    topic = await ptb.create_forum_topic(group["id"], "Case #7")
    assert topic.icon_color and topic.message_thread_id
    msg = await ptb.send_message(group["id"], "hi", message_thread_id=topic.message_thread_id)
    assert msg.is_topic_message and msg.message_thread_id == topic.message_thread_id
    await ptb.delete_forum_topic(group["id"], topic.message_thread_id)
    with pytest.raises(BadRequest, match="thread not found"):
        await ptb.send_message(group["id"], "x", message_thread_id=topic.message_thread_id)
    assert await ptb.set_my_commands([("start", "ابدأ"), ("help", "مساعدة")], language_code="ar")
    assert [c.command for c in await ptb.get_my_commands(language_code="ar")] == ["start", "help"]
    assert await ptb.get_my_commands() == ()
    assert tg.calls_of("setMyCommands")[-1].params["commands"][1] == {
        "command": "help",
        "description": "مساعدة",
    }


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_errors(tg: TelegramEmulator, ptb: telegram.Bot) -> None:
    tg.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await ptb.send_message(1, "x")
    assert retry_seconds(info.value) == 7
    tg.fail_next("sendMessage", 403)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await ptb.send_message(1, "x")
    with pytest.raises(BadRequest, match="reserved"):
        await ptb.send_message(1, "Done.", parse_mode="MarkdownV2")


async def test_ptb_get_updates_in_order(tg: TelegramEmulator, ptb: telegram.Bot) -> None:
    user = tg.make_user(30, "Nour")
    pushed = [
        tg.command_update(user, "/start"),
        tg.contact_update(user, "+213555000111"),
        tg.text_update(user, "سلام"),
    ]
    for update in pushed:
        tg.push_update(update)
    got = await ptb.get_updates(timeout=1)
    assert [u.update_id for u in got] == [u["update_id"] for u in pushed]
    assert got[0].message and got[0].message.entities[0].type == "bot_command"
    assert got[1].message and got[1].message.contact
    assert got[1].message.contact.user_id == 30
    assert await ptb.get_updates(offset=got[-1].update_id + 1, timeout=0) == ()


async def test_ptb_application_end_to_end(tg: TelegramEmulator) -> None:
    async def start(update: telegram.Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("مرحبا")

    app = (
        Application.builder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .base_file_url(f"{tg.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        tg.push_update(tg.command_update(tg.make_user(40, "Rami"), "/start"))
        call = await tg.wait_for_message(chat_id=40)
        assert call.result["text"] == "مرحبا"
        await app.updater.stop()
        await app.stop()


async def test_factories_parse_in_both_libraries(
    tg: TelegramEmulator, aio: AioBot, ptb: telegram.Bot
) -> None:
    user = tg.make_user(50, "Mona", username="mona")
    group = tg.make_supergroup()
    thread = tg.create_topic(group, "Inbox")
    sent = await aio.send_message(
        50,
        "pick",
        reply_markup=AioMarkup(inline_keyboard=[[AioButton(text="a", callback_data="a")]]),
    )
    updates = [
        tg.text_update(user, "hello"),
        tg.command_update(user, "/start ref_42"),
        tg.callback_update(user, "a", sent.message_id),
        tg.callback_update(user, "old", 9999),
        tg.contact_update(user, "+213555000222", contact_user_id=50),
        tg.document_update(user, b"doc", "a.pdf", "application/pdf", caption="c"),
        tg.photo_update(user, PNG_1x1, caption="p"),
        tg.supergroup_update(user, "in topic", group, thread_id=thread),
        tg.supergroup_update(user, "general", group),
        tg.my_chat_member_update(user, "kicked"),
    ]
    for raw in updates:
        aio_update = AioUpdate.model_validate(raw, context={"bot": aio})
        ptb_update = telegram.Update.de_json(raw, ptb)
        assert aio_update.update_id == ptb_update.update_id == raw["update_id"]
    old = AioUpdate.model_validate(updates[3], context={"bot": aio}).callback_query
    assert old and isinstance(old.message, InaccessibleMessage)
    topic_msg = telegram.Update.de_json(updates[7], ptb).message
    assert topic_msg and topic_msg.is_topic_message and topic_msg.message_thread_id == thread
    assert topic_msg.chat.type == "supergroup" and topic_msg.chat.is_forum
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
