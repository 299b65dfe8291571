"""The request page's casework: linked channels, the conversation, internal notes, and step 2
(verify each answer and document; the beneficiary asked to correct or upload on their channel)."""

from __future__ import annotations

import re

import aiohttp
from sqlalchemy import select, text

from app.wiring import App
from bot.repo import requests as requests_repo
from bot.repo import staff as staff_repo
from models import RequestCorrection, RequestNote
from tests.support.convo import Convo, plain
from tests.web.conftest import (
    OFFICER,
    REFERENCE,
    RESEARCHER,
    csrf_of,
    heard,
    mark,
    page_token,
    signed_in,
)
from web.deps import ConsoleDeps

PAGE = f"/staff/requests/{REFERENCE}"


async def _audit(app: App, action: str) -> list:  # type: ignore[type-arg]
    async with app.sessions() as session:
        return await staff_repo.audit_of(session, action=action)


async def test_page_shows_channels_and_the_conversation(base: str, deps: ConsoleDeps) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http, http.get(base + PAGE) as resp:
        html = plain(await resp.text())
    channels = html[html.index('id="channels"'):html.index("</ul>", html.index('id="channels"'))]
    assert "الطرفية" in channels and "تصلها إشعارات هذا الطلب" in channels
    transcript = html[html.index('id="transcript"'):]
    assert "أسرة من خمسة أفراد" in transcript or "سلة غذائية" in transcript
    assert "1000000008" not in html  # the ID typed in the chat stays redacted


async def test_notes_are_added_listed_audited_and_encrypted(base: str, deps: ConsoleDeps,
                                                            app: App) -> None:
    http = await signed_in(deps, base, RESEARCHER)
    async with http:
        token = await page_token(http, base + PAGE)
        async with http.post(base + PAGE + "/notes", data={"csrf": "x", "text": "n"}) as resp:
            assert resp.status == 403  # CSRF refused
        async with http.post(base + PAGE + "/notes", data={"csrf": token, "text": "  "}) as resp:
            assert resp.status == 400
        async with http.post(base + PAGE + "/notes", data={
                "csrf": token, "text": "اتصلت بالمستفيد وأكد العنوان"}) as resp:
            html = await resp.text()
            assert resp.status == 200 and "اتصلت بالمستفيد وأكد العنوان" in html
    audit = await _audit(app, "note")
    assert len(audit) == 1 and audit[0].staff_user_id == f"tg:{RESEARCHER}"
    async with app.sessions() as session:
        raw = (await session.execute(text("SELECT text FROM requestnote"))).scalar_one()
        assert "اتصلت" not in raw  # encrypted at rest
        note = (await session.execute(select(RequestNote))).scalar_one()
        assert note.text == "اتصلت بالمستفيد وأكد العنوان"


async def test_an_answer_needing_correction_is_asked_and_corrected(
        base: str, deps: ConsoleDeps, app: App, submitted: Convo) -> None:
    submitted.new_messages()
    http = await signed_in(deps, base, OFFICER)
    async with http:
        token = await page_token(http, base + PAGE)
        status, _ = await mark(http, base + PAGE, "answer:support_type", "needs_correction",
                               token)
        assert status == 400  # a different support type is a different request
        status, html = await mark(http, base + PAGE, "answer:family_size", "needs_correction",
                                  token)
        assert status == 200 and "طُلب ذلك من المستفيد" in plain(html)
    await app.dispatcher.drain_once()
    asked = await heard(submitted, REFERENCE)
    assert "عدد أفراد الأسرة" in asked and REFERENCE in asked
    refused = await heard(submitted, "عدد أفراد الأسرة", await submitted.send("كثير"))
    assert "رقماً" in refused and "عدد أفراد الأسرة" in refused  # the form's own check, again
    thanks = await heard(submitted, "صُحّحت إجابتك", await submitted.send("٧"))
    assert "صُحّحت إجابتك" in thanks and REFERENCE in thanks
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=REFERENCE)
        assert row is not None and row.family_size == 7
        fixes = (await session.execute(select(RequestCorrection))).scalars().all()
        assert [(f.field, f.old_value, f.new_value, f.actor) for f in fixes] == [
            ("family_size", "5", "7", "beneficiary")]
    http = await signed_in(deps, base, OFFICER)
    async with http, http.get(base + PAGE) as resp:
        html = plain(await resp.text())
        assert "صحّحه المستفيد: تحقق مجددًا" in html
        corrections = html[html.index('id="corrections"'):]
        assert "5</bdi> → <bdi>7" in corrections
    verified = await _audit(app, "verify")
    assert [a.detail for a in verified] == [
        f"{REFERENCE}: answer:family_size needs_correction (beneficiary asked)"]


