"""The console's part 2 over HTTP: volunteers, suggestions and complaints, rights requests,
the audit log (admins only) and the reports; sessions, CSRF and roles on every page."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

import aiohttp
import pytest
from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from models import Feedback, RightsRequest, SatisfactionSurvey, StaffAction, VolunteerApplication
from tests.support.convo import Convo, plain
from tests.web.conftest import ADMIN, OFFICER, REFERENCE, RESEARCHER, csrf_of, signed_in
from web.deps import ConsoleDeps

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)  # a receipt's photo (PNG by its magic bytes)
PAGES = ("/staff/volunteers", "/staff/volunteers.csv", "/staff/volunteers/VL-2026-000001",
         "/staff/suggestions", "/staff/complaints", "/staff/feedback/CP-2026-000001",
         "/staff/feedback/CP-2026-000001/attachment",
         "/staff/rights", "/staff/audit", "/staff/audit.csv", "/staff/reports",
         "/staff/reports/charts/requests.png", "/staff/reports/requests.csv")
ACTIONS = ("/staff/volunteers/VL-2026-000001/status", "/staff/volunteers/VL-2026-000001/assign",
           "/staff/volunteers/VL-2026-000001/notes", "/staff/feedback/CP-2026-000001/status",
           "/staff/feedback/CP-2026-000001/reply", "/staff/rights/1/done")


async def volunteer(convo: Convo) -> None:
    """The beneficiary signs up as a volunteer (VL-2026-000001)."""
    await convo.send("القائمة")
    await convo.press("التسجيل كمتطوع")
    for answer in ("خالد عبدالله", "0561234567", "الرياض", "التصوير والتنظيم"):
        await convo.send(answer)
    assert "VL-2026-000001" in convo.text(await convo.press("نهاية الأسبوع"))


async def feedback(convo: Convo, kind: str, text: str, file: bytes | None = None) -> None:
    """The beneficiary sends a suggestion ("اقتراح") or a complaint ("شكوى"), maybe a file."""
    await convo.send("القائمة")
    await convo.press("اقتراح أو شكوى")
    await convo.press(kind)
    if file is not None:
        await convo.upload(file, "image/png", "receipt.png")
    await convo.send(text)


async def file_everything(convo: Convo) -> Convo:
    """The beneficiary volunteers, makes a suggestion and a complaint, and asks to correct
    their data. Done before the console starts: the runtime's dispatcher would otherwise deliver
    the chat's replies concurrently with the chat's own draining."""
    await volunteer(convo)
    await feedback(convo, "اقتراح", "أقترح إضافة خدمة حجز موعد في الفرع")
    await feedback(convo, "شكوى", "تأخر الرد على طلبي ولم يتواصل معي أحد", PNG)
    await convo.send("القائمة")
    await convo.press("بياناتي")
    await convo.press("تصحيح بياناتي")
    await convo.send("اسمي الصحيح محمد أحمد العتيبي")
    return convo


@pytest.fixture
async def submitted(submitted: Convo) -> Convo:
    """conftest's beneficiary (a request before the committee) with everything else filed."""
    return await file_everything(submitted)


async def heard(app: App, convo: Convo, needle: str) -> str:
    """What the beneficiary has received, once it contains `needle` (the outbox delivers)."""
    seen = ""
    for _ in range(50):
        await app.dispatcher.drain_once()
        seen += convo.text(convo.new_messages())
        if needle in seen:
            break
        await asyncio.sleep(0.05)
    return seen


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    """A page's status and HTML (without Fluent's bidi isolation marks)."""
    async with http.get(url) as resp:
        return resp.status, plain(await resp.text())


async def _post(http: aiohttp.ClientSession, url: str, page: str, **data: str) -> tuple[int, str]:
    """Submit a form of `page` (its CSRF token) with `data`."""
    async with http.post(url, data={"csrf": csrf_of(page), **data}) as resp:
        return resp.status, plain(await resp.text())


