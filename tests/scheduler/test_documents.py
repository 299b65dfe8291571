"""Missing documents: reminders (at most N), and uploading them after submission."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from bot.scheduler.work import Worker
from models import RequestDocument
from tests.flows.helpers import submit_bringing_documents
from tests.support.convo import Convo


async def test_reminders_then_upload_from_the_button(
    app: App, convo: Convo, worker: Worker, clock: FrozenClock
) -> None:
    await submit_bringing_documents(convo)
    clock.advance(hours=71)
    assert await worker.run_due() == 0
    clock.advance(hours=1)
    assert await worker.run_due() == 1
    await app.dispatcher.drain_once()
    reminder = convo.new_messages()
    text = convo.text(reminder)
    assert "صورة الهوية الوطنية" in text and "GH-2026-000001" in text
    out = await convo.press("رفع المستندات الآن")
    assert "صورة الهوية الوطنية" in convo.text(out)
    out = await convo.upload(b"%PDF-1.4 id", "application/pdf")
    assert "سجل الأسرة" in convo.text(out)
    out = await convo.upload(b"\x89PNG record", "image/png")
    assert "تم تحديث مستندات طلبك" in convo.text(out)
    async with app.sessions() as s:
        statuses = (await s.execute(select(RequestDocument.status))).scalars().all()
    assert statuses == ["uploaded", "uploaded"]
    clock.advance(hours=72)
    assert await worker.run_due() == 1  # the second reminder is due but nothing is missing
    await app.dispatcher.drain_once()
    assert convo.new_messages() == []


async def test_at_most_the_configured_number_of_reminders(
    app: App, convo: Convo, worker: Worker, clock: FrozenClock
) -> None:
    await submit_bringing_documents(convo)
    sent = 0
    for _ in range(5):
        clock.advance(hours=72)
        await worker.run_due()
        await app.dispatcher.drain_once()
        sent += sum("تذكير بخصوص طلبك" in m.text for m in convo.new_messages())
    assert sent == app.config.reminders.missing_documents_max
    out = convo.text(await convo.send("حالة طلباتي"))
    assert "المستندات الناقصة" in out
    out = convo.text(await convo.press("رفع المستندات الآن"))
    assert "أرسل صورة أو ملف PDF" in out
