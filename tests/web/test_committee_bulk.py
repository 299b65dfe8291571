"""Step 5 on the committee page: several requests decided at once with a reason template, and
an admin correcting a recorded decision (history kept, the beneficiary told again)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.wiring import App
from bot.repo import requests as requests_repo
from bot.repo import staff as staff_repo
from bot.scheduler.work import Worker
from models import RequestCorrection, RequestStatus
from tests.flows.helpers import OTHER_ID, submit
from tests.support.convo import Convo, plain
from tests.web.conftest import (
    ADMIN,
    OFFICER,
    REFERENCE,
    RESEARCHER,
    csrf_of,
    heard,
    page_token,
    signed_in,
)
from web.deps import ConsoleDeps

SECOND = "GH-2026-000002"


@pytest.fixture
async def second(app: App, convo: Convo) -> Convo:
    """A second beneficiary's request, GH-2026-000002, filed after the first."""
    assert REFERENCE in await submit(convo)
    other = Convo(app, "u2")
    await other.send("مرحبا")
    await other.press("أوافق")
    assert SECOND in await submit(other, national_id=OTHER_ID, name="سارة محمد القحطاني")
    return other


@pytest.fixture
async def submitted(convo: Convo, second: Convo) -> Convo:
    """Both requests are with the committee before the server starts."""
    return convo


async def _status(app: App, reference: str) -> tuple[str, str | None]:
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=reference)
        assert row is not None
        return row.status, row.decision_reason


async def test_decide_two_at_once(base: str, deps: ConsoleDeps, app: App,
                                  submitted: Convo, second: Convo) -> None:
    template = deps.config.decisions.reason_templates.reject[0].ar
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        async with officer.get(base + "/staff/committee") as resp:
            html = await resp.text()
            assert 'id="bulk-accept"' not in html  # an officer does not decide
        async with officer.post(base + "/staff/committee/decide", data={
                "csrf": csrf_of(html), "ref": [REFERENCE, SECOND],
                "decision": "accepted"}) as resp:
            assert resp.status == 403
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        async with researcher.get(base + "/staff/committee") as resp:
            html = await resp.text()
            assert f'id="pick-{SECOND}"' in html and template in html
        token = csrf_of(html)
        async with researcher.post(base + "/staff/committee/decide", data={
                "csrf": token, "decision": "rejected", "ref": [REFERENCE, SECOND]}) as resp:
            assert resp.status == 400  # a rejection needs a reason
        async with researcher.post(base + "/staff/committee/decide", data={
                "csrf": token, "decision": "rejected"}) as resp:
            assert resp.status == 400  # nothing ticked
        async with researcher.post(base + "/staff/committee/decide", data={
                "csrf": token, "decision": "rejected", "template": "rejected:0",
                "ref": [REFERENCE, SECOND, "GH-2026-999999"]}) as resp:
            report = plain(await resp.text())
            assert resp.status == 200 and "سُجّل قراران" in report and "لم يُسجَّل 1" in report
    assert await _status(app, REFERENCE) == ("rejected", template)
    assert await _status(app, SECOND) == ("rejected", template)
    async with app.sessions() as session:
        decided = await staff_repo.audit_of(session, action="decide")
    assert [(a.staff_user_id, a.allowed) for a in decided] == [
        (f"tg:{OFFICER}", False), (f"tg:{RESEARCHER}", True), (f"tg:{RESEARCHER}", True)]
    await Worker(app.sessions, app.engine).run_due()
    await app.dispatcher.drain_once()
    for convo in (submitted, second):
        assert "الدخل الشهري يتجاوز" in await heard(convo, "الدخل الشهري يتجاوز")


async def test_an_admin_corrects_a_decision_with_history(base: str, deps: ConsoleDeps,
                                                         app: App, submitted: Convo) -> None:
    page = f"{base}/staff/requests/{REFERENCE}"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        token = await page_token(researcher, page)
        async with researcher.post(page + "/decide", data={
                "csrf": token, "decision": "rejected", "reason": "",
                "template": "rejected:2"}) as resp:
            assert resp.status == 200  # a reason template stands for the reason
        async with researcher.get(page) as resp:
            assert 'id="correct-decision"' not in await resp.text()
        async with researcher.post(page + "/correct-decision", data={
                "csrf": token, "decision": "accepted", "why": "x"}) as resp:
            assert resp.status == 403  # only an admin corrects a decision
    await Worker(app.sessions, app.engine).run_due()
    await app.dispatcher.drain_once()
    submitted.new_messages()
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        async with admin.get(page) as resp:
            html = await resp.text()
            assert 'id="correct-decision"' in html
        token = csrf_of(html)
        async with admin.post(page + "/correct-decision", data={
                "csrf": token, "decision": "accepted", "reason": ""}) as resp:
            assert resp.status == 409  # a correction needs its reason
        async with admin.post(page + "/correct-decision", data={
                "csrf": token, "decision": "accepted", "reason": "مستوفٍ لشروط الدعم",
                "why": "وصلت المستندات قبل الجلسة"}) as resp:
            html = plain(await resp.text())
            assert resp.status == 200 and "صُحّح القرار" in html
            assert "rejected: المستندات المطلوبة لم تكتمل</bdi> → <bdi>accepted: مستوفٍ" in html
            assert "وصلت المستندات قبل الجلسة" in html
        async with admin.post(page + "/correct-decision", data={
                "csrf": token, "decision": "accepted", "reason": "مستوفٍ لشروط الدعم",
                "why": "again"}) as resp:
            assert resp.status == 409  # nothing changed
    assert await _status(app, REFERENCE) == (RequestStatus.ACCEPTED, "مستوفٍ لشروط الدعم")
    async with app.sessions() as session:
        fixes = (await session.execute(select(RequestCorrection))).scalars().all()
        assert [(f.field, f.actor) for f in fixes] == [("decision", f"console:tg:{ADMIN}")]
        row = await requests_repo.by_reference(session, reference=REFERENCE)
        history = await staff_repo.history_of(session, request_id=row.id or 0)  # type: ignore[union-attr]
        assert [h.to_status for h in history][-2:] == ["rejected", "accepted"]
        audit = await staff_repo.audit_of(session, action="correct_decision")
        assert [a.allowed for a in audit] == [False, True]
    await Worker(app.sessions, app.engine).run_due()
    await app.dispatcher.drain_once()
    told = await heard(submitted, "تصحيح لقرار طلبك")
    assert "تصحيح لقرار طلبك" in told and REFERENCE in told