async def _audit(app: App, action: str) -> list[StaffAction]:
    async with app.sessions() as session:
        stmt = select(StaffAction).where(StaffAction.action == action).order_by(StaffAction.id)
        return list((await session.execute(stmt)).scalars())


async def test_no_list_page_without_a_session_and_no_change_without_csrf(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    async with aiohttp.ClientSession() as http:
        for path in PAGES:
            async with http.get(base + path, allow_redirects=False) as resp:
                assert resp.status == 303 and resp.headers["Location"] == "/staff/login", path
        for path in ACTIONS:
            async with http.post(base + path, data={"status": "accepted"}) as resp:
                assert resp.status == 403, path
    http = await signed_in(deps, base, OFFICER)
    async with http:
        for path in ACTIONS:
            async with http.post(base + path, data={"status": "accepted", "csrf": "x"}) as resp:
                assert resp.status == 403, path
    async with app.sessions() as session:
        row = (await session.execute(select(VolunteerApplication))).scalar_one()
        assert row.status == "new"


async def test_a_volunteer_is_followed_up_and_hears_back(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        status, html = await _get(http, base + "/staff/volunteers")
        assert status == 200 and "VL-2026-000001" in html and "خالد عبدالله" in html
        status, page = await _get(http, base + "/staff/volunteers/VL-2026-000001")
        assert status == 200 and "+966561234567" in page and "التصوير والتنظيم" in page
        status, page = await _post(http, base + "/staff/volunteers/VL-2026-000001/status",
                                   page, status="contacted")
        assert status == 200 and "تم الحفظ" in page
        told = await heard(app, submitted, "VL-2026-000001")
        assert "اطّلع فريق التطوع على طلبك VL-2026-000001" in told
        status, page = await _post(http, base + "/staff/volunteers/VL-2026-000001/assign",
                                   page, to=f"tg:{OFFICER}")
        status, page = await _post(http, base + "/staff/volunteers/VL-2026-000001/notes",
                                   page, notes="اتصلت به،\nيفضّل صباح السبت")
        assert 'id="assignee">tg:9001' in page and "يفضّل صباح السبت" in page
        status, page = await _post(http, base + "/staff/volunteers/VL-2026-000001/status",
                                   page, status="retired")
        assert status == 400
        async with http.get(base + "/staff/volunteers.csv?status=contacted") as resp:
            body = (await resp.read()).decode("utf-8-sig")
            assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(body)))
        assert len(lines) == 2 and lines[1][2:4] == ["خالد عبدالله", "+966561234567"]
        assert lines[1][7:] == ["contacted", f"tg:{OFFICER}", "اتصلت به،\nيفضّل صباح السبت"]
        status, html = await _get(http, base + "/staff/volunteers?status=new")
        assert "VL-2026-000001" not in html
        status, html = await _get(http, base + "/staff/volunteers?mine=1")
        assert "VL-2026-000001" in html
    async with app.sessions() as session:
        row = (await session.execute(select(VolunteerApplication))).scalar_one()
        assert (row.status, row.assigned_to, row.notes) == (
            "contacted", f"tg:{OFFICER}", "اتصلت به،\nيفضّل صباح السبت")
    assert [a.detail for a in await _audit(app, "volunteer_status")] == [
        "VL-2026-000001: new -> contacted (told on terminal)"]
    assert len(await _audit(app, "volunteer_view")) == 1
    assert len(await _audit(app, "volunteer_export")) == 1
    researcher = await signed_in(deps, base, RESEARCHER)  # may read, may not change
    async with researcher:
        status, page = await _get(researcher, base + "/staff/volunteers/VL-2026-000001")
        assert status == 200 and 'id="set-status"' not in page
        status, _ = await _post(researcher, base + "/staff/volunteers/VL-2026-000001/status",
                                page, status="accepted")
        assert status == 403
    assert [a.allowed for a in await _audit(app, "volunteer_status")] == [True, False]


