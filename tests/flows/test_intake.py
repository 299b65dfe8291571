"""The support-request form end to end, through the engine and the outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.wiring import App
from models import (
    Declaration,
    Escalation,
    RequestDocument,
    RequestStatusChange,
    SupportRequest,
)
from tests.flows.helpers import VALID_ID, fill_until_review, submit
from tests.support.convo import Convo


async def test_happy_path_gives_reference_and_policy_message(app: App, convo: Convo) -> None:
    review = await fill_until_review(convo)
    assert "••••••0008" in review and VALID_ID not in review
    assert "+966501234567" in review
    final = await submit_from_review(convo)
    ref = re.search(r"GH-2026-\d{6}", final)
    assert ref, final
    assert "لجنة البحث" in final and "لا تقل عن أسبوعين" in final
    async with app.sessions() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        assert request.reference == ref.group(0)
        assert request.status == "submitted"
        assert VALID_ID not in request.national_id_enc
        assert app.services.vault.decrypt(request.national_id_enc) == VALID_ID
        assert request.national_id_hash == app.services.vault.lookup_hash(VALID_ID)
        assert app.services.vault.decrypt(request.monthly_income_enc) == "3000"
        declaration = (await s.execute(select(Declaration))).scalar_one()
        assert declaration.signed_name == "محمد أحمد العتيبي"
        assert declaration.channel == "terminal"
        assert declaration.text_version == app.config.declaration_text_version
        docs = (await s.execute(select(RequestDocument))).scalars().all()
        assert {d.doc_type: d.status for d in docs} == {
            "national_id_copy": "uploaded", "family_record": "uploaded"}
        stored = app.services.documents.get(docs[0].storage_key or "")
        assert stored.startswith(b"%PDF") or stored.startswith(b"\x89PNG")
        history = (await s.execute(select(RequestStatusChange))).scalars().all()
        assert [h.to_status for h in history] == ["submitted"]


async def submit_from_review(c: Convo) -> str:
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    return Convo.text(await c.send("محمد أحمد العتيبي"))


async def test_bad_answers_are_explained_and_asked_again(convo: Convo) -> None:
    c = convo
    await c.press("طلب دعم جديد")
    assert "الاسم" in c.text(await c.send("😀😀"))
    assert "الاسم الأول" in c.text(await c.send("محمد"))
    assert "طويل" in c.text(await c.send("م" * 200 + " علي"))
    await c.send("محمد أحمد العتيبي")
    assert "10 أرقام" in c.text(await c.send("12345"))
    assert "يبدأ بـ 1" in c.text(await c.send("3000000000"))
    assert "غير صحيح" in c.text(await c.send("1000000001"))
    out = c.text(await c.send("١٠٠٠٠٠٠٠٠٨"))  # Arabic-Indic digits are accepted
    assert "جوال" in out
    assert "ليس رقم جوال" in c.text(await c.send("0112345678"))
    assert "الفرع" in c.text(await c.send("٠٥٠١٢٣٤٥٦٧"))


async def test_unexpected_attachment_and_number_range(convo: Convo) -> None:
    c = convo
    await c.press("طلب دعم جديد")
    out = c.text(await c.upload(b"x", "image/png"))
    assert "نصاً" in out and "اسمك" in out
    await c.send("سارة محمد")
    await c.send(VALID_ID)
    await c.send("0551234567")
    await c.press("الفرع الشمالي")
    assert "بين 1 و30" in c.text(await c.send("45"))
    assert "رقماً" in c.text(await c.send("كثير"))  # "خمسة" is read as 5 (issue 19)


async def test_repeated_failures_bring_in_a_person(app: App, convo: Convo) -> None:
    c = convo
    await c.press("طلب دعم جديد")
    await c.send("سارة محمد")
    for _ in range(2):
        await c.send("abc")
    out = c.text(await c.send("abc"))
    assert "طلبنا من موظف مختص مساعدتك" in out and "رقم الهوية" in out  # and asks again
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
    assert (case.reason, case.role) == ("repeated_failures", "officer")
    assert "•••" in (case.summary or "")  # answers at the ID step are redacted
    assert (case.summary or "").count("← •••") == 3  # the third failure, this turn's, included
    out = c.text(await c.send(VALID_ID))  # the form goes on
    assert "جوال" in out


async def test_document_limits(convo: Convo, app: App) -> None:
    c = convo
    await fill_until_review_partial(c)
    out = c.text(await c.upload(b"MZ...", "application/x-msdownload", "virus.exe"))
    assert "نوع الملف غير مقبول" in out
    big = b"0" * (app.config.limits.max_upload_bytes + 1)
    assert "حجم الملف كبير" in c.text(await c.upload(big, "application/pdf"))
    assert "صورة أو ملف PDF" in c.text(await c.send("ما عندي"))
    out = c.text(await c.press("سأحضره إلى الفرع"))
    assert "سجل الأسرة" in out


async def fill_until_review_partial(c: Convo) -> None:
    await c.press("طلب دعم جديد")
    for answer in ("سارة محمد", VALID_ID, "0551234567"):
        await c.send(answer)
    await c.press("المقر الرئيسي")
    await c.send("3")
    await c.send("0")
    await c.press("سلة غذائية")
    await c.send("نحتاج سلة غذائية لهذا الشهر")


async def test_review_edit_returns_to_review(convo: Convo) -> None:
    c = convo
    await fill_until_review(c)
    assert "الأسرة" in c.text(await c.press("تعديل عدد الأفراد"))
    out = c.text(await c.send("7"))
    assert "راجع بيانات طلبك" in out and "عدد أفراد الأسرة: 7" in out


async def test_signature_must_match_name(convo: Convo) -> None:
    c = convo
    await fill_until_review(c)
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    assert "لا يطابق" in c.text(await c.send("اسم مختلف"))
    assert "GH-2026-" in c.text(await c.send("محمد  أحمد العتيبي"))


async def test_open_request_is_not_filed_twice(app: App, convo: Convo) -> None:
    await submit(convo)
    second = Convo(app, "u2")
    await second.send("hi")
    await second.press("أوافق")
    await second.press("طلب دعم جديد")
    await second.send("محمد أحمد العتيبي")
    out = second.text(await second.send(VALID_ID))
    assert "يوجد طلب مسجّل برقم الهوية هذا" in out and "GH-2026-000001" not in out
    await convo.press("طلب دعم جديد")  # its owner is told which request it is
    await convo.send("محمد أحمد العتيبي")
    out = convo.text(await convo.send(VALID_ID))
    assert "لديك طلب قائم" in out and "GH-2026-000001" in out
    async with app.sessions() as s:
        assert len((await s.execute(select(SupportRequest))).scalars().all()) == 1
