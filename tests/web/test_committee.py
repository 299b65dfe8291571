"""The committee's session page: the minutes exported, filled in and imported from the browser."""

from __future__ import annotations

import aiohttp

from app.wiring import App
from bot.repo import staff as staff_repo
from tests.web.conftest import OFFICER, REFERENCE, RESEARCHER, csrf_of, signed_in
from web.deps import ConsoleDeps


def _form(token: str, csv_text: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("minutes", csv_text.encode("utf-8-sig"), filename="minutes.csv",
                   content_type="text/csv")
    return form


async def test_minutes_export_and_import(base: str, deps: ConsoleDeps, app: App) -> None:
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        async with researcher.get(f"{base}/staff/committee") as resp:
            html = await resp.text()
            assert REFERENCE in html and 'id="import"' in html
        async with researcher.get(f"{base}/staff/committee.csv") as resp:
            minutes = (await resp.read()).decode("utf-8-sig")
            assert resp.headers["Content-Disposition"].startswith("attachment")
        header, line = minutes.splitlines()[:2]
        assert header.startswith("رقم الطلب,القرار,السبب,تاريخ القرار")
        assert line.startswith(REFERENCE)
        filled = (f"{header}\r\n{REFERENCE},قبول,مستوفٍ,1448/06/12 هـ,سلة غذائية,350\r\n"
                  "GH-2026-000099,رفض,,2026-11-22,,\r\n")
        token = csrf_of(html)
        async with researcher.post(f"{base}/staff/committee/import",
                                   data=_form("wrong", filled)) as resp:
            assert resp.status == 403  # CSRF refused
        async with researcher.post(f"{base}/staff/committee/import",
                                   data=_form(token, filled)) as resp:
            report = await resp.text()
            assert resp.status == 200
            assert "السطر 2" in report.replace("\u2068", "").replace("\u2069", "")
            assert "سُجّل" in report and "no request with reference GH-2026-000099" in report
        async with researcher.post(f"{base}/staff/committee/import",
                                   data=_form(token, "a,b\r\n1,2\r\n")) as resp:
            assert resp.status == 400
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        async with officer.get(f"{base}/staff/committee") as resp:
            html = await resp.text()
            assert 'id="import"' not in html and REFERENCE not in html  # decided: not waiting
        async with officer.post(f"{base}/staff/committee/import",
                                data=_form(csrf_of(html), filled)) as resp:
            assert resp.status == 403
    async with app.sessions() as session:
        audit = await staff_repo.audit_of(session, action="committee_import")
        exports = await staff_repo.audit_of(session, action="committee_export")
        from bot.repo import requests

        row = await requests.by_reference(session, reference=REFERENCE)
    assert [a.allowed for a in audit] == [True, False] and len(exports) == 1
    assert row is not None and row.status == "accepted" and row.decided_amount == 350
