"""Step 3 for a whole case: the officer refers the beneficiary's staff desk case to the
social-research officer, who finds it under "assigned to me"."""

from __future__ import annotations

from sqlalchemy import select

from app.wiring import App
from bot.repo import staff as staff_repo
from models import Escalation
from tests.support.convo import Convo, plain
from tests.web.conftest import (
    OFFICER,
    REFERENCE,
    RESEARCHER,
    csrf_of,
    heard,
    page_token,
    signed_in,
)
from web.deps import ConsoleDeps

PAGE = f"/staff/requests/{REFERENCE}"


async def test_a_case_is_referred_and_shows_as_mine(base: str, deps: ConsoleDeps, app: App,
                                                    submitted: Convo) -> None:
    await heard(submitted, "ما سبب طلبك", await submitted.press("التحدث مع موظف"))
    await heard(submitted, "اكتب باختصار", await submitted.press("موضوع آخر"))
    await submitted.send("أحتاج مساعدة في فهم الإجراءات")
    async with app.sessions() as session:
        case = (await session.execute(select(Escalation))).scalar_one()
    assign = f"{base}{PAGE}/cases/{case.id}/assign"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        async with researcher.get(base + PAGE) as resp:
            html = plain(await resp.text())
            assert f"الحالة #{case.id}" in html and f'id="case-{case.id}-assign"' not in html
        async with researcher.post(assign, data={"csrf": csrf_of(html),
                                                 "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 403  # the officer refers, not the researcher
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        token = await page_token(officer, base + PAGE)
        async with officer.post(assign, data={"to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 403  # no CSRF token
        async with officer.post(f"{base}{PAGE}/cases/999/assign",
                                data={"csrf": token, "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 404
        async with officer.post(assign, data={"csrf": token, "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 200 and f'id="case-{case.id}-assignee"' in await resp.text()
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher, researcher.get(f"{base}/staff/requests?mine=1") as resp:
        mine = plain(await resp.text())
        cases = mine[mine.index('id="my-cases"'):]
        assert f"الحالة #{case.id}" in cases and REFERENCE in cases
    officer = await signed_in(deps, base, OFFICER)
    async with officer, officer.get(f"{base}/staff/requests?mine=1") as resp:
        mine = plain(await resp.text())
        assert f"الحالة #{case.id}" not in mine[mine.index('id="my-cases"'):]
    async with app.sessions() as session:
        audit = await staff_repo.audit_of(session, action="assign_case")
    assert [(a.staff_user_id, a.allowed) for a in audit] == [
        (f"tg:{RESEARCHER}", False), (f"tg:{OFFICER}", True)]
