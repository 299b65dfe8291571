"""The staff desk: cases, two-way relay, commands, refusals, reminders, out-of-hours notice."""

from __future__ import annotations

from sqlalchemy import select

from app.channels import staff_desk
from app.wiring import App
from bot.clock import FrozenClock
from bot.messages import Attachment
from bot.outbox.senders import Failed
from desk.roster import Staff
from models import Escalation, SatisfactionSurvey, ScheduledMessage, StaffAction
from tests.flows.helpers import submit, submit_bringing_documents
from tests.staff.conftest import (
    OFFICER,
    RESEARCHER,
    STRANGER,
    FakeGroup,
    ask_for_person,
    staff_says,
)
from tests.support.convo import Convo, plain

JPEG = b"\xff\xd8\xff\xe0ok"


async def _case(app: App) -> Escalation:
    async with app.sessions() as s:
        return (await s.execute(select(Escalation))).scalar_one()


async def test_case_card_relay_both_ways_note_release_close(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await submit(convo)
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    assert group.topics == ["GH-2026-000001 — محمد"]
    card = group.texts()
    assert "حالة #1" in card and "••••••0008" in card and "1000000008" not in card
    assert "+966•••" in card or "+966" in card
    assert "GH-2026-000001" in card and "أحتاج مساعدة" in card
    topic = (await _case(app)).topic_id

    await staff_says(app, desk, OFFICER, "أهلاً، كيف أقدر أساعدك؟", thread=topic)
    got = convo.text(convo.new_messages())
    assert "انضم إليك الآن موظف علاقات المستفيدين" in got and "كيف أقدر أساعدك" in got
    assert str(OFFICER) not in got  # shown by role, not by personal account

    out = await convo.send("أبغى أعرف متى يطلع القرار")
    assert out == []  # the bot stays silent while a person holds the case
    photo = Attachment("p1", "image/jpeg", "receipt.jpg", 6, JPEG)
    await convo.send(attachment=photo)
    await app.dispatcher.drain_once()
    relayed = [m for m in group.posts() if m.meta.get("thread_id") == topic]
    assert any("متى يطلع القرار" in m.text for m in relayed)
    assert any(m.file_key and app.services.documents.get(m.file_key) == JPEG
               for m in relayed)

    doc = Attachment("d1", "application/pdf", "form.pdf", 8, b"%PDF-1.4")
    await staff_says(app, desk, OFFICER, "هذا النموذج", thread=topic, attachment=doc)
    files = [m for m in convo.new_messages() if m.file_key]
    assert files and app.services.documents.get(files[0].file_key or "") == b"%PDF-1.4"

    await staff_says(app, desk, OFFICER, "/note اتصلت به هاتفياً", thread=topic)
    assert convo.new_messages() == []  # internal, never sent
    assert "حُفظت الملاحظة" in group.texts()

    await staff_says(app, desk, OFFICER, "/release", thread=topic)
    assert "عدت الآن إلى المساعد الآلي" in convo.text(convo.new_messages())
    out = await convo.send("القائمة")
    assert "كيف نقدر نخدمك" in convo.text(out)

    await staff_says(app, desk, OFFICER, "/close", thread=topic)
    assert "تم إغلاق محادثتك" in convo.text(convo.new_messages())
    async with app.sessions() as s:
        case = await _case(app)
        assert case.status == "closed" and case.first_staff_reply_at is not None
        survey = (await s.execute(select(SatisfactionSurvey))).scalars().all()
        assert [x.trigger for x in survey if x.trigger == "case"] == ["case"]
        assert (await s.execute(select(ScheduledMessage).where(
            ScheduledMessage.kind == "survey"))).scalars().first() is not None
        actions = (await s.execute(select(StaffAction.action))).scalars().all()
    for action in ("claim", "relay_out", "relay_in", "note", "release", "close"):
        assert action in actions


async def test_non_staff_refused_and_logged(app: App, desk, group: FakeGroup,  # type: ignore[no-untyped-def]
                                            convo: Convo) -> None:
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    topic = (await _case(app)).topic_id
    await staff_says(app, desk, STRANGER, "/claim", thread=topic)
    await staff_says(app, desk, STRANGER, "رسالة من شخص غريب", thread=topic)
    assert group.texts().count("للموظفين المسجلين فقط") == 2
    assert "غريب" not in convo.text(convo.new_messages())
    await staff_says(app, desk, OFFICER, "/decide GH-2026-000001 accept", thread=topic)
    assert "غير متاح لدور" in group.texts()
    async with app.sessions() as s:
        refused = (await s.execute(select(StaffAction).where(
            StaffAction.allowed.is_(False)))).scalars().all()
    assert len(refused) == 3


async def test_staff_commands_status_find_request_doc_decide(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await submit(convo)
    await staff_says(app, desk, RESEARCHER, "/status GH-2026-000001")
    assert "GH-2026-000001" in group.texts() and "مُقدَّم" in group.texts()
    assert "سلة غذائية" in group.texts()
    assert "submitted" not in group.texts() and "food_basket" not in group.texts()
    await staff_says(app, desk, RESEARCHER, "/find 0501234567")
    assert group.texts().count("GH-2026-000001") >= 2
    await staff_says(app, desk, RESEARCHER, "/request_doc GH-2026-000001 income_proof")
    asked = convo.text(convo.new_messages())
    assert "إثبات الدخل" in asked and "GH-2026-000001" in asked
    await staff_says(app, desk, RESEARCHER, "/decide GH-2026-000001 reject الدخل أعلى من الحد")
    assert "rejected" in group.texts()
    await staff_says(app, desk, OFFICER, "/stats")
    stats = group.posts()[-1]
    assert "الحالات المفتوحة" in stats.text and stats.file_key


async def test_unanswered_case_reminds_role_then_admin(
    app: App, desk, group: FakeGroup, convo: Convo, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    assert await desk.remind() == 0
    clock.advance(minutes=31)
    assert await desk.remind() == 1
    assert await desk.remind() == 0  # not repeated
    clock.advance(minutes=90)
    assert await desk.remind() == 1
    await app.dispatcher.drain_once()
    texts = group.texts()
    assert "تذكير" in texts and "موظف علاقات المستفيدين" in texts and "الإدارة" in texts


async def test_out_of_hours_notice_sent_once(
    app: App, desk, group: FakeGroup, convo: Convo, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    clock.advance(hours=12)  # Sunday 22:00 in Riyadh
    notice = await ask_for_person(convo)
    assert "خارج ساعات العمل" in notice and "الاثنين" in notice and "08:00" in notice
    await convo.press("التحدث مع موظف")
    await convo.press("موضوع آخر")
    out = convo.text(await convo.send("مرة ثانية"))
    assert "خارج ساعات العمل" not in out


async def test_deleted_topic_is_recreated(app: App, desk, group: FakeGroup,  # type: ignore[no-untyped-def]
                                          convo: Convo) -> None:
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    first = (await _case(app)).topic_id
    original = group.sender.send

    async def thread_gone(address, message):  # type: ignore[no-untyped-def]
        if message.meta.get("thread_id") == first:
            return Failed("Bad Request: message thread not found", permanent=True)
        return await original(address, message)

    group.sender.send = thread_gone  # type: ignore[method-assign]
    await staff_says(app, desk, OFFICER, "/claim", thread=first)
    await app.dispatcher.drain_once()
    await app.dispatcher.drain_once()
    case = await _case(app)
    assert case.topic_id != first and len(group.topics) == 2
    in_new_topic = [plain(m.text) for m in group.posts()
                    if m.meta.get("thread_id") == case.topic_id]
    assert any("🆕 حالة #1" in t for t in in_new_topic)  # the card again
    assert any("الحالة #1 الآن مع" in t for t in in_new_topic)  # the failed answer, re-posted


async def test_daily_digest_lists_waiting_requests_and_unanswered_cases(
    app: App, desk, group: FakeGroup, convo: Convo, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    assert not await desk.digest()  # nothing waits: nothing posted
    await submit(convo)
    await ask_for_person(convo)
    clock.advance(days=22)
    assert await desk.digest()
    await desk.digest()  # asked again the same day: the outbox key keeps it to one post
    await app.dispatcher.drain_once()
    digests = [m for m in group.posts() if m.kind == "staff_digest"]
    assert len(digests) == 1
    text = plain(digests[0].text)
    assert "GH-2026-000001 — منذ 22 يوماً" in text and "حالة #1" in text


async def test_group_without_topics_gets_a_card_and_replies_thread_the_case(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    async def no_forum(name: str) -> int:
        raise RuntimeError("Bad Request: the chat is not a forum")

    group.create_topic = no_forum  # type: ignore[method-assign]
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    case = await _case(app)
    assert case.topic_id is None
    assert case.card_message_id is None  # the test sender's ids ("p7") are not Telegram's
    card = next(m for m in group.posts() if m.kind == "staff_card")
    assert "حالة #1" in plain(card.text)
    async with app.sessions() as s, s.begin():
        row = await s.get(Escalation, case.id)
        assert row is not None
        row.card_message_id = 777  # what the Telegram sender reports for the card
    await staff_says(app, desk, OFFICER, "تفضل، كيف أخدمك؟", reply_to_message_id=777)
    assert "كيف أخدمك" in convo.text(convo.new_messages())


async def test_status_and_find_speak_the_locale_not_codes(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await submit_bringing_documents(convo)
    await staff_says(app, desk, RESEARCHER, "/find 0551234567")
    found = group.texts()
    assert "مُقدَّم" in found and "سلة غذائية" in found and "سجل الأسرة" in found
    for code in ("submitted", "food_basket", "family_record", "national_id_copy"):
        assert code not in found


async def test_a_recorded_decision_calls_on_decision(
    app: App, group: FakeGroup, convo: Convo
) -> None:
    decided: list[str] = []
    roster = {RESEARCHER: Staff(RESEARCHER, "researcher")}
    desk = staff_desk(app, group, roster, on_decision=lambda: decided.append("kick"))
    await submit(convo)
    await staff_says(app, desk, RESEARCHER, "/status GH-2026-000001")
    assert decided == []
    await staff_says(app, desk, RESEARCHER, "/decide GH-2026-000001 accept")
    assert "accepted" in group.texts() and decided == ["kick"]


async def test_the_desk_is_subscribed_to_the_engine_and_the_outbox(
    app: App, group: FakeGroup
) -> None:
    desk = staff_desk(app, group, {})
    assert desk.on_events in app.engine.listeners
    assert desk.on_sent in app.dispatcher.listeners


async def test_files_relayed_either_way_are_judged_by_content(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    topic = (await _case(app)).topic_id
    await staff_says(app, desk, OFFICER, "أهلاً", thread=topic)
    convo.new_messages()
    before = len(group.posts())
    exe = Attachment("x1", "application/pdf", "invoice\u202efdp.exe", 64,
                     b"MZ\x90\x00" + b"\x00" * 60)
    out = await convo.send(attachment=exe)
    assert "نوع الملف غير مقبول" in convo.text(out)  # told politely, in their language
    assert not any(m.file_key for m in group.posts()[before:])  # nothing reaches staff
    photo = Attachment("p2", "image/jpeg", "../../صورة\u202e.jpg", 6, JPEG)
    await convo.send(attachment=photo)
    await app.dispatcher.drain_once()
    relayed = [m for m in group.posts()[before:] if m.file_key]
    assert [m.file_name for m in relayed] == ["صورة.jpg"]  # no path, no bidi override
    assert "[صورة.jpg]" in plain(relayed[0].text)

    html = Attachment("h1", "application/pdf", "form.pdf", 30, b"<html><body>hi</body></html>")
    await staff_says(app, desk, OFFICER, None, thread=topic, attachment=html)
    assert not any(m.file_key for m in convo.new_messages())
    assert "نوع الملف غير مقبول" in group.texts()


async def test_a_topic_is_created_outside_any_transaction(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    """createForumTopic is a Telegram round trip: on SQLite no writer lock may wait for it."""
    import asyncio

    from bot.db import transaction

    free: list[bool] = []

    async def create_topic(name: str) -> int:
        async def write() -> None:
            async with transaction(app.sessions):  # BEGIN IMMEDIATE on SQLite
                pass

        try:
            await asyncio.wait_for(write(), timeout=3)
            free.append(True)
        except TimeoutError:
            free.append(False)
        group.topics.append(name)
        return 100 + len(group.topics)

    group.create_topic = create_topic  # type: ignore[method-assign]
    await ask_for_person(convo)
    await app.dispatcher.drain_once()
    assert free == [True]
    assert (await _case(app)).topic_id == 101


async def test_failures_rising_ring_once_in_the_log_and_the_staff_group(
    app: App, desk, group: FakeGroup, caplog  # type: ignore[no-untyped-def]
) -> None:
    from bot.messages import Outbound
    from bot.outbox.alarm import FailureAlarm
    from bot.outbox.senders import RateLimits
    from bot.repo import outbox as outbox_repo

    class Away:  # a WhatsApp whose API answers 502
        channel, limits = "whatsapp", RateLimits(per_second=1000, per_chat_interval=0.001)

        async def send(self, address: str, message: Outbound) -> Failed:
            return Failed(f"transient: 502 Bad Gateway for {address}", transient=True)

    app.add_sender(Away())  # type: ignore[arg-type]
    app.dispatcher.alarm = FailureAlarm(app.services.clock, threshold=3, window_minutes=10)
    async with app.sessions() as s, s.begin():
        for i in range(5):
            await outbox_repo.enqueue(s, channel="whatsapp", address=f"96650000000{i}",
                                      message=Outbound(f"قرار {i}"), dedupe_key=f"w{i}",
                                      now=app.services.clock.now())
    with caplog.at_level("ERROR", logger="bot.outbox.dispatcher"):
        await app.dispatcher.drain_once()  # five failures: the alarm rings once, at the third
        await app.dispatcher.drain_once()  # the notice reaches the staff group
    errors = [r.getMessage() for r in caplog.records if "failed in the last" in r.getMessage()]
    assert errors == ["outbox: 3 sends of 3 messages failed in the last 10 minutes: "
                      "transient: 502 Bad Gateway for ••• ×3"]
    notices = [m for m in group.posts() if m.kind == "staff_notice"]
    assert len(notices) == 1
    text = plain(notices[0].text)
    assert "3" in text and "502 Bad Gateway" in text and "966500000000" not in text
