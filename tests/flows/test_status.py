"""Status of one's own requests, and linking a request from another channel."""

from __future__ import annotations

from app.wiring import App
from tests.flows.helpers import submit, submit_bringing_documents
from tests.support.convo import Convo


async def test_own_requests_listed_with_status_and_missing_documents(convo: Convo) -> None:
    await submit_bringing_documents(convo)
    out = convo.text(await convo.press("حالة طلباتي"))
    assert "GH-2026-000001" in out and "مُقدَّم" in out and "2026-11-22" in out
    assert "المستندات الناقصة" in out and "سجل الأسرة" in out


async def test_other_channel_links_with_reference_and_last_four(app: App, convo: Convo) -> None:
    await submit(convo)
    web = Convo(app, "visitor", channel="web")
    await web.send("hi")
    await web.press("أوافق")
    out = web.text(await web.press("حالة طلباتي"))
    assert "رقم الطلب" in out  # nothing linked yet: never another person's requests
    assert "GH-2026-000001" not in out
    await web.send("gh-2026-1")
    out = web.text(await web.send("1234"))
    assert "غير متطابقة" in out and "2" in out
    await web.send("GH-2026-000001")
    out = web.text(await web.send("٠٠٠٨"))
    assert "تم ربط الطلب" in out and "GH-2026-000001" in out
    out = web.text(await web.press("حالة طلباتي"))
    assert "GH-2026-000001" in out


async def test_wrong_tries_are_limited(app: App, convo: Convo) -> None:
    await submit(convo)
    web = Convo(app, "guesser", channel="web")
    await web.send("hi")
    await web.press("أوافق")
    await web.press("حالة طلباتي")
    for guess in ("1111", "2222"):
        await web.send("GH-2026-000001")
        await web.send(guess)
    await web.send("GH-2026-000001")
    out = web.text(await web.send("3333"))
    assert "تجاوزت عدد المحاولات" in out
    await web.press("حالة طلباتي")
    await web.send("GH-2026-000001")
    out = web.text(await web.send("0008"))  # even the right digits: locked for today
    assert "تجاوزت عدد المحاولات" in out
