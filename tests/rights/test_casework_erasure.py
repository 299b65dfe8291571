"""A deletion (PDPL) also blanks what the console added to a request: the beneficiary's corrected
answers and the staff's internal notes; a corrected decision (no personal data) stays."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from bot.config import PrivacyConfig
from models import RequestCorrection, RequestNote, SupportRequest
from tests.flows.helpers import submit
from tests.support.convo import Convo


async def test_deletion_blanks_corrections_and_notes(app: App, convo: Convo) -> None:
    app.services.config = app.services.config.model_copy(
        update={"privacy": PrivacyConfig(retain_after_deletion={})})
    await submit(convo)
    async with app.sessions() as s, s.begin():
        request = (await s.execute(select(SupportRequest))).scalar_one()
        s.add_all([
            RequestCorrection(request_id=request.id, field="full_name", old_value="محمد أحمد",
                              new_value="محمد أحمد سعد", actor="beneficiary"),
            RequestCorrection(request_id=request.id, field="decision", old_value="rejected",
                              new_value="accepted", actor="console:tg:1", reason="وصلت"),
            RequestNote(request_id=request.id, staff_key="tg:1", text="اتصلت على 0501234567")])
    await convo.press("بياناتي")
    await convo.press("حذف بياناتي")
    await convo.press("نعم")
    async with app.sessions() as s:
        fixes = (await s.execute(select(RequestCorrection).order_by(RequestCorrection.id)))
        assert [(f.field, f.old_value, f.new_value) for f in fixes.scalars()] == [
            ("full_name", "-", "-"), ("decision", "rejected", "accepted")]
        assert [n.text for n in (await s.execute(select(RequestNote))).scalars()] == ["-"]
