"""Abuse: a per-identity inbound throttle, one escalation notice per case, business first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.wiring import App
from bot.clock import FrozenClock
from bot.engine.throttle import Throttle
from bot.messages import Outbound
from bot.repo import outbox as outbox_repo
from models import Escalation, InboundReceipt, TranscriptLine
from tests.conftest import START
from tests.flows.helpers import PDF, VALID_ID
from tests.support.convo import Convo

NOTICE = "وصلتنا رسائل كثيرة"
ASKED_STAFF = "طلبنا من موظف مختص مساعدتك"


async def _count(app: App, model: type) -> int:
    async with app.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


def test_the_throttle_notifies_once_then_stays_silent_until_the_window_passes() -> None:
    clock = FrozenClock(START)
    throttle = Throttle(3, dt.timedelta(seconds=60), clock)
    key = ("telegram", "42")
    assert [throttle.check(key) for _ in range(6)] == ["ok"] * 3 + ["notify", "silent", "silent"]
    assert throttle.check(("telegram", "43")) == "ok"  # per identity
    clock.advance(seconds=30)
    assert throttle.check(key) == "silent"  # still flooding: the window keeps counting
    clock.advance(seconds=61)
    assert throttle.check(key) == "ok"
    assert [throttle.check(key) for _ in range(3)] == ["ok", "ok", "notify"]


async def test_a_flood_gets_one_notice_and_is_still_recorded(
    app: App, convo: Convo, clock: FrozenClock
) -> None:
    app.engine.throttle = Throttle.from_limits(app.config.limits, clock)  # as configured
    limit = app.config.limits.inbound_messages_per_window
    replies: list[Outbound] = []
    for i in range(200):
        replies += await convo.send(f"رسالة {i}")
    texts = [m.text for m in replies]
    assert sum(NOTICE in t for t in texts) == 1
    assert len(replies) <= 3 * limit + 1  # 983 replies for 1,000 messages before
    assert await _count(app, InboundReceipt) == 202  # every message claimed (de-duplicated)
    async with app.sessions() as s:
        heard = (await s.execute(select(func.count()).select_from(TranscriptLine)
                                 .where(TranscriptLine.direction == "in"))).scalar_one()
    assert heard == 202  # and in the transcript
    assert await convo.send("مرحبا") == []  # still silent
    clock.advance(seconds=app.config.limits.inbound_window_seconds + 1)
    assert "كيف نقدر نخدمك" in convo.text(await convo.send("القائمة"))


async def test_repeated_failures_open_one_case_and_tell_it_once(app: App, convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("محمد أحمد علي الغامدي")
    said = []
    for _ in range(60):  # the national ID step fails again and again
        said += await convo.send("abc")
    assert await _count(app, Escalation) == 1
    assert sum(ASKED_STAFF in m.text for m in said) == 1  # 333 copies for 1,000 before


async def test_business_messages_overtake_a_flooded_chats_replies(
    app: App, convo: Convo
) -> None:
    now = app.services.clock.now()
    async with app.sessions() as s, s.begin():
        for i in range(30):
            await outbox_repo.enqueue(s, channel="terminal", address="u1",
                                      message=Outbound(f"reply {i}"), dedupe_key=f"r{i}",
                                      now=now)
        await outbox_repo.enqueue(s, channel="terminal", address="u1",
                                  message=Outbound("from staff", kind="staff_reply"),
                                  dedupe_key="staff", now=now)
        await outbox_repo.enqueue(s, channel="terminal", address="u1",
                                  message=Outbound("decision", kind="decision"),
                                  dedupe_key="decision", now=now)
    await app.dispatcher.drain_once()
    texts = [m.text for m in convo.new_messages()]
    assert texts[:2] == ["from staff", "decision"]
    assert texts[2:] == [f"reply {i}" for i in range(30)]  # the replies keep their order


def test_answers_have_their_own_larger_budget() -> None:
    clock = FrozenClock(START)
    throttle = Throttle(3, dt.timedelta(seconds=60), clock, answer_limit=5)
    key = ("terminal", "7")
    for _ in range(5):  # five answers that moved the form on...
        assert throttle.check(key) == "ok"
        throttle.answered(key)
    # ...leave the free budget whole; but the answer budget is full now
    assert [throttle.check(key) for _ in range(2)] == ["notify", "silent"]
    clock.advance(seconds=61)
    assert [throttle.check(key) for _ in range(4)] == ["ok", "ok", "ok", "notify"]


async def test_a_quick_form_filler_is_not_throttled_but_free_text_still_is(
    app: App, clock: FrozenClock
) -> None:
    app.engine.throttle = Throttle.from_limits(app.config.limits, clock)  # as configured
    c = Convo(app, "fast")
    said: list[Outbound] = []
    said += await c.send("مرحبا")
    said += await c.press("أوافق")
    said += await c.press("طلب دعم جديد")
    for answer in ("محمد", "محمد أحمد العتيبي", "12345", VALID_ID, "05", "0501234567"):
        said += await c.send(answer)  # three mistakes, each asked again
    said += await c.press("المقر الرئيسي")
    for answer in ("خمسة", "5", "كثير", "3000"):
        said += await c.send(answer)
    said += await c.press("سلة غذائية")
    said += await c.send("أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    said += await c.upload(PDF, "application/pdf")
    said += await c.upload(b"\x89PNG fake", "image/png", "family.png")
    said += await c.press("تأكيد البيانات")
    said += await c.press("أقرّ وأتعهد")
    said += await c.send("محمد أحمد العتيبي")  # 22 turns within one frozen minute
    assert not any(NOTICE in m.text for m in said)
    assert "GH-2026-000001" in c.text(said[-2:])  # submitted
    flood: list[Outbound] = []
    for i in range(60):  # then text the bot cannot use: the free budget still stops it
        flood += await c.send(f"رسالة {i}")
    assert sum(NOTICE in m.text for m in flood) == 1
    assert len(flood) <= 2 * app.config.limits.inbound_messages_per_window + 1
