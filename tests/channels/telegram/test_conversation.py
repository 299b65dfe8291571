"""A beneficiary on Telegram, for each driver and receiving mode: the whole support request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import RequestDocument, SupportRequest
from tests.channels.telegram.conftest import FAST, Bench, plain
from tests.emulators import RateLimits
from tests.flows.helpers import PDF, VALID_ID

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
NAME = "محمد أحمد العتيبي"


async def test_support_request_from_start_to_reference(bench: Bench) -> None:
    tg = bench.tg
    user = tg.make_user(7001, "محمد", "ar", last_name="العتيبي")
    welcome = await bench.say(user, "/start")
    assert "الخصوصية" in welcome
    assert "كيف" in await bench.press(user, "أوافق")
    assert "اسم" in await bench.press(user, "طلب دعم جديد")
    await bench.say(user, NAME)
    ask_mobile = await bench.turn(tg.text_update(user, VALID_ID))
    keyboard = ask_mobile[-1].params["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True and "رقم" in keyboard[0][0]["text"]

    someone_else = await bench.turn(tg.contact_update(user, "+966551112223", contact_user_id=99))
    assert "رقمك أنت" in bench.text(someone_else)
    branch = await bench.turn(tg.contact_update(user, "966501234567"))
    assert branch[-1].params["reply_markup"].get("inline_keyboard")
    await bench.press(user, "المقر الرئيسي")
    await bench.say(user, "5")
    await bench.say(user, "3000")
    await bench.press(user, "سلة غذائية")
    ask_doc = await bench.say(user, "أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    assert "PDF" in ask_doc
    huge = tg.document_update(user, PDF, "كبير.pdf")
    huge["message"]["document"]["file_size"] = 50 * 1024 * 1024  # Telegram says how big
    assert "حجم الملف كبير" in bench.text(await bench.turn(huge))
    assert tg.calls_of("getFile") == []  # not downloaded at all
    exe = tg.document_update(user, b"MZ\x90\x00", "setup.exe", "application/x-msdownload")
    assert "نوع الملف غير مقبول" in bench.text(await bench.turn(exe))
    got = bench.text(await bench.turn(tg.document_update(user, PDF, "هوية.pdf")))
    assert "تم استلام" in got
    review = bench.text(await bench.turn(tg.photo_update(user, JPEG)))
    assert "راجع" in review and "+966501234567" in review and VALID_ID not in review
    await bench.press(user, "تأكيد البيانات")
    await bench.press(user, "أقرّ وأتعهد")
    final = await bench.say(user, NAME)
    reference = re.search(r"GH-\d{4}-\d{6}", final)
    assert reference, final

    async with bench.app.sessions() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        docs = (await s.execute(select(RequestDocument))).scalars().all()
    assert request.reference == reference.group(0)
    contents = {bench.app.services.documents.get(d.storage_key or "") for d in docs}
    assert contents == {PDF, JPEG}
    assert {d.mime_type for d in docs} == {"application/pdf", "image/jpeg"}
    await _every_button_answered_and_retired(bench, user["id"])
    sends = tg.sent_messages(user["id"])
    assert all("parse_mode" not in c.params for c in sends)
    assert tg.max_rate_observed().exceeded(RateLimits(
        FAST.per_second, 1 / FAST.per_chat_interval, FAST.group_per_minute)) == []


async def _every_button_answered_and_retired(bench: Bench, chat_id: int) -> None:
    tg = bench.tg
    presses = [c for c in tg.calls if c.method == "getUpdates" and c.ok
               for u in c.result if "callback_query" in u]
    answers = tg.calls_of("answerCallbackQuery")
    await tg.wait_for(lambda c: c.method == "editMessageText" and c.ok and
                      "أقرّ" in str(c.params.get("text")))
    edits = [c for c in tg.calls_of("editMessageText") if c.ok]
    assert len(answers) == 6 and all(c.ok for c in answers)
    assert len({c.params["callback_query_id"] for c in answers}) == 6
    assert len(edits) == 6 and all("reply_markup" not in c.params for c in edits)
    assert all("✔" in c.params["text"] for c in edits)
    if bench.mode == "polling":
        assert len(presses) == 6


async def test_resume_after_restart_and_no_repeated_reply(bench: Bench) -> None:
    tg = bench.tg
    user = tg.make_user(7002, "Sara", "en")
    await bench.say(user, "/start")
    await bench.press(user, "I agree")
    await bench.press(user, "New support request")
    update = tg.text_update(user, "Sara Mohammed Alqahtani")
    assert "national ID" in plain(bench.text(await bench.turn(update)))

    await bench.restart()
    since = len(tg.calls)
    if bench.mode == "polling":  # not confirmed before the stop: Telegram sends it again
        tg.push_update(update)
    else:  # Telegram re-posts an update whose answer it did not get
        await bench.deliver(update)
    asked = await bench.say(user, VALID_ID)
    assert "mobile" in asked.lower()
    replies = [c for c in tg.sent_messages(user["id"]) if tg.calls.index(c) >= since]
    assert len(replies) == 1  # the re-sent update was not answered twice
    if bench.mode == "polling":
        assert any(u["update_id"] == update["update_id"] for c in tg.calls[since:]
                   if c.method == "getUpdates" and c.ok for u in c.result)
    assert "branch" in (await bench.say(user, "0501234567")).lower()


@pytest.mark.parametrize("mode", ["polling"])
async def test_commands_in_arabic_and_english(bench: Bench) -> None:
    tg = bench.tg
    by_lang = {c.params.get("language_code"): c.params["commands"]
               for c in tg.calls_of("setMyCommands") if c.ok}
    assert set(by_lang) == {None, "ar", "en"}
    for commands in by_lang.values():
        assert [c["command"] for c in commands] == ["start", "menu", "help", "cancel", "lang"]
    assert "القائمة" in by_lang["ar"][1]["description"]
    assert by_lang["en"][1]["description"] == "Main menu"
    user = tg.make_user(7003, "Omar", "en")
    await bench.say(user, "/start")
    await bench.press(user, "I agree")
    assert "Choose your language" in await bench.say(user, "/lang")
    assert "How can we help" in await bench.say(user, "/menu")
