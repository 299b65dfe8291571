"""Volunteer sign-up, suggestions and complaints, talking to a person."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.wiring import App
from models import Escalation, Feedback, VolunteerApplication
from tests.support.convo import Convo


async def test_volunteer_sign_up(app: App, convo: Convo) -> None:
    await convo.press("التسجيل كمتطوع")
    await convo.send("خالد عبدالله")
    await convo.send("0561234567")
    await convo.send("الرياض")
    await convo.send("التصوير والتنظيم")
    out = convo.text(await convo.press("نهاية الأسبوع"))
    assert re.search(r"VL-2026-\d{6}", out)
    async with app.sessions() as s:
        row = (await s.execute(select(VolunteerApplication))).scalar_one()
        assert (row.city, row.availability, row.mobile) == ("الرياض", "weekends", "+966561234567")


async def test_suggestion_acknowledged_with_reference(app: App, convo: Convo) -> None:
    await convo.press("اقتراح أو شكوى")
    await convo.press("اقتراح")
    out = convo.text(await convo.send("أقترح إضافة خدمة حجز موعد في الفرع"))
    assert re.search(r"SG-2026-\d{6}", out)
    async with app.sessions() as s:
        assert (await s.execute(select(Escalation))).first() is None


async def test_complaint_with_attachment_opens_escalation(app: App, convo: Convo) -> None:
    await convo.press("اقتراح أو شكوى")
    await convo.press("شكوى")
    out = convo.text(await convo.upload(b"\x89PNG", "image/png", "receipt.png"))
    assert "تم استلام المرفق" in out
    out = convo.text(await convo.send("تأخر الرد على طلبي ولم يتواصل معي أحد"))
    assert re.search(r"CP-2026-\d{6}", out) and "موظف علاقات المستفيدين" in out
    async with app.sessions() as s:
        item = (await s.execute(select(Feedback))).scalar_one()
        assert item.kind == "complaint" and item.attachment_key
        case = (await s.execute(select(Escalation))).scalar_one()
        assert case.reason == "complaint" and case.role == "officer"


async def test_unclear_procedure_goes_to_the_researcher(app: App, convo: Convo) -> None:
    await convo.press("التحدث مع موظف")
    await convo.press("الإجراءات غير واضحة")
    out = convo.text(await convo.send("لم أفهم ما المستندات المطلوبة"))
    assert "مسؤول البحث الاجتماعي" in out
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
        assert case.reason == "procedure_unclear" and case.role == "researcher"
        assert "لم أفهم" in (case.summary or "")


async def test_national_id_never_reaches_transcript_or_logs(  # type: ignore[no-untyped-def]
    app: App, convo: Convo, caplog
) -> None:
    caplog.set_level("DEBUG")
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    await convo.send("1000000008")
    await convo.send("القائمة")
    await convo.send("رقمي 1000000008 هل وصل؟")  # typed outside the form too
    await convo.press("التحدث مع موظف")
    await convo.press("موضوع آخر")
    await convo.press("تخطي")
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
    assert "1000000008" not in (case.summary or "")
    assert "••••••0008" in (case.summary or "")
    assert "1000000008" not in caplog.text
