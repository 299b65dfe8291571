"""A volunteer sign-up reaches the staff group as one masked notice (`staff.notify_volunteers`)."""

from __future__ import annotations

from dataclasses import replace

from app.wiring import App
from tests.staff.conftest import FakeGroup
from tests.support.convo import Convo


async def sign_up(convo: Convo) -> None:
    await convo.press("التسجيل كمتطوع")
    for answer in ("خالد عبدالله", "0561234567", "الرياض", "التصوير والتنظيم"):
        await convo.send(answer)
    await convo.press("نهاية الأسبوع")


async def test_a_volunteer_application_is_noticed_masked(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    await sign_up(convo)
    await app.dispatcher.drain_once()
    texts = group.texts()
    assert "طلب تطوع جديد VL-2026-000001: الرياض، متاح نهاية الأسبوع" in texts
    assert "0561234567" not in texts and "561234567" not in texts  # the mobile is masked
    assert "خالد" not in texts and "التصوير" not in texts  # no name, no free text
    assert texts.count("طلب تطوع جديد") == 1


async def test_the_notice_can_be_switched_off(
    app: App, desk, group: FakeGroup, convo: Convo  # type: ignore[no-untyped-def]
) -> None:
    staff = app.config.staff.model_copy(update={"notify_volunteers": False})
    desk.deps = replace(desk.deps, config=app.config.model_copy(update={"staff": staff}))
    await sign_up(convo)
    await app.dispatcher.drain_once()
    assert "طلب تطوع" not in group.texts()
    assert "VL-2026-000001" in convo.text(convo.sender.inbox[convo.user])  # still registered
