"""Answers from the service guides inside conversations: menu, mid-form, gaps, escalation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.wiring import App, load_faq
from models import Escalation, KnowledgeGap
from tests.support.convo import Convo


@pytest.fixture
def faq_app(app: App) -> App:
    app.services.faq = load_faq()
    assert app.services.faq is not None
    return app


async def test_free_text_at_the_menu_is_answered_with_its_source(faq_app: App) -> None:
    c = Convo(faq_app, "q1")
    await c.send("hi")
    await c.press("أوافق")
    out = c.text(await c.send("كم ياخذ الطلب عشان ينرد علي؟"))
    assert "لا تقل عن أسبوعين" in out and "المصدر" in out
    out = c.text(await c.press("لا"))
    assert "التحدث مع موظف" in out or "موظف" in out
    async with faq_app.sessions() as s:
        gap = (await s.execute(select(KnowledgeGap))).scalar_one()
        assert gap.reason == "unhelpful" and gap.entry_id


async def test_question_inside_the_form_is_answered_and_the_form_resumes(faq_app: App) -> None:
    c = Convo(faq_app, "q2")
    await c.send("hi")
    await c.press("أوافق")
    await c.press("طلب دعم جديد")
    await c.send("سارة محمد")
    out = c.text(await c.send("ليش تحتاجون رقم الهوية؟"))
    assert "المصدر" in out and "رقم الهوية الوطنية أو رقم الإقامة" in out
    out = c.text(await c.send("1000000008"))
    assert "جوال" in out  # the form went on from the same step


async def test_two_unknown_questions_bring_in_a_person(faq_app: App) -> None:
    c = Convo(faq_app, "q3")
    await c.send("hi")
    await c.press("أوافق")
    out = c.text(await c.send("كيف اطبخ كبسة لحم بالفرن"))
    assert "لا أعرف" in out
    out = c.text(await c.send("من فاز بكأس العالم"))
    assert "موظف مختص" in out
    async with faq_app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
        assert case.reason == "faq_unknown"
        gaps = (await s.execute(select(KnowledgeGap.reason))).scalars().all()
        assert gaps == ["unknown", "unknown"]


async def test_english_question_in_an_arabic_conversation_is_answered_in_english(
    faq_app: App,
) -> None:
    c = Convo(faq_app, "q4")
    await c.send("hi")
    await c.press("أوافق")
    out = c.text(await c.send("How do I apply for support?"))
    assert "Source:" in out and "New support request" in out
    assert "المصدر" not in out
    out = c.text(await c.send("ما أنواع الدعم التي تقدمها الجمعية؟"))
    assert "المصدر" in out and "Source:" not in out


async def test_did_you_mean_shows_up_to_three_buttons_and_a_pick_is_logged(app: App) -> None:
    from faq import KnowledgeBase

    app.services.faq = KnowledgeBase.load(embedder=None)  # the lexical path suggests here
    c = Convo(app, "q5")
    await c.send("hi")
    await c.press("أوافق")
    replies = await c.send("وش رقمكم")
    offer = next(m for m in replies if m.choices)
    assert 1 <= len(offer.choices) <= 3
    assert all(ch.id.startswith("faq:") for ch in offer.choices)
    phone = next(ch for ch in offer.choices if ch.id == "faq:phone")
    out = c.text(await c.press(phone.label))
    assert "المصدر" in out
    async with app.sessions() as s:
        gap = (await s.execute(select(KnowledgeGap))).scalar_one()
        assert (gap.reason, gap.entry_id, gap.question) == ("picked", "phone", "وش رقمكم")


async def test_buttons_under_an_english_answer_are_in_english(faq_app: App) -> None:
    c = Convo(faq_app, "q6")
    await c.send("hi")
    await c.press("أوافق")
    replies = await c.send("How do I apply for support?")
    labels = [ch.label for m in replies for ch in m.choices]
    assert any("Yes" in label for label in labels), labels
    out = c.text(await c.press("Yes"))
    assert "شكراً" in out  # thanks, then the menu, in the conversation's own language
