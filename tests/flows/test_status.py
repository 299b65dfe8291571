"""Status of one's own requests, and linking a request from another channel."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from bot.messages import Inbound, Outbound
from models import LinkCode
from tests.flows.helpers import submit, submit_bringing_documents
from tests.support.convo import Convo


async def test_own_requests_listed_with_status_and_missing_documents(convo: Convo) -> None:
    await submit_bringing_documents(convo)
    out = convo.text(await convo.press("حالة طلباتي"))
    assert "GH-2026-000001" in out and "مُقدَّم" in out and "2026-11-22" in out
    assert "المستندات الناقصة" in out and "سجل الأسرة" in out


def _code(messages: list[Outbound]) -> str:
    """The 6-digit code in a message the owner received."""
    found = re.findall(r"\b\d{6}\b", Convo.text(messages))
    assert found, "no code reached the owner"
    return found[-1]


async def _linked_visitor(app: App, owner: Convo) -> Convo:
    """The owner files a request; a web visitor links it with the code the owner received."""
    await submit(owner)
    owner.new_messages()
    web = await _visitor(app, "visitor")
    await web.press("حالة طلباتي")
    await web.send("GH-2026-000001")
    await web.send(_code(owner.new_messages()))
    return web


async def _visitor(app: App, user: str, channel: str = "web") -> Convo:
    visitor = Convo(app, user, channel=channel)
    await visitor.send("hi")
    await visitor.press("أوافق")
    return visitor


async def test_other_channel_links_with_a_code_sent_to_the_owner(
    app: App, convo: Convo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await submit(convo)
    convo.new_messages()
    web = await _visitor(app, "visitor")
    out = web.text(await web.press("حالة طلباتي"))
    assert "رقم الطلب" in out  # nothing linked yet: never another person's requests
    assert "GH-2026-000001" not in out
    out = web.text(await web.send("gh-2026-1"))
    assert "أرسلنا رمز تحقق" in out and "GH-2026-000001" not in out
    to_owner = convo.new_messages()
    assert "GH-2026-000001" in convo.text(to_owner) and "موقع الجمعية" in convo.text(to_owner)
    out = web.text(await web.send("0008"))  # digits of the ID are no proof
    assert "6 أرقام" in out and "تم ربط" not in out
    out = web.text(await web.send(_code(to_owner)))
    assert "تم ربط الطلب" in out and "GH-2026-000001" in out
    notice = convo.new_messages()
    assert "يُتابَع أيضاً" in convo.text(notice) and "إلغاء الربط" in convo.labels(notice)
    out = web.text(await web.press("حالة طلباتي"))
    assert "GH-2026-000001" in out
    async with app.sessions() as s:
        stored = (await s.execute(select(LinkCode))).scalar_one()
        assert stored.used_at is not None and _code(to_owner) not in stored.code_hash
    assert _code(to_owner) not in caplog.text


async def test_the_owner_undoes_a_link(app: App, convo: Convo) -> None:
    web = await _linked_visitor(app, convo)
    out = convo.text(await convo.press("إلغاء الربط"))
    assert "تم إلغاء الربط" in out
    out = web.text(await web.press("حالة طلباتي"))
    assert "GH-2026-000001" not in out and "رقم الطلب" in out
    out = convo.text(await convo.send(payload="unlink:1"))  # pressed twice: nothing left
    assert "لا يوجد ربط" in out


async def test_a_code_expires(app: App, convo: Convo, clock: FrozenClock) -> None:
    await submit(convo)
    convo.new_messages()
    web = await _visitor(app, "visitor")
    await web.press("حالة طلباتي")
    await web.send("GH-2026-000001")
    code = _code(convo.new_messages())
    clock.advance(minutes=app.config.linking.code_minutes, seconds=1)
    out = web.text(await web.send(code))
    assert "انتهت صلاحية الرمز" in out and "GH-2026-000001" not in out


async def test_wrong_codes_void_the_code(app: App, convo: Convo) -> None:
    await submit(convo)
    convo.new_messages()
    web = await _visitor(app, "guesser")
    await web.press("حالة طلباتي")
    await web.send("GH-2026-000001")
    code = _code(convo.new_messages())
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert "المحاولات المتبقية لهذا الرمز: 2" in web.text(await web.send(wrong))
    assert "المحاولات المتبقية لهذا الرمز: 1" in web.text(await web.send(wrong))
    out = web.text(await web.send(wrong))
    assert "تجاوزت عدد المحاولات لهذا الرمز" in out
    await web.press("حالة طلباتي")
    await web.send("GH-2026-000001")
    out = web.text(await web.send(code))  # the voided code is not taken for the new one
    assert "تم ربط" not in out and "غير صحيح" in out


async def test_codes_are_limited_per_request_and_per_identity(app: App, convo: Convo) -> None:
    await submit(convo)
    convo.new_messages()
    limit = app.config.linking.max_codes_per_request_per_day
    for n in range(limit + 1):
        web = await _visitor(app, f"asker{n}")
        await web.press("حالة طلباتي")
        out = web.text(await web.send("GH-2026-000001"))
        assert "أرسلنا رمز تحقق" in out  # the same answer, limit or not
    codes = [m for m in convo.new_messages() if "رمز التحقق" in m.text]
    assert len(codes) == limit  # the owner is not flooded
    one = await _visitor(app, "one")
    for n in range(app.config.linking.max_codes_per_identity_per_day):
        await one.send("القائمة")
        await one.press("حالة طلباتي")
        out = one.text(await one.send(f"GH-2026-{n + 50}"))  # unknown references count too
        assert "أرسلنا رمز تحقق" in out
    await one.send("القائمة")
    await one.press("حالة طلباتي")
    assert "تجاوزت عدد رموز التحقق" in one.text(await one.send("GH-2026-000001"))


async def test_only_the_owner_can_undo(app: App, convo: Convo) -> None:
    web = await _linked_visitor(app, convo)
    other = await _visitor(app, "other", channel="terminal")
    for person in (web, other):  # the linked channel itself, and a third person
        assert "لا يوجد ربط" in person.text(await person.send(payload="unlink:1"))
    assert "GH-2026-000001" in web.text(await web.press("حالة طلباتي"))


async def test_the_per_request_limit_holds_under_concurrent_asks(app: App, convo: Convo) -> None:
    await submit(convo)
    convo.new_messages()
    limit = app.config.linking.max_codes_per_request_per_day
    askers = []
    for n in range(limit + 3):
        web = await _visitor(app, f"rush{n}")
        await web.press("حالة طلباتي")
        askers.append(web)
    await asyncio.gather(*(app.engine.handle(Inbound("web", w.user, f"rush-{i}",
                                                     text="GH-2026-000001"))
                           for i, w in enumerate(askers)))
    await app.dispatcher.drain_once()
    assert len([m for m in convo.new_messages() if "رمز التحقق" in m.text]) == limit