async def test_complaints_and_suggestions_are_apart_answered_and_flagged(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App, clock: FrozenClock
) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        _, complaints = await _get(http, base + "/staff/complaints")
        _, suggestions = await _get(http, base + "/staff/suggestions")
        assert "CP-2026-000001" in complaints and "SG-2026-000001" not in complaints
        assert "SG-2026-000001" in suggestions and "CP-2026-000001" not in suggestions
        assert "late" not in complaints  # not flagged yet
        status, page = await _get(http, base + "/staff/feedback/CP-2026-000001")
        assert status == 200 and "تأخر الرد على طلبي" in page
        async with http.get(base + "/staff/feedback/CP-2026-000001/attachment") as resp:
            assert resp.status == 200 and await resp.read() == PNG
            assert resp.headers["Content-Type"] == "image/png"
            assert resp.headers["Content-Disposition"].startswith("attachment;")
        async with http.get(base + "/staff/feedback/SG-2026-000001/attachment") as resp:
            assert resp.status == 404  # the suggestion came without a file
        status, page = await _post(http, base + "/staff/feedback/CP-2026-000001/reply", page,
                                   text="نعتذر عن التأخير، تمت مراجعة طلبك اليوم.")
        assert status == 200 and "الرد في طريقه" in page
        told = await heard(app, submitted, "نعتذر عن التأخير")
        assert "رد بخصوص CP-2026-000001" in told and "تمت مراجعة طلبك اليوم" in told
        status, _ = await _post(http, base + "/staff/feedback/CP-2026-000001/reply", page,
                                text=" ")
        assert status == 400
    clock.advance(minutes=(app.config.staff.complaint_flag_days + 1) * 24 * 60)
    http = await signed_in(deps, base, OFFICER)  # the idle session has ended meanwhile
    async with http:
        _, flagged = await _get(http, base + "/staff/complaints?flagged=1")
        assert "CP-2026-000001" in flagged and "badge late" in flagged
        status, page = await _get(http, base + "/staff/feedback/CP-2026-000001")
        status, page = await _post(http, base + "/staff/feedback/CP-2026-000001/status", page,
                                   status="closed")
        _, flagged = await _get(http, base + "/staff/complaints?flagged=1")
        assert "CP-2026-000001" not in flagged
    async with app.sessions() as session:
        item = (await session.execute(select(Feedback).where(Feedback.kind == "complaint"))
                ).scalar_one()
        assert item.status == "closed" and item.replied_at is not None and item.closed_at
    assert [a.detail for a in await _audit(app, "feedback_reply")] == [
        "CP-2026-000001: reply on terminal"]
    assert [a.detail for a in await _audit(app, "feedback_attachment")] == ["CP-2026-000001"]


