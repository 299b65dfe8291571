"""Walking through the support-request form in tests."""

from __future__ import annotations

from tests.support.convo import Convo

VALID_ID = "1000000008"
OTHER_ID = "2000000006"
PDF = b"%PDF-1.4 test document\n"


async def fill_until_review(
    c: Convo, *, national_id: str = VALID_ID, name: str = "محمد أحمد العتيبي"
) -> str:
    """Answer every question (food basket, documents uploaded); return the review text."""
    await c.press("طلب دعم جديد")
    await c.send(name)
    await c.send(national_id)
    await c.send("0501234567")
    await c.press("المقر الرئيسي")
    await c.send("5")
    await c.send("3000")
    await c.press("سلة غذائية")
    await c.send("أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    await c.upload(PDF, "application/pdf")
    out = await c.upload(b"\x89PNG fake", "image/png", "family.png")
    return Convo.text(out)


async def submit(c: Convo, **kwargs: str) -> str:
    """Fill, confirm, declare and sign; return the final reply text."""
    name = kwargs.get("name", "محمد أحمد العتيبي")
    await fill_until_review(c, **kwargs)
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    return Convo.text(await c.send(name))


async def submit_bringing_documents(c: Convo, name: str = "سارة محمد") -> str:
    """A food-basket request whose documents will be brought to the branch; the final reply."""
    await c.press("طلب دعم جديد")
    for answer in (name, VALID_ID, "0551234567"):
        await c.send(answer)
    await c.press("المقر الرئيسي")
    for answer in ("3", "0"):
        await c.send(answer)
    await c.press("سلة غذائية")
    await c.send("نحتاج سلة غذائية لهذا الشهر")
    await c.press("سأحضره")
    await c.press("سأحضره")
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    return Convo.text(await c.send(name))
