"""The tester's console bugs: bad filters, wrong decisions and assignees, long notes and bare
error texts all get a polite page in the staff member's language, never a 500."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import select

from app.wiring import App
from bot.repo import requests as requests_repo
from bot.services.notifications import decision_notice
from models import Feedback, RequestNote, RequestStatus, VolunteerApplication
from tests.support.convo import Convo, plain
from tests.web.conftest import ADMIN, OFFICER, REFERENCE, RESEARCHER, csrf_of, signed_in
from tests.web.test_lists import feedback, volunteer
from web import reports
from web.deps import ConsoleDeps
from web.listing import MAX_NOTE

COMPLAINT, APPLICATION = "/staff/feedback/CP-2026-000001", "/staff/volunteers/VL-2026-000001"


@pytest.fixture
async def submitted(submitted: Convo) -> Convo:
    """conftest's beneficiary (a request before the committee) who also complained and
    volunteered, before the console starts."""
    await feedback(submitted, "شكوى", "تأخر الرد على طلبي")
    await volunteer(submitted)
    return submitted


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as resp:
        return resp.status, plain(await resp.text())


async def test_no_console_filter_gives_a_500_and_each_bad_one_is_named(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        for query, named in (("waiting=99999999999999999999", "waiting days"),
                             ("waiting=1000000", "waiting days"), ("waiting=abc", "waiting days"),
                             ("waiting=-5", "waiting days"), ("until=9999-12-31", "end date"),
                             ("from=2026-13-45", "start date"),
                             ("from=2026-12-01&until=2026-11-01", "start date, end date")):
            status, html = await _get(admin, f"{base}/staff/requests?lang=en&{query}")
            assert status == 200, query
            assert f"were not understood and were left out: {named}." in html, query
            assert REFERENCE in html, query  # the filter is left out, not the list emptied
        status, html = await _get(admin, f"{base}/staff/requests?lang=ar&waiting=abc")
        assert status == 200 and "لم نفهم بعض عوامل التصفية فتُركت: أيام الانتظار" in html
        for path in ("/staff/audit", "/staff/reports"):
            status, html = await _get(admin, f"{base}{path}?lang=en&until=9999-12-31")
            assert status == 200, path
            assert ("were not understood" in html or "not a period" in html), path
        status, html = await _get(admin, f"{base}/staff/audit?lang=en&from=2026-12-01"
                                  "&until=2026-11-01")
        assert "left out: start date, end date." in html
        # Arabic-Indic digits are read as digits: the request waits fewer than ٣٠ days
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&waiting=٣٠")
        assert status == 200 and "not understood" not in html and REFERENCE not in html
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&from=٢٠٣٠-٠١-٠١")
        assert status == 200 and "not understood" not in html and REFERENCE not in html
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&waiting=0")
        assert status == 200 and "not understood" not in html


async def test_reason_templates_belong_to_their_decision_and_speak_the_notice_language(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    templates = deps.config.decisions.reason_templates
    meets = "مستوفٍ لشروط الدعم"
    assert [t.ar for t in templates.accept] == [meets] and meets not in [
        t.ar for t in templates.reject]
    page = f"{base}/staff/requests/{REFERENCE}"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        status, html = await _get(researcher, page + "?lang=en")
        assert status == 200
        accept_group = html.split('label="Reasons to accept">')[1].split("</optgroup>")[0]
        reject_group = html.split('label="Reasons to reject">')[1].split("</optgroup>")[0]
        assert "Meets the support criteria" in accept_group
        assert "Meets the support criteria" not in reject_group
        assert "The monthly income exceeds the eligibility limit" in reject_group
        async with researcher.post(page + "/decide", data={
                "csrf": csrf_of(html), "decision": "rejected", "template": "accepted:0"}) as resp:
            text = plain(await resp.text())
            assert resp.status == 400 and "belongs to the other decision" in text
        async with researcher.post(page + "/decide", data={
                "csrf": csrf_of(html), "decision": "rejected", "template": "rejected:9"}) as resp:
            assert resp.status == 400
        async with app.sessions() as session:
            row = await requests_repo.by_reference(session, reference=REFERENCE)
            assert row is not None and row.status == "submitted"
        async with researcher.post(page + "/decide", data={
                "csrf": csrf_of(html), "decision": "rejected", "template": "rejected:0"}) as resp:
            assert resp.status == 200
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=REFERENCE)
        assert row is not None and row.decision_reason == templates.reject[0].ar
    catalog = app.services.catalog
    english = decision_notice(catalog, "en", app.config, row, []).text
    arabic = decision_notice(catalog, "ar", app.config, row, []).text
    assert "The monthly income exceeds the eligibility limit" in english
    assert templates.reject[0].ar not in english and templates.reject[0].ar in arabic


async def test_only_staff_are_assigned(base: str, deps: ConsoleDeps, submitted: Convo,
                                       app: App) -> None:
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        for path in (COMPLAINT, APPLICATION):
            _, html = await _get(officer, f"{base}{path}?lang=en")
            for to in ("nobody", f"tg:{OFFICER}x"):
                async with officer.post(f"{base}{path}/assign",
                                        data={"csrf": csrf_of(html), "to": to}) as resp:
                    text = plain(await resp.text())
                    assert resp.status == 400, (path, to)
                    assert "not on the staff list" in text, (path, to)
            data = {"csrf": csrf_of(html), "to": f"tg:{RESEARCHER}"}
            async with officer.post(f"{base}{path}/assign", data=data) as resp:
                assert resp.status == 200, path
        page = f"{base}/staff/requests/{REFERENCE}"
        _, html = await _get(officer, page + "?lang=en")
        for to in ("nobody", f"tg:{OFFICER}"):  # an officer is staff but not a researcher
            async with officer.post(page + "/assign",
                                    data={"csrf": csrf_of(html), "to": to}) as resp:
                assert resp.status == 400 and "not a social-research officer" in plain(
                    await resp.text())
        async with officer.post(page + "/assign",
                                data={"csrf": csrf_of(html), "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 200
    async with app.sessions() as session:
        complaint = await session.get(Feedback, 1)
        application = await session.get(VolunteerApplication, 1)
        row = await requests_repo.by_reference(session, reference=REFERENCE)
    assert complaint is not None and complaint.assigned_to == f"tg:{RESEARCHER}"
    assert application is not None and application.assigned_to == f"tg:{RESEARCHER}"
    assert row is not None and row.assigned_to == f"tg:{RESEARCHER}"


async def test_a_decision_not_understood_is_a_400_not_a_conflict(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    page = f"{base}/staff/requests/{REFERENCE}"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        _, html = await _get(researcher, page + "?lang=en")
        for word in ("maybe", ""):
            async with researcher.post(page + "/decide", data={
                    "csrf": csrf_of(html), "decision": word, "reason": "x"}) as resp:
                text = plain(await resp.text())
                assert resp.status == 400, word
                assert "The decision was not understood" in text, word
                assert "already" not in text, word
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=REFERENCE)
    assert row is not None and row.status == "submitted"


async def test_reports_name_every_request_status_without_a_missing_text(
    base: str, deps: ConsoleDeps, submitted: Convo, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        for lang in ("ar", "en"):
            async with admin.get(f"{base}/staff/reports/charts/requests.png?lang={lang}") as resp:
                assert resp.status == 200 and (await resp.read()).startswith(b"\x89PNG")
            status, _ = await _get(admin, f"{base}/staff/reports?lang={lang}")
            assert status == 200
    assert [r.getMessage() for r in caplog.records if "missing text" in r.getMessage()] == []
    names = reports._names(deps, "en")
    assert {key for key in names if key.startswith("status:")} == {
        f"status:{s}" for s in RequestStatus if s != RequestStatus.DRAFT}
    assert names["status:withdrawn"] == "withdrawn" and names["status:closed"] == "closed"


async def test_console_errors_are_pages_in_the_staff_language(
    base: str, deps: ConsoleDeps, submitted: Convo
) -> None:
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        _, html = await _get(officer, f"{base}/staff/requests/{REFERENCE}")
        token = csrf_of(html)
        for path, status, ar, en in (
                ("/staff/audit", 403, "دورك لا يسمح بهذا", "Your role may not do this"),
                ("/staff/requests/GH-2026-999999", 404, "لا يوجد طلب بهذا الرقم المرجعي",
                 "There is no request with this reference"),
                ("/staff/nowhere", 404, "لا يوجد شيء على هذا العنوان",
                 "There is nothing at this address")):
            for lang, words in (("ar", ar), ("en", en)):
                async with officer.get(f"{base}{path}?lang={lang}") as resp:
                    text = plain(await resp.text())
                    assert resp.status == status, path
                    assert resp.content_type == "text/html", path
                    assert f'<html lang="{lang}"' in text and words in text, (path, lang)
        async with officer.post(f"{base}/staff/requests/{REFERENCE}/verify?lang=ar",
                                data={"csrf": token, "item": "nothing", "state": "x"}) as resp:
            text = plain(await resp.text())
            assert resp.status == 400 and "هذا البند أو هذه الحالة غير معروفة" in text
        async with officer.post(f"{base}/staff/feedback/CP-2026-000001/status?lang=en",
                                data={"csrf": "wrong", "status": "closed"}) as resp:
            text = plain(await resp.text())
            assert resp.status == 403 and "This form has expired" in text
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        _, html = await _get(researcher, f"{base}/staff/requests/{REFERENCE}")
        async with researcher.post(f"{base}{COMPLAINT}/notes?lang=en",
                                   data={"csrf": csrf_of(html), "notes": "x"}) as resp:
            text = plain(await resp.text())
            assert resp.status == 403 and "Your role may not do this" in text


async def test_staff_notes_have_one_limit_said_politely(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    long, fits = "ن" * (MAX_NOTE + 1), "ن" * MAX_NOTE
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        request_page = f"{base}/staff/requests/{REFERENCE}"
        _, html = await _get(officer, request_page + "?lang=en")
        assert f'id="note-text" maxlength="{MAX_NOTE}"' in html
        token = csrf_of(html)
        for path, field in ((f"{request_page}/notes", "text"), (f"{COMPLAINT}/notes", "notes"),
                            (f"{APPLICATION}/notes", "notes")):
            url = path if path.startswith("http") else base + path
            async with officer.post(url, data={"csrf": token, field: long}) as resp:
                text = plain(await resp.text())
                assert resp.status == 400, path
                assert f"at most {MAX_NOTE:,} characters" in text, path
            async with officer.post(url, data={"csrf": token, field: fits}) as resp:
                assert resp.status == 200, path
        _, html = await _get(officer, base + COMPLAINT)
        assert f'maxlength="{MAX_NOTE}"' in html
    async with app.sessions() as session:
        complaint = await session.get(Feedback, 1)
        notes = (await session.execute(select(RequestNote))).scalars().all()
    assert complaint is not None and complaint.notes == fits
    assert [n.text for n in notes] == [fits]
