"""Conversation state: persisted after every step and resumed after a restart; navigation."""

from __future__ import annotations

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.settings import Settings
from tests.flows.helpers import VALID_ID
from tests.support.convo import Convo


async def test_restart_resumes_same_step_with_answers(
    app: App, convo: Convo, settings: Settings, clock: FrozenClock
) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    await convo.send(VALID_ID)
    await app.close()  # the process stops in the middle of the form

    again = await build_app(settings, clock=clock, faq=None, migrate=False)
    try:
        c = Convo(again, "u1")
        out = c.text(await c.send(payload="nav:resume"))
        assert "أهلاً بعودتك" in out and "جوال" in out
        await c.send("0551234567")
        await c.press("المقر الرئيسي")
        await c.send("4")
        await c.send("1500")
        await c.press("سلة غذائية")
        await c.send("نحتاج سلة غذائية لهذا الشهر")
        await c.press("سأحضره")
        review = c.text(await c.press("سأحضره"))
        assert "سارة محمد" in review and "••••••0008" in review
    finally:
        await again.close()


async def test_back_goes_to_previous_question(convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    out = convo.text(await convo.send("رجوع"))
    assert "اسمك الرباعي" in out
    out = convo.text(await convo.send("back"))
    assert "لا توجد خطوة سابقة" in out


async def test_cancel_discards_and_menu_keeps_a_draft(convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    out = convo.text(await convo.send("القائمة"))
    assert "كيف نقدر نخدمك" in out
    out = convo.text(await convo.press("طلب دعم جديد"))
    assert "لم يكتمل" in out
    out = convo.text(await convo.press("إكمال الطلب"))
    assert "رقم الهوية" in out
    out = convo.text(await convo.send("إلغاء"))
    assert "هل تريد إلغاء" in out  # a form with answers is thrown away only when confirmed
    out = convo.text(await convo.press("نعم"))
    assert "تم الإلغاء" in out
    out = convo.text(await convo.press("طلب دعم جديد"))
    assert "اسمك الرباعي" in out


async def test_language_switch_mid_flow_repeats_question_in_english(convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    out = convo.text(await convo.send("English"))
    assert "English selected" in out and "full name" in out
    out = convo.text(await convo.send("Sara Mohammed"))
    assert "national ID" in out
    out = convo.text(await convo.send("العربية"))
    assert "رقم الهوية" in out


async def test_english_beneficiary_from_locale(app: App) -> None:
    c = Convo(app, "en-user")
    out = c.text(await c.send("hello", locale="en-GB"))
    assert "Welcome" in out and "Privacy notice" in out
    out = await c.press("I agree")
    assert "How can we help" in c.text(out) and "New support request" in c.labels(out)


async def test_consent_is_required_and_recorded(app: App) -> None:
    c = Convo(app, "new")
    await c.send("السلام عليكم")
    out = c.text(await c.press("لا أوافق"))
    assert "نحترم قرارك" in out and "هل توافق" in out
    out = c.text(await c.send("ابي اقدم طلب"))
    assert "أوافق" in out
    await c.press("أوافق")
    from sqlalchemy import select

    from models import Beneficiary

    async with app.sessions() as s:
        b = (await s.execute(select(Beneficiary))).scalar_one()
        assert b.consent_at is not None
        assert b.consent_version == app.config.consent_text_version


async def test_numbers_and_typed_labels_choose(convo: Convo) -> None:
    out = convo.text(await convo.send("٢"))  # Arabic-Indic "2": my requests' status
    assert "رقم الطلب" in out
    await convo.send("القائمة")
    out = convo.text(await convo.send("التسجيل كمتطوع"))
    assert "اسمك" in out
