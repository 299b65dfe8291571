"""Uploaded files live exactly as long as a row refers to them: no orphans on disk."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from bot.services.files import delete_request_files
from models import Feedback, RequestDocument
from tests.flows.helpers import PDF, fill_until_review, submit
from tests.support.convo import Convo


async def _referenced(app: App) -> set[str]:
    async with app.sessions() as s:
        docs = (await s.execute(select(RequestDocument.storage_key))).scalars().all()
        notes = (await s.execute(select(Feedback.attachment_key))).scalars().all()
    return {k for k in [*docs, *notes] if k}


async def _assert_no_orphans(app: App) -> set[str]:
    on_disk = app.services.documents.keys()
    assert on_disk == await _referenced(app)  # every file has its row, every row its file
    return on_disk


async def test_cancelling_a_draft_deletes_its_uploads(app: App, convo: Convo) -> None:
    await fill_until_review(convo)
    assert len(app.services.documents.keys()) == 2
    await convo.send("إلغاء")
    assert len(app.services.documents.keys()) == 2  # nothing goes before the person confirms
    await convo.press("نعم، ألغِ العملية")
    assert await _assert_no_orphans(app) == set()


async def test_a_draft_kept_then_restarted_or_replaced_leaves_nothing_behind(
    app: App, convo: Convo
) -> None:
    await fill_until_review(convo)
    await convo.press("إعادة المستندات")  # "edit documents": the two uploads are replaced
    await convo.upload(PDF, "application/pdf")
    # the two earlier files stay with the draft while the edit can still be undone
    assert len(app.services.documents.keys()) == 3
    await convo.send("القائمة")  # leaving keeps the draft, and its uploads
    assert len(app.services.documents.keys()) == 3
    await convo.press("طلب دعم جديد")
    await convo.press("البدء من جديد")  # start over: the kept draft's upload goes
    assert await _assert_no_orphans(app) == set()


async def test_submitted_documents_and_attachments_are_kept(app: App, convo: Convo) -> None:
    await submit(convo)
    await convo.press("اقتراح أو شكوى")
    await convo.press("اقتراح")
    await convo.upload(b"\x89PNG\r\n\x1a\n", "image/png", "idea.png")
    await convo.send("أقترح إضافة خدمة حجز موعد في الفرع")
    await convo.press("اقتراح أو شكوى")
    await convo.press("شكوى")
    await convo.upload(b"\x89PNG\r\n\x1a\n x", "image/png", "x.png")
    await convo.send("إلغاء")  # a cancelled complaint's attachment goes
    await convo.press("نعم، ألغِ العملية")
    assert len(await _assert_no_orphans(app)) == 3


async def test_deleting_a_request_deletes_its_files(app: App, convo: Convo) -> None:
    await submit(convo)
    async with app.sessions() as s, s.begin():
        request_id = (await s.execute(select(RequestDocument.request_id))).scalars().first()
        assert await delete_request_files(s, app.services.documents, request_id or 0) == 2
    assert await _assert_no_orphans(app) == set()
