"""The staff console over HTTP: sessions, CSRF, roles, the audit log, steps 5 to 7."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from bot.repo import staff as staff_repo
from models import RequestStatus, ScheduledMessage, StaffLoginLink, StaffSession
from tests.support.convo import plain
from tests.web.conftest import (
    ADMIN,
    OFFICER,
    REFERENCE,
    RESEARCHER,
    csrf_of,
    follow_link,
    page_token,
    signed_in,
)
from web.auth import issue_login_link, set_password
from web.deps import ConsoleDeps


async def _audit(app: App, action: str) -> list:  # type: ignore[type-arg]
    async with app.sessions() as session:
        return await staff_repo.audit_of(session, action=action)


async def test_no_page_without_a_session(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/staff/", "/staff/requests", f"/staff/requests/{REFERENCE}",
                     f"/staff/requests/{REFERENCE}/documents/1"):
            async with http.get(base + path, allow_redirects=False) as resp:
                assert resp.status == 303 and resp.headers["Location"] == "/staff/login"
        async with http.post(f"{base}/staff/requests/{REFERENCE}/decide",
                             data={"decision": "accepted"}) as resp:
            assert resp.status == 403
        async with http.get(base + "/staff/login") as resp:
            html = await resp.text()
            assert resp.status == 200 and 'dir="rtl"' in html and 'lang="ar"' in html
            assert "تسجيل الدخول" in html


async def test_a_link_signs_in_once_and_expires(base: str, deps: ConsoleDeps, app: App,
                                                clock: FrozenClock) -> None:
    assert await issue_login_link(deps, telegram_id=12345, base_url=base) is None  # not staff
    link = await issue_login_link(deps, telegram_id=OFFICER, base_url=base)
    assert link is not None and link.startswith(f"{base}/staff/login/")
    async with aiohttp.ClientSession() as http:
        for _ in range(2):  # a link preview's GET does not use the link up
            async with http.get(link) as resp:
                assert resp.status == 200 and 'id="continue"' in await resp.text()
        async with http.post(link, data={"csrf": "forged"}) as resp:
            assert resp.status == 403  # CSRF refused before any session exists
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        resp = await follow_link(http, link)
        assert resp.status == 200 and resp.url.path == "/staff/requests"
        cookie = resp.history[0].headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert (await follow_link(http, link)).status == 401  # single use
    late = await issue_login_link(deps, telegram_id=OFFICER, base_url=base)
    clock.advance(minutes=11)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert (await follow_link(http, str(late))).status == 401  # expired
    assert [a.staff_user_id for a in await _audit(app, "sign_in")] == [f"tg:{OFFICER}"]
    assert len(await _audit(app, "sign_in_failed")) == 2


async def test_idle_session_ends(base: str, deps: ConsoleDeps, clock: FrozenClock,
                                 app: App) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        clock.advance(minutes=31)
        async with http.get(base + "/staff/requests", allow_redirects=False) as resp:
            assert resp.status == 303
    await issue_login_link(deps, telegram_id=OFFICER, base_url=base)  # never used
    clock.advance(minutes=31)
    await (await signed_in(deps, base, ADMIN)).close()  # a sign-in prunes what is stale
    async with app.sessions() as session:
        live = (await session.execute(select(StaffSession))).scalars().all()
        links = (await session.execute(select(StaffLoginLink))).scalars().all()
    assert [s.staff_key for s in live] == [f"tg:{ADMIN}"]
    assert [link.used_at is not None for link in links] == [True]


async def test_leaving_the_roster_ends_the_session(base: str, deps: ConsoleDeps) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(base + "/staff/requests", allow_redirects=False) as resp:
            assert resp.status == 200
        del deps.roster[OFFICER]
        async with http.get(base + "/staff/requests", allow_redirects=False) as resp:
            assert resp.status == 303


async def test_password_sign_in_locks_after_failures(base: str, deps: ConsoleDeps,
                                                     app: App) -> None:
    assert await set_password(deps, username="noura", password="correct horse 12",
                              role="officer", name="نورة")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = await page_token(http, base + "/staff/login")
        async with http.post(base + "/staff/login", data={
                "username": "noura", "password": "correct horse 12"}) as resp:
            assert resp.status == 403  # no CSRF token
        for _ in range(5):
            async with http.post(base + "/staff/login", data={
                    "csrf": token, "username": "noura", "password": "wrong"}) as resp:
                assert resp.status == 401
                token = csrf_of(await resp.text())
        async with http.post(base + "/staff/login", data={
                "csrf": token, "username": "noura", "password": "correct horse 12"}) as resp:
            assert resp.status == 401 and "أُوقف الدخول مؤقتًا" in await resp.text()
    assert len(await _audit(app, "sign_in_failed")) == 5
    assert len(await _audit(app, "sign_in_locked")) == 1


async def test_password_sign_in_opens_a_session(base: str, deps: ConsoleDeps) -> None:
    await set_password(deps, username="noura", password="correct horse 12", role="admin")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(base + "/staff/login?lang=en") as resp:
            html = await resp.text()
            assert 'dir="ltr"' in html and "Sign in" in html
        async with http.post(base + "/staff/login", data={
                "csrf": csrf_of(html), "username": "noura",
                "password": "correct horse 12"}) as resp:
            assert resp.status == 200 and resp.url.path == "/staff/requests"
            assert "Support requests" in await resp.text()


async def test_list_filters_and_search(base: str, deps: ConsoleDeps,
                                       clock: FrozenClock) -> None:
    link = str(await issue_login_link(deps, telegram_id=OFFICER, base_url=base))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as fresh:
        token = await page_token(fresh, link)
        async with fresh.post(link, data={"csrf": token}, allow_redirects=False) as resp:
            assert resp.status == 303
        for first_visit in (True, False):  # new since the last visit stands out, once
            async with fresh.get(f"{base}/staff/requests") as resp:
                assert ('class="badge"' in await resp.text()) is first_visit
    http = await signed_in(deps, base, OFFICER)
    async with http:
        for query, found in (("", True), ("?status=submitted", True), ("?status=accepted", False),
                             ("?support_type=food_basket&branch=main_office", True),
                             ("?branch=north_branch", False), ("?q=gh-2026-000001", True),
                             ("?q=١٠٠٠٠٠٠٠٠٨", True), ("?q=0501234567", True),
                             ("?q=0551234567", False), ("?from=2026-11-22&until=2026-11-22", True),
                             ("?from=2026-11-23", False), ("?waiting=14", False)):
            async with http.get(f"{base}/staff/requests{query}") as resp:
                assert (REFERENCE in await resp.text()) is found, query
    clock.advance(days=15)
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(f"{base}/staff/requests?waiting=١٤") as resp:
            html = plain(await resp.text())
            assert REFERENCE in html and "15 يومًا" in html  # waiting for 15 days
        async with http.get(f"{base}/staff/requests?waiting=20") as resp:
            assert REFERENCE not in await resp.text()


async def test_request_page_masks_and_reveals_with_audit(base: str, deps: ConsoleDeps,
                                                         app: App) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(f"{base}/staff/requests/{REFERENCE}") as resp:
            html = await resp.text()
            assert "••••••0008" in html and "1000000008" not in html
            assert "محمد أحمد العتيبي" in html and "5" in html and "3000" in html
            assert 'id="reveal"' not in html  # an officer may not reveal
            assert "<dd>الطرفية</dd>" in html  # the channel signed on, by its name
            assert "<bdi>المستفيد</bdi>" in html and "beneficiary:" not in html  # who submitted
        async with http.post(f"{base}/staff/requests/{REFERENCE}/reveal",
                             data={"csrf": csrf_of(html)}) as resp:
            assert resp.status == 403 and "1000000008" not in await resp.text()
    http = await signed_in(deps, base, RESEARCHER)
    async with http:
        async with http.get(f"{base}/staff/requests/{REFERENCE}") as resp:
            html = await resp.text()
        async with http.post(f"{base}/staff/requests/{REFERENCE}/reveal",
                             data={"csrf": "wrong"}) as resp:
            assert resp.status == 403  # CSRF refused
        async with http.post(f"{base}/staff/requests/{REFERENCE}/reveal",
                             data={"csrf": csrf_of(html)}) as resp:
            assert resp.status == 200 and "1000000008" in await resp.text()
    reveals = await _audit(app, "reveal_national_id")
    assert [(a.staff_user_id, a.allowed) for a in reveals] == [
        (f"tg:{OFFICER}", False), (f"tg:{RESEARCHER}", True)]
    assert reveals[1].request_id is not None


async def test_documents_are_served_decrypted_and_audited(base: str, deps: ConsoleDeps,
                                                          app: App) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(f"{base}/staff/requests/{REFERENCE}") as resp:
            html = await resp.text()
        assert "<iframe" in html and "<img" in html
        paths = sorted(set(__import__("re").findall(
            rf"/staff/requests/{REFERENCE}/documents/\d+", html)))
        assert len(paths) == 2
        async with http.get(base + paths[0]) as resp:
            body = await resp.read()
            assert resp.status == 200 and body.startswith((b"%PDF", b"\x89PNG"))
            assert resp.headers["Content-Disposition"].startswith("inline")
        async with http.get(base + paths[0] + "?download=1") as resp:
            assert resp.headers["Content-Disposition"].startswith("attachment")
        async with http.get(f"{base}/staff/requests/{REFERENCE}/documents/999") as resp:
            assert resp.status == 404
    assert len(await _audit(app, "document_view")) == 1
    assert len(await _audit(app, "document_download")) == 1


async def test_roles_decide_and_deliver(base: str, deps: ConsoleDeps, app: App) -> None:
    page = f"{base}/staff/requests/{REFERENCE}"
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        async with officer.get(page) as resp:
            html = await resp.text()
            assert 'id="accept"' not in html
        async with officer.post(page + "/decide", data={"csrf": csrf_of(html),
                                                         "decision": "accepted"}) as resp:
            assert resp.status == 403
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        token = await page_token(researcher, page)
        async with researcher.post(page + "/decide", data={"csrf": token,
                                                           "decision": "rejected"}) as resp:
            assert resp.status == 400  # a rejection needs a reason
        async with researcher.post(page + "/decide", data={
                "csrf": token, "decision": "accepted", "reason": "مستوفٍ للشروط"}) as resp:
            assert resp.status == 200 and "سُجّل القرار" in await resp.text()
        async with researcher.post(page + "/status", data={
                "csrf": token, "to": "registration_completed"}) as resp:
            assert resp.status == 403  # steps 6-7 are the officer's and the admin's
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        token = await page_token(admin, page)
        for step in ("registration_completed", "service_delivered"):
            async with admin.post(page + "/status", data={"csrf": token, "to": step}) as resp:
                assert resp.status == 200
        async with admin.post(page + "/status", data={"csrf": token,
                                                      "to": "service_delivered"}) as resp:
            assert resp.status == 409
    async with app.sessions() as session:
        from bot.repo import requests

        row = await requests.by_reference(session, reference=REFERENCE)
        assert row is not None and row.status == RequestStatus.SERVICE_DELIVERED
        history = await staff_repo.history_of(session, request_id=row.id or 0)
        assert history[-1].actor == f"console:tg:{ADMIN}"
        assert history[0].at == row.submitted_at  # the first status on the turn's clock
        from sqlalchemy import select

        kinds = {m.kind for m in (await session.execute(select(ScheduledMessage))).scalars()}
        assert {"decision", "survey"} <= kinds
    refused = [a for a in await _audit(app, "decide") if not a.allowed]
    assert [a.staff_user_id for a in refused] == [f"tg:{OFFICER}"]


async def test_step3_refer_to_the_researcher(base: str, deps: ConsoleDeps, app: App) -> None:
    page = f"{base}/staff/requests/{REFERENCE}"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        async with researcher.get(page) as resp:
            html = await resp.text()
            assert 'id="assign"' not in html
        async with researcher.post(page + "/assign", data={"csrf": csrf_of(html),
                                                           "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 403  # the officer refers, not the researcher
        async with researcher.get(f"{base}/staff/requests?mine=1") as resp:
            assert REFERENCE not in await resp.text()
    officer = await signed_in(deps, base, OFFICER)
    async with officer:
        async with officer.get(page) as resp:
            html = await resp.text()
            assert f'value="tg:{RESEARCHER}"' in html
        async with officer.post(page + "/assign", data={"csrf": csrf_of(html),
                                                        "to": f"tg:{RESEARCHER}"}) as resp:
            assert resp.status == 200 and 'id="assignee"' in await resp.text()
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher, researcher.get(f"{base}/staff/requests?mine=1") as resp:
        assert REFERENCE in await resp.text()  # "assigned to me"
    assert [a.allowed for a in await _audit(app, "assign")] == [False, True]
