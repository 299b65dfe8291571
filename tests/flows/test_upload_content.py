"""In the form, a file is judged by what it is, not by what it says it is."""

from __future__ import annotations

from app.wiring import App
from tests.flows.helpers import PDF
from tests.support.convo import Convo


async def test_html_sent_as_pdf_is_refused_and_not_stored(app: App, convo: Convo) -> None:
    await convo.press("اقتراح أو شكوى")
    await convo.press("شكوى")
    page = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    out = convo.text(await convo.upload(page, "application/pdf", "receipt.pdf"))
    assert "نوع الملف غير مقبول" in out
    assert app.services.documents.keys() == set()
    out = convo.text(await convo.upload(PDF, "application/pdf", "receipt.pdf"))
    assert "تم استلام المرفق" in out
    assert len(app.services.documents.keys()) == 1
