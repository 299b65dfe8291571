"""The desk's cases in the browser: the same services as the staff group, both doors, live."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from app.runtime import Runtime
from app.wiring import App
from desk.roster import Staff
from models import Escalation, StaffAction
from tests.staff.conftest import FakeGroup, ask_for_person, staff_says
from tests.support.convo import Convo, RecordingSender
from tests.support.serving import on_free_port
from tests.web.conftest import ADMIN, OFFICER, RESEARCHER, STAFF_IDS, csrf_of, signed_in
from web.deps import DEPS, ConsoleDeps

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def desk_runtime(app: App, convo: Convo, monkeypatch: pytest.MonkeyPatch
                       ) -> AsyncIterator[tuple[Runtime, FakeGroup]]:
    """A beneficiary who asked for a person (case #1); the HTTP server with the console and
    the staff desk on a (recorded) staff group."""
    from app.channels import staff_desk

    monkeypatch.setenv("TELEGRAM_STAFF_IDS", STAFF_IDS)
    sender = RecordingSender("telegram")
    app.add_sender(sender)
    group = FakeGroup(sender)
    on_free_port(app, console=True)
    rt = Runtime(app, [])
    desk = staff_desk(app, group, {OFFICER: Staff(OFFICER, "officer")})
    rt.links.desks.append(desk)
    await ask_for_person(convo)  # before the runtime's own dispatcher races the test's drains
    await app.dispatcher.drain_once()
    await rt.start()
    rt.web_app[DEPS].live_poll_seconds = 0.05
    yield rt, group
    await rt.stop()


@pytest.fixture
def live(desk_runtime: tuple[Runtime, FakeGroup]) -> tuple[str, ConsoleDeps, FakeGroup]:
    """The console's origin, its collaborators, the staff group."""
    rt, group = desk_runtime
    return f"http://127.0.0.1:{rt.port}", rt.web_app[DEPS], group


async def _case(app: App) -> Escalation:
    async with app.sessions() as session:
        case = (await session.execute(select(Escalation))).scalars().first()
    assert case is not None
    return case


async def _heard(app: App, convo: Convo, wanted: str) -> str:
    """What the beneficiary received until `wanted` arrived (the runtime delivers too)."""
    heard = ""
    for _ in range(100):
        await app.dispatcher.drain_once()
        heard += convo.text(convo.new_messages())
        if wanted in heard:
            break
        await asyncio.sleep(0.05)
    return heard


async def _until(check: object, timeout: float = 5.0) -> None:
    """Wait until a condition holds (the runtime's dispatcher delivers in the background)."""
    async with asyncio.timeout(timeout):
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.05)


async def _post(http: aiohttp.ClientSession, url: str, page: str, **data: object
                ) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("csrf", csrf_of(page))
    for name, value in data.items():
        if isinstance(value, tuple):
            form.add_field(name, value[0], filename=value[1], content_type=value[2])
        else:
            form.add_field(name, str(value))
    async with http.post(url, data=form) as resp:
        return resp.status, await resp.text()


async def test_reply_from_the_browser_reaches_the_beneficiary_and_the_topic(
    app: App, convo: Convo, live: tuple[str, ConsoleDeps, FakeGroup]
) -> None:
    base, deps, group = live
    case = await _case(app)
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(f"{base}/staff/conversations") as resp:
            listing = await resp.text()
        assert resp.status == 200 and f'href="/staff/conversations/{case.id}"' in listing
        url = f"{base}/staff/conversations/{case.id}"
        async with http.get(url) as resp:
            page = await resp.text()
        assert resp.status == 200 and "أحتاج مساعدة في تعبئة الطلب" in page
        assert "<dd>الطرفية</dd>" in page and ">الطرفية</td>" in listing  # the channel's name
        convo.new_messages()
        status, after = await _post(http, f"{url}/reply", page, text="أهلاً، كيف أخدمك؟")
        assert status == 200 and "أُرسل الرد" in after
        heard = await _heard(app, convo, "أهلاً، كيف أخدمك؟")
        assert "أهلاً، كيف أخدمك؟" in heard and "موظف علاقات المستفيدين" in heard
        assert "Huda" not in heard and "9001" not in heard  # signed by role, not by person
        await _until(lambda: "أهلاً، كيف أخدمك؟" in group.texts())  # in the group's topic too
        assert (await _case(app)).status == "claimed"  # the first answer takes the case
        # The beneficiary's next message goes to the topic (the desk) and to the page.
        await convo.send("شكراً، عندي سؤال عن المستندات")
        await _until(lambda: "عندي سؤال عن المستندات" in group.texts())
        async with http.get(url) as resp:
            assert "عندي سؤال عن المستندات" in await resp.text()


