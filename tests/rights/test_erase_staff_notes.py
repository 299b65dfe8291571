"""Deleting one's data also blanks the staff console's notes on one's volunteer application and
complaint (notes may name the person)."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from models import Feedback, VolunteerApplication
from tests.support.convo import Convo
from tests.web.test_lists import feedback, volunteer


async def test_deletion_blanks_staff_notes(app: App, convo: Convo) -> None:
    await volunteer(convo)
    await feedback(convo, "شكوى", "تأخر الرد على طلبي ولم يتواصل معي أحد")
    async with app.sessions() as session, session.begin():
        for row in [*(await session.execute(select(VolunteerApplication))).scalars(),
                    *(await session.execute(select(Feedback))).scalars()]:
            row.notes = "اتصلت بخالد على جواله الشخصي"
    await convo.send("القائمة")
    await convo.press("بياناتي")
    await convo.press("حذف بياناتي")
    assert "حذفنا بياناتك" in convo.text(await convo.press("نعم"))
    async with app.sessions() as session:
        applications = list((await session.execute(select(VolunteerApplication))).scalars())
        items = list((await session.execute(select(Feedback))).scalars())
    assert [a.notes for a in applications] == [None] and [f.notes for f in items] == [None]
    assert applications[0].full_name == "-" and items[0].text == "-"
