"""Texts and screens as newcomers saw them (issue 19): bidi marks, the consent screen,
the volunteer header, and feedback references numbered per kind."""

from __future__ import annotations

import asyncio
import io
import re

from sqlalchemy import select

from app.wiring import App
from bot.messages import Choice, Outbound
from handlers.terminal import chat, render
from models import Beneficiary, Escalation, Feedback
from tests.support.convo import Convo

MARKS = re.compile("[\u2066-\u2069]")


def test_terminal_rendering_has_no_bidi_isolation_marks() -> None:
    text = render(Outbound("رقم الطلب: \u2068GH-2026-000001\u2069",
                           choices=[Choice("x", "استخدام الرقم \u2068+966501234567\u2069")]))
    assert not MARKS.search(text)
    assert "GH-2026-000001" in text and "1) استخدام الرقم +966501234567" in text


async def test_terminal_chat_prints_no_marks_nor_the_text_version(app: App) -> None:
    out = io.StringIO()
    await chat(app, "term1", stdin=io.StringIO("1\n2\n"), out=out)
    printed = out.getvalue()
    assert "إشعار الخصوصية" in printed and "كيف نقدر نخدمك" in printed
    assert not MARKS.search(printed)
    assert app.config.consent_text_version not in printed and "نسخة" not in printed
    async with app.sessions() as s:
        person = (await s.execute(select(Beneficiary))).scalar_one()
    assert person.consent_version == app.config.consent_text_version


def test_telegram_and_whatsapp_texts_keep_the_isolation(app: App) -> None:
    text = app.services.catalog.t("ar", "submitted", reference="GH-2026-000001", days=14)
    assert "\u2068GH-2026-000001\u2069" in text


async def test_declaration_shows_no_internal_version(convo: Convo) -> None:
    from tests.flows.helpers import fill_until_review

    await fill_until_review(convo)
    await convo.press("تأكيد البيانات")
    out = convo.text(convo.sender.inbox[convo.user][-1:])
    assert "أقرّ بأن جميع البيانات" in out and "نسخة" not in out


async def test_consent_screen_answers_a_question_without_consent(app: App) -> None:
    from app.wiring import load_faq

    app.services.faq = load_faq()
    c = Convo(app, "curious")
    await c.send("السلام عليكم")
    out = c.text(await c.send("كم ياخذ الطلب عشان ينرد علي؟"))
    assert "لا تقل عن أسبوعين" in out and "المصدر" in out
    assert "إشعار الخصوصية" not in out  # not the whole welcome again
    assert "أوافق" in c.labels(await c.send("👍"))
    for text in ("😀", "؟", "ok?", "hmm"):
        await c.send(text)
    async with app.sessions() as s:
        assert (await s.execute(select(Escalation))).first() is None
        person = (await s.execute(select(Beneficiary))).scalar_one()
        assert person.consent_at is None
        from models import KnowledgeGap

        assert (await s.execute(select(KnowledgeGap))).first() is None
    out = await c.press("أوافق")
    assert "كيف نقدر نخدمك" in c.text(out)


async def test_consent_screen_offers_a_person_without_consent(app: App) -> None:
    c = Convo(app, "wants-a-person")
    await c.send("السلام عليكم")
    out = await c.send("أبغى أكلم موظف")
    assert "التحدث مع موظف" in c.text(out) or "سبب" in c.text(out)
    out = await c.press("موضوع آخر")
    out = c.text(await c.send("أريد أن أسأل عن حالة أخي"))
    assert "موظف علاقات المستفيدين" in out
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
        person = (await s.execute(select(Beneficiary))).scalar_one()
    assert case.reason == "asked_for_person" and person.consent_at is None


async def test_volunteer_flow_has_its_own_header(convo: Convo) -> None:
    out = convo.text(await convo.press("التسجيل كمتطوع"))
    assert "طلب الدعم" not in out and "متطوع" in out


async def test_suggestions_and_complaints_are_numbered_separately(app: App, convo: Convo) -> None:
    refs = []
    for kind, text in (("شكوى", "تأخر الرد على طلبي كثيراً"), ("اقتراح", "أقترح حجز المواعيد"),
                       ("اقتراح", "أقترح فتح فرع جديد"), ("شكوى", "لم يتصل بي أحد بعد")):
        await convo.press("اقتراح أو شكوى")
        await convo.press(kind)
        out = convo.text(await convo.send(text))
        refs.append(re.search(r"(SG|CP)-2026-\d{6}", out).group(0))  # type: ignore[union-attr]
        await convo.send("القائمة")
    assert refs == ["CP-2026-000001", "SG-2026-000001", "SG-2026-000002", "CP-2026-000002"]


async def test_concurrent_suggestions_get_distinct_numbers(app: App) -> None:
    from bot.db import transaction
    from bot.repo import feedback as repo

    async with app.sessions() as s, s.begin():
        person = Beneficiary(language="ar")
        s.add(person)
        await s.flush()
        person_id = person.id

    async def one(n: int) -> str:
        async with transaction(app.sessions) as session:
            item = Feedback(beneficiary_id=person_id or 0, kind="suggestion", text=f"idea {n}",
                            channel="web")
            await repo.add_feedback(session, feedback=item, prefix="SG", year=2026)
            return item.reference or ""

    refs = await asyncio.gather(*(one(n) for n in range(8)))
    assert sorted(refs) == [f"SG-2026-{n:06d}" for n in range(1, 9)]
