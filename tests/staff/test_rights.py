"""Rights requests (PDPL) reach the staff group: a notice, a reminder before the deadline,
and /rights to list the open ones and close one."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from models import RightsRequest
from tests.staff.conftest import OFFICER, STRANGER, FakeGroup, staff_says
from tests.support.convo import Convo, plain

DAY_MINUTES = 24 * 60


async def ask_correction(convo: Convo) -> None:
    await convo.press("بياناتي")
    await convo.press("تصحيح بياناتي")
    await convo.send("اسمي الصحيح سارة محمد العتيبي")


async def test_a_correction_is_a_case_and_a_rights_notice_with_its_deadline(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await ask_correction(convo)
    await app.dispatcher.drain_once()
    texts = group.texts()
    assert "طلب تصحيح بيانات شخصية" in texts  # the case card's reason
    assert "طلب حقوق #2: تصحيح البيانات — بانتظار الرد، الموعد النظامي للرد 2026-12-22" in texts
    assert "اطلاع على البيانات" not in texts  # viewing one's own data is answered silently


async def test_copy_and_deletion_are_notified_as_done(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await convo.press("بياناتي")
    await convo.press("نسخة من بياناتي")
    code = re.findall(r"\b\d{6}\b", convo.text(await convo.press("نعم")))[-1]
    await convo.send(code)  # the one-time code before a copy
    await convo.send("القائمة")
    await convo.press("بياناتي")
    await convo.press("حذف بياناتي")
    await convo.press("نعم")
    await app.dispatcher.drain_once()
    texts = group.texts()
    for kind in ("نسخة من البيانات", "سحب الموافقة", "حذف البيانات"):
        assert f"{kind} — نُفّذ آلياً" in texts, kind


async def test_open_requests_are_reminded_before_the_deadline_and_listed(
    app: App, desk, group: FakeGroup, convo: Convo, clock: FrozenClock  # type: ignore[no-untyped-def]
) -> None:
    await ask_correction(convo)
    await app.dispatcher.drain_once()
    clock.advance(minutes=24 * DAY_MINUTES)
    await desk.remind()
    assert "تذكير: طلب الحقوق" not in group.texts()  # 6 days left: not yet
    clock.advance(minutes=DAY_MINUTES + 1)
    await desk.remind()
    await desk.remind()
    await app.dispatcher.drain_once()
    assert group.texts().count("تذكير: طلب الحقوق #2") == 1  # once

    await staff_says(app, desk, OFFICER, "/rights")
    listing = plain(group.posts()[-1].text)
    assert "#2" in listing and "تصحيح البيانات" in listing and "الحالة #1" in listing
    await staff_says(app, desk, STRANGER, "/rights")
    assert "للموظفين المسجلين فقط" in plain(group.posts()[-1].text)
    await staff_says(app, desk, OFFICER, "/rights done 2")
    assert "أُغلق طلب الحقوق #2" in plain(group.posts()[-1].text)
    async with app.sessions() as s:
        row = (await s.execute(select(RightsRequest).where(RightsRequest.id == 2))).scalar_one()
    assert row.status == "done" and row.closed_at is not None
    await staff_says(app, desk, OFFICER, "/rights")
    assert "لا توجد طلبات حقوق مفتوحة" in plain(group.posts()[-1].text)
