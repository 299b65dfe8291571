"""/link: a staff member vouches that the person of a case owns a request (lost channel)."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from models import Escalation, IdentityLink
from tests.flows.helpers import submit
from tests.staff.conftest import OFFICER, FakeGroup, ask_for_person, staff_says
from tests.support.convo import Convo


async def test_staff_link_tells_the_owner_who_can_undo_it(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await submit(convo)
    convo.new_messages()
    phone = Convo(app, "new-phone")
    await phone.send("hi")
    await phone.press("أوافق")
    await ask_for_person(phone)
    await app.dispatcher.drain_once()
    async with app.sessions() as s:
        topic = (await s.execute(select(Escalation))).scalar_one().topic_id
    await staff_says(app, desk, OFFICER, "/link", thread=topic)
    assert "/link" in group.posts()[-1].text
    await staff_says(app, desk, OFFICER, "/link GH-2026-000001", thread=topic)
    assert "رُبط الطلب GH-2026-000001" in group.texts()
    assert "بعد تحقق الموظف" in phone.text(phone.new_messages())
    notice = convo.new_messages()
    assert "يُتابَع أيضاً" in convo.text(notice) and "إلغاء الربط" in convo.labels(notice)
    async with app.sessions() as s:
        link = (await s.execute(select(IdentityLink))).scalar_one()
        assert (link.method, link.actor) == ("staff", f"staff:{OFFICER}")
    assert "تم إلغاء الربط" in convo.text(await convo.press("إلغاء الربط"))
    await staff_says(app, desk, OFFICER, "/link GH-2026-000001", thread=topic)
    assert "رُبط الطلب" in group.posts()[-1].text  # linked again after the undo
