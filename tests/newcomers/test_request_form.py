"""The request form as newcomers met it (issue 19): cancel, signature, documents, counts,
the unclear procedure, resuming after a pause, and the status screen."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.wiring import App, build_app, load_faq
from bot.clock import FrozenClock
from bot.settings import Settings
from models import Escalation, RequestDocument, SupportRequest
from tests.flows.helpers import PDF, VALID_ID, fill_until_review, submit_bringing_documents
from tests.support.convo import Convo


async def test_cancel_inside_an_edit_cancels_only_the_edit(app: App, convo: Convo) -> None:
    await fill_until_review(convo)
    out = convo.text(await convo.press("تعديل الدخل"))
    assert "دخل الأسرة" in out
    out = convo.text(await convo.send("إلغاء"))
    assert "تم إلغاء التعديل" in out and "راجع بيانات طلبك" in out and "3,000 ريال" in out
    final = convo.text(await submit_after_review(convo))
    assert "GH-2026-" in final


async def test_cancel_asks_first_and_removes_uploaded_files(app: App, convo: Convo) -> None:
    await fill_until_review(convo)
    files = sorted(p.name for p in app.services.documents.folder.iterdir())
    assert len(files) == 2
    out = await convo.send("إلغاء")
    assert "هل تريد إلغاء" in convo.text(out)
    out = convo.text(await convo.press("لا، أكمل"))
    assert "راجع بيانات طلبك" in out  # nothing lost
    await convo.send("إلغاء")
    out = convo.text(await convo.send("1"))  # typed: yes, cancel the request
    assert "تم الإلغاء" in out and "كيف نقدر نخدمك" in out
    assert list(app.services.documents.folder.iterdir()) == []
    out = convo.text(await convo.press("طلب دعم جديد"))
    assert "اسمك الرباعي" in out and "لم يكتمل" not in out


async def test_cancel_before_any_answer_needs_no_confirmation(convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    out = convo.text(await convo.send("إلغاء"))
    assert "تم الإلغاء" in out and "هل تريد إلغاء" not in out


async def submit_after_review(c: Convo) -> list:
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    return await c.send("محمد أحمد العتيبي")


async def test_signature_accepts_spelling_variants_of_the_same_name(
    app: App, convo: Convo
) -> None:
    await fill_until_review(convo, name="أحمد محمد عبدالله الغامدي")
    await convo.press("تأكيد البيانات")
    await convo.press("أقرّ وأتعهد")
    out = convo.text(await convo.send("أحمد محمد العتيبي"))
    assert "لا يطابق" in out
    out = convo.text(await convo.send("أحمد محمد عبد الله الغامدى"))
    assert "تم استلام طلبك" in out


async def start_financial(c: Convo, *, family: str, income: str) -> str:
    await c.press("طلب دعم جديد")
    for answer in ("سارة محمد", VALID_ID, "0551234567"):
        await c.send(answer)
    await c.press("المقر الرئيسي")
    out = c.text(await c.send(family))
    assert "دخل الأسرة" in out, out
    await c.send(income)
    await c.press("مساعدة مالية")
    return c.text(await c.send("نحتاج مساعدة مالية لسداد الفواتير"))


async def test_no_income_proof_when_the_income_is_zero(app: App, convo: Convo) -> None:
    out = await start_financial(convo, family="خمسة", income="0")
    assert "صورة الهوية" in out and "(المتبقي: 2)" in out
    await convo.upload(PDF, "application/pdf")
    out = convo.text(await convo.upload(PDF, "application/pdf", "iban.pdf"))
    assert "راجع بيانات طلبك" in out and "إثبات الدخل" not in out
    assert "عدد أفراد الأسرة: 5" in out
    await convo.press("تأكيد البيانات")
    await convo.press("أقرّ وأتعهد")
    await convo.send("سارة محمد")
    async with app.sessions() as s:
        docs = (await s.execute(select(RequestDocument.doc_type))).scalars().all()
    assert sorted(docs) == ["bank_iban", "national_id_copy"]


async def test_income_proof_asked_when_there_is_income_even_after_an_edit(convo: Convo) -> None:
    out = await start_financial(convo, family="4", income="0")
    await convo.upload(PDF, "application/pdf")
    await convo.upload(PDF, "application/pdf", "iban.pdf")
    await convo.press("تعديل الدخل")
    await convo.send("2500")
    out = convo.text(await convo.press("تأكيد البيانات"))
    assert "إثبات الدخل" in out and "أرسل" in out  # the new document is asked for first
    out = convo.text(await convo.press("سأحضره"))
    assert "راجع بيانات طلبك" in out and "سيُحضَر إلى الفرع" in out


@pytest.fixture
def faq_app(app: App) -> App:
    app.services.faq = load_faq()
    return app


async def test_unclear_procedure_mid_form_offers_the_researcher(faq_app: App) -> None:
    c = Convo(faq_app, "q-unclear")
    await c.send("hi")
    await c.press("أوافق")
    await c.press("طلب دعم جديد")
    await c.send("سارة محمد")
    out = await c.send("ما فهمت الإجراءات، ممكن أحد يشرح لي؟")
    assert "مسؤول البحث الاجتماعي" in c.text(out)
    assert any("مسؤول البحث الاجتماعي" in label for label in c.labels(out))
    out = c.text(await c.press("مسؤول البحث الاجتماعي"))
    assert "اكتب باختصار" in out
    out = c.text(await c.press("تخطي"))
    assert "مسؤول البحث الاجتماعي" in out
    async with faq_app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
    assert case.reason == "procedure_unclear" and case.role == "researcher"
    out = c.text(await c.press("طلب دعم جديد"))
    assert "لم يكتمل" in out  # the form was kept


async def test_resume_after_a_restart_returns_to_the_menu_from_a_sub_menu(
    app: App, convo: Convo, settings: Settings, clock: FrozenClock
) -> None:
    await submit_bringing_documents(convo)
    out = await convo.press("حالة طلباتي")
    assert "ربط طلب آخر" in convo.labels(out)
    await app.close()
    again = await build_app(settings, clock=clock, faq=None, migrate=False)
    try:
        c = Convo(again, "u1")
        shown = await c.send(payload="nav:resume")
        assert "كيف نقدر نخدمك" in c.text(shown) and "حالة طلباتي" in c.labels(shown)
        out = c.text(await c.send("2"))
        assert "طلباتك" in out and "GH-2026-000001" in out
    finally:
        await again.close()


async def test_a_bare_number_after_a_long_pause_shows_the_question_again(
    convo: Convo, clock: FrozenClock
) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    await convo.send(VALID_ID)
    await convo.send("0551234567")  # now at the branch question
    clock.advance(hours=30)
    out = convo.text(await convo.send("2"))
    assert "أهلاً بعودتك" in out and "اختر المدينة أو الفرع" in out
    out = convo.text(await convo.send("2"))
    assert "عدد أفراد الأسرة" in out  # now read as the answer


async def test_status_of_a_submitted_request_says_when_to_expect_an_answer(
    app: App, convo: Convo, clock: FrozenClock
) -> None:
    clock.advance(hours=15)  # 22:00 UTC on the 22nd: already the 23rd in Riyadh
    await submit_bringing_documents(convo)
    out = convo.text(await convo.press("حالة طلباتي"))
    assert "2026-11-23" in out and "2026-12-07" in out and "يُتوقع رد لجنة البحث" in out
    assert "المستندات الناقصة" in out


async def test_status_of_a_delivered_request_lists_no_missing_documents(
    app: App, convo: Convo
) -> None:
    await submit_bringing_documents(convo)
    async with app.sessions() as s, s.begin():
        await s.execute(update(SupportRequest).values(status="service_delivered"))
    out = convo.text(await convo.press("حالة طلباتي"))
    assert "تم تقديم الخدمة" in out
    assert "المستندات الناقصة" not in out and "يُتوقع" not in out
    assert "رفع المستندات الآن" not in out


async def test_unclear_procedure_at_the_menu_offers_the_researcher_by_number(
    faq_app: App,
) -> None:
    c = Convo(faq_app, "q-unclear-menu")
    await c.send("hi")
    await c.press("أوافق")
    out = await c.send("الإجراءات مو واضحة لي، مين يشرحها؟")
    labels = c.labels(out)
    number = next(i for i, label in enumerate(labels, 1) if "مسؤول البحث" in label)
    out = c.text(await c.send(str(number)))
    assert "اكتب باختصار" in out


async def test_cancelling_a_documents_edit_keeps_the_documents_sent_before(
    app: App, convo: Convo
) -> None:
    await fill_until_review(convo)
    before = {p.name for p in app.services.documents.folder.iterdir()}
    await convo.press("إعادة المستندات")
    await convo.upload(PDF + b"new", "application/pdf")  # one new file, then a change of mind
    out = convo.text(await convo.send("إلغاء"))
    assert "تم إلغاء التعديل" in out and out.count("مُرفق ✅") == 2
    assert {p.name for p in app.services.documents.folder.iterdir()} == before
    final = convo.text(await submit_after_review(convo))
    assert "GH-2026-" in final
    async with app.sessions() as s:
        keys = (await s.execute(select(RequestDocument.storage_key))).scalars().all()
    assert set(keys) == before