async def test_a_group_reply_and_a_file_show_in_the_live_feed(
    app: App, convo: Convo, live: tuple[str, ConsoleDeps, FakeGroup],
    desk_runtime: tuple[Runtime, FakeGroup],
) -> None:
    base, deps, _ = live
    case = await _case(app)
    desk = desk_runtime[0].links.desks[0]
    http = await signed_in(deps, base, ADMIN)
    async with http:
        async with http.get(f"{base}/staff/conversations/{case.id}") as resp:
            page = await resp.text()
        cursor = page.split('data-cursor="')[1].split('"')[0]
        events = f"{base}/staff/conversations/{case.id}/events?after={cursor}"
        async with http.get(events) as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            await staff_says(app, desk, OFFICER, "رد من المجموعة", thread=case.topic_id)
            await convo.upload(PNG, "image/png", "scan.png")
            await app.dispatcher.drain_once()
            seen = ""
            async with asyncio.timeout(10):
                while "رد من المجموعة" not in seen or "/files/" not in seen:
                    line = (await stream.content.readline()).decode()
                    if line.startswith("data: "):
                        seen += json.loads(line[6:]).get("html", "")
        assert "scan.png" in seen
        file_url = seen.split('href="')[1].split('"')[0]  # the file link of the relayed scan
        async with http.get(f"{base}{file_url}") as resp:
            assert resp.status == 200 and resp.content_type == "image/png"
            assert await resp.read() == PNG
    async with app.sessions() as session:
        actions = [a.action for a in (await session.execute(select(StaffAction))).scalars()]
    assert "case_file_view" in actions


async def test_notes_claim_release_close_and_roles(
    app: App, convo: Convo, live: tuple[str, ConsoleDeps, FakeGroup]
) -> None:
    base, deps, group = live
    case = await _case(app)
    url = f"{base}/staff/conversations/{case.id}"
    http = await signed_in(deps, base, RESEARCHER)
    async with http:
        async with http.get(url) as resp:
            page = await resp.text()
        status, after = await _post(http, f"{url}/note", page, text="")
        assert status == 400 and "اكتب نص الملاحظة" in after
        status, after = await _post(http, f"{url}/note", page, text="تحقق من الهوية لاحقاً")
        assert status == 200 and "تحقق من الهوية لاحقاً" in after
        convo.new_messages()
        status, after = await _post(http, f"{url}/claim", page)
        assert status == 200 and (await _case(app)).status == "claimed"
        heard = await _heard(app, convo, "انضم إليك")
        assert "انضم إليك" in heard and "تحقق من الهوية لاحقاً" not in heard  # internal
        status, _ = await _post(http, f"{url}/release", page)
        assert status == 200 and (await _case(app)).status == "open"
        status, refused = await _post(http, f"{url}/reply", page,
                                      file=(b"<html><script>x</script></html>", "a.pdf",
                                            "application/pdf"))
        assert status == 400 and 'role="alert"' in refused
        assert (await _case(app)).status == "open"  # a refused file sends and takes nothing
        status, _ = await _post(http, f"{url}/close", page)
        assert status == 200 and (await _case(app)).status == "closed"
        status, after = await _post(http, f"{url}/reply", page, text="بعد الإغلاق")
        assert status == 409
        async with http.post(f"{url}/claim", data={"csrf": "wrong"}) as resp:
            assert resp.status == 403
    await _until(lambda: "تحقق من الهوية لاحقاً" in group.texts())
    assert "لوحة الموظفين" in group.texts()
    async with app.sessions() as session:
        rows = list((await session.execute(select(StaffAction).where(
            StaffAction.escalation_id == case.id))).scalars())
    assert {"note", "claim", "release", "close"} <= {r.action for r in rows}
    assert all(r.staff_user_id == str(RESEARCHER) for r in rows if r.action == "note")


async def test_the_conversation_pages_need_a_session(
    live: tuple[str, ConsoleDeps, FakeGroup]
) -> None:
    base, _, _ = live
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/staff/conversations", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/staff/login"
        async with http.get(f"{base}/staff/conversations/1/events",
                            allow_redirects=False) as resp:
            assert resp.status == 303
