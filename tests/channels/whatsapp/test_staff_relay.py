"""A beneficiary on WhatsApp served by the staff desk: relay both ways, a template after 24 h."""

from __future__ import annotations

from sqlalchemy import select

from app.channels import staff_desk
from app.wiring import App
from bot.clock import FrozenClock
from desk.roster import Staff
from models import Escalation
from tests.channels.whatsapp.conftest import Beneficiary, eventually, settled
from tests.emulators import WhatsAppEmulator
from tests.staff.conftest import OFFICER, FakeGroup, staff_says
from tests.support.convo import RecordingSender


async def test_whatsapp_beneficiary_and_staff_relay(
    app: App, user: Beneficiary, wa: WhatsAppEmulator, clock: FrozenClock
) -> None:
    group = FakeGroup(RecordingSender("telegram"))
    app.add_sender(group.sender)
    desk = staff_desk(app, group, {OFFICER: Staff(OFFICER, "officer")})
    await user.say("السلام عليكم")
    await user.press("أوافق")
    await user.press("التحدث مع موظف")
    await user.press("موضوع آخر")
    await user.say("عندي سؤال عن طلبي")
    await settled(app)
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
    assert "whatsapp" in group.texts() and "عندي سؤال عن طلبي" in group.texts()

    await staff_says(app, desk, OFFICER, "مرحباً، كيف أخدمك؟", thread=case.topic_id)
    await settled(app)
    assert "كيف أخدمك" in user.text(user.sent())

    start = len(wa.calls)
    await user.deliver(wa.image_message(user.wa_id, b"\xff\xd8\xff\xe0 a photo", "image/jpeg"))
    await eventually(lambda: _any_file(group))
    assert all("كيف نقدر" not in user.text([c]) for c in user.sent(start))  # the bot is silent

    clock.advance(hours=25)  # the beneficiary's 24-hour window has closed
    start = len(wa.calls)
    await staff_says(app, desk, OFFICER, "وصلتنا الصورة، شكراً", thread=case.topic_id)
    await settled(app)
    sent = user.sent(start)
    assert [c.params["type"] for c in sent] == ["template"]
    assert sent[0].params["template"]["name"] == "ghimar_staff_reply"


async def _any_file(group: FakeGroup) -> bool:
    return any(m.file_key for m in group.posts())
