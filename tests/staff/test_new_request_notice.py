"""The staff group hears of each new request: reference, type, branch, missing documents; no
personal data; once; and not at all when switched off."""

from __future__ import annotations

from dataclasses import replace

from app.wiring import App
from desk.desk import StaffDesk
from tests.flows.helpers import submit, submit_bringing_documents
from tests.staff.conftest import FakeGroup
from tests.support.convo import Convo


async def test_a_new_request_is_announced_without_personal_data(
        app: App, desk: StaffDesk, group: FakeGroup, convo: Convo) -> None:
    assert "GH-2026-000001" in await submit_bringing_documents(convo)
    await app.dispatcher.drain_once()
    notices = [m for m in group.posts() if "طلب دعم جديد" in m.text]
    assert len(notices) == 1
    text = group.texts()
    assert "GH-2026-000001" in text and "سلة غذائية" in text and "المقر الرئيسي" in text
    assert "المستندات الناقصة: 2" in text  # both promised to the branch
    for personal in ("سارة محمد", "1000000008", "0551234567", "966551234567", "سلة غذائية لهذا"):
        assert personal not in text


async def test_the_notice_can_be_switched_off(app: App, desk: StaffDesk, group: FakeGroup,
                                              convo: Convo) -> None:
    quiet = app.config.staff.model_copy(update={"notify_new_requests": False})
    desk.deps = replace(desk.deps, config=app.config.model_copy(update={"staff": quiet}))
    assert "GH-2026-000001" in await submit(convo)
    await app.dispatcher.drain_once()
    assert "طلب دعم جديد" not in group.texts()