async def test_a_missing_document_is_asked_for_and_uploaded(
        base: str, deps: ConsoleDeps, app: App, submitted: Convo) -> None:
    submitted.new_messages()
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(base + PAGE) as resp:
            html = await resp.text()
        items = re.findall(r'name="item" value="(document:[a-z_]+)"', html)
        assert items, "the checklist lists the documents"
        assert (await mark(http, base + PAGE, items[0], "missing", csrf_of(html)))[0] == 200
        assert (await mark(http, base + PAGE, items[-1], "verified", csrf_of(html)))[0] == 200
    await app.dispatcher.drain_once()
    assert "يمكنك رفعه هنا الآن" in await heard(submitted, REFERENCE)  # asked, with a button
    await submitted.press("رفع المستندات")
    await submitted.upload(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
                           "application/pdf", "again.pdf")
    http = await signed_in(deps, base, OFFICER)
    async with http, http.get(base + PAGE) as resp:
        html = plain(await resp.text())
    doc = items[0].replace(":", "-")
    assert re.search(rf'id="state-{doc}">صحّحه المستفيد', html)
    assert re.search(rf'id="state-{items[-1].replace(":", "-")}">تم التحقق', html)


async def test_verify_needs_a_session_and_a_known_item(base: str, deps: ConsoleDeps) -> None:
    async with aiohttp.ClientSession() as anonymous, anonymous.post(
            base + PAGE + "/verify", data={"item": "answer:full_name", "state": "verified"}
    ) as resp:
        assert resp.status == 403
    http = await signed_in(deps, base, OFFICER)
    async with http:
        token = await page_token(http, base + PAGE)
        assert (await mark(http, base + PAGE, "answer:secret", "verified", token))[0] == 400
        no_csrf = await mark(http, base + PAGE, "answer:full_name", "verified", None)
        assert no_csrf[0] == 403


async def test_a_busy_beneficiary_corrects_through_the_button(
        base: str, deps: ConsoleDeps, app: App, submitted: Convo) -> None:
    await heard(submitted, "ما سبب طلبك", await submitted.press("التحدث مع موظف"))  # busy
    submitted.new_messages()
    http = await signed_in(deps, base, OFFICER)
    async with http:
        token = await page_token(http, base + PAGE)
        status, _ = await mark(http, base + PAGE, "answer:full_name", "needs_correction", token)
        assert status == 200
    await app.dispatcher.drain_once()
    assert "الاسم الكامل" in await heard(submitted, "الاسم الكامل")
    prompt = await heard(submitted, "اسمك", await submitted.press("صحّحها الآن"))
    assert "اسمك الرباعي" in prompt and "لنبدأ طلب الدعم" not in prompt
    assert "صُحّحت إجابتك" in await heard(submitted, "صُحّحت إجابتك",
                                          await submitted.send("محمد أحمد سعد العتيبي"))
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=REFERENCE)
        assert row is not None and row.full_name == "محمد أحمد سعد العتيبي"
    researcher = await signed_in(deps, base, RESEARCHER)
    async with researcher:
        token = await page_token(researcher, base + PAGE)
        async with researcher.post(base + PAGE + "/decide", data={
                "csrf": token, "decision": "accepted"}) as resp:
            assert resp.status == 200
    old_button = next(m for m in reversed(submitted.sender.inbox["u1"]) if m.choices
                      and "صحّحها الآن" in submitted.labels([m]))
    again = await heard(submitted, "لم يعد هذا التصحيح مطلوبًا",
                        await submitted.send(payload=old_button.choices[0].id))
    assert "لم يعد هذا التصحيح مطلوبًا" in again  # the request moved on: nothing to correct