async def test_the_audit_log_is_for_admins_only(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        for path in ("/staff/audit", "/staff/audit.csv"):
            async with officer.get(base + path) as resp:
                assert resp.status == 403, path
        _, html = await _get(officer, base + "/staff/requests")
        assert 'href="/staff/audit"' not in html
    assert [a.allowed for a in await _audit(app, "audit_view")] == [False]
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        status, html = await _get(admin, base + "/staff/audit")
        assert status == 200 and "sign_in" in html and f"tg:{OFFICER}" in html
        status, html = await _get(admin, base + f"/staff/audit?who=tg:{OFFICER}&refused=1")
        assert "audit_view" in html and f"<bdi>tg:{ADMIN}</bdi>" not in html
        assert f"<bdi>tg:{OFFICER}</bdi>" in html
        status, html = await _get(admin, base + "/staff/audit?from=2030-01-01")
        assert "لا يوجد ما يُعرض" in html
        async with admin.get(base + "/staff/audit.csv?action=sign_in") as resp:
            lines = (await resp.read()).decode("utf-8-sig").strip().splitlines()
        assert lines[0].startswith("at,staff,role,action")
        assert sorted(line.split(",")[1] for line in lines[1:]) == [f"tg:{OFFICER}",
                                                                    f"tg:{ADMIN}"]


async def test_rights_requests_show_their_deadline_and_are_closed(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    async with app.sessions() as session:
        row = (await session.execute(select(RightsRequest).where(
            RightsRequest.status == "open"))).scalar_one()
    due = row.due_at.astimezone(app.config.tz).date().isoformat()
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        status, html = await _get(researcher, base + "/staff/rights")
        assert status == 200 and due in html and "بقي 30 يوماً" in html
        assert f'id="done-{row.id}"' not in html
        status, _ = await _post(researcher, base + f"/staff/rights/{row.id}/done", html)
        assert status == 403
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        _, html = await _get(officer, base + "/staff/rights")
        status, html = await _post(officer, base + f"/staff/rights/{row.id}/done", html,
                                   note="صُحّح الاسم في السجل")
        assert status == 200 and "سُجّل أنه تم الرد" in html and "تم الرد" in html
        status, _ = await _post(officer, base + f"/staff/rights/{row.id}/done", html)
        assert status == 409
    async with app.sessions() as session:
        done = await session.get(RightsRequest, row.id)
        assert done is not None and done.status == "done" and done.note == "صُحّح الاسم في السجل"


async def test_reports_keep_triggers_apart_and_measure_days_to_decision(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App, clock: FrozenClock
) -> None:
    now = clock.now()
    async with app.sessions() as session, session.begin():
        for trigger, ratings in (("decision", (5, 5, 4, 1)), ("delivery", (2, 1))):
            for rating in ratings:
                session.add(SatisfactionSurvey(
                    beneficiary_id=1, trigger=trigger, channel="telegram",
                    service_type="food_basket", status="answered", rating=rating,
                    sent_at=now, answered_at=now))
    clock.advance(minutes=15 * 24 * 60)  # the committee decides after 15 days
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        _, page = await _get(admin, base + f"/staff/requests/{REFERENCE}")
        status, _ = await _post(admin, base + f"/staff/requests/{REFERENCE}/decide", page,
                                decision="accepted", reason="مستوفٍ")
        assert status == 200
        status, html = await _get(admin, base + "/staff/reports")
        assert status == 200
        rows = html.split('id="satisfaction"')[1].split("</table>")[0]
        assert "75.0%" in rows and "0.0%" in rows  # decision 3 of 4; delivery 0 of 2
        assert "62.5%" not in html  # never the 5 of 8 mixed headline
        decisions = html.split('id="decisions"')[1].split("</section>")[0]
        assert "<dd>15.0</dd>" in decisions
        assert "قرارات بعد 14 يوماً أو أكثر</dt><dd>1</dd>" in decisions
        for name in ("csat_over_time", "csat_by_channel", "csat_by_service_type",
                     "response_rate", "requests", "decision_days"):
            async with admin.get(base + f"/staff/reports/charts/{name}.png") as resp:
                body = await resp.read()
                assert resp.status == 200 and body.startswith(b"\x89PNG") and len(body) > 5000
        async with admin.get(base + "/staff/reports/decisions.csv") as resp:
            lines = (await resp.read()).decode("utf-8-sig").strip().splitlines()
        assert lines[1].split(",")[2:] == ["15.0", "accepted"]
        async with admin.get(base + "/staff/reports/counts.csv") as resp:
            counts = (await resp.read()).decode("utf-8-sig")
        assert "volunteer,new,1" in counts and "complaint,new,1" in counts
        async with admin.get(base + "/staff/reports/surveys.csv") as resp:
            surveys = (await resp.read()).decode("utf-8-sig").strip().splitlines()
        assert len(surveys) == 7  # a header and the six surveys of the last 30 days…
        day = (now.astimezone(app.config.tz).date() + dt.timedelta(days=1)).isoformat()
        async with admin.get(base + f"/staff/reports/surveys.csv?from={day}") as resp:
            surveys = (await resp.read()).decode("utf-8-sig").strip().splitlines()
        assert len(surveys) == 1  # … and none in a period that starts the day after
        status, html = await _get(admin, base + "/staff/reports?from=2026-12-01&until=2026-11-01")
        assert status == 200 and "لا تكوّن فترة" in html and "75.0%" in html  # the default
        async with admin.get(base + "/staff/reports/nothing.csv") as resp:
            assert resp.status == 404
