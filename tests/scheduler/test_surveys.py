"""Satisfaction surveys: after the decision and after delivery, reminder, expiry, report."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from bot.db import transaction
from bot.repo import requests
from bot.scheduler.work import Worker
from bot.services.decision_import import import_decisions
from bot.services.decisions import schedule_survey
from bot.services.lifecycle import transition
from desk.reports import satisfaction
from models import RequestStatus, SatisfactionSurvey
from tests.support.convo import Convo

ACCEPT = [(2, {"reference": "GH-2026-000001", "decision": "accepted", "reason": "",
               "decided_on": ""})]


async def _decide_and_notify(app: App, c: Convo, worker: Worker) -> None:
    await import_decisions(app.sessions, app.config, app.services.clock, ACCEPT, actor="test")
    await worker.run_due()
    await app.dispatcher.drain_once()
    c.new_messages()


async def _survey(app: App) -> SatisfactionSurvey:
    async with app.sessions() as s:
        return (await s.execute(select(SatisfactionSurvey))).scalars().first()  # type: ignore[return-value]


async def test_survey_after_decision_with_buttons(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock
) -> None:
    await _decide_and_notify(app, submitted, worker)
    clock.advance(hours=47)
    assert await worker.run_due() == 0
    clock.advance(hours=1)
    assert await worker.run_due() == 1
    await app.dispatcher.drain_once()
    invite = submitted.new_messages()
    assert "تقييمك حق لك" in submitted.text(invite)
    assert len(invite[0].choices) == 6
    out = await submitted.press("ممتاز")
    assert "ملاحظة" in submitted.text(out)
    await submitted.send("الموظفون كانوا متعاونين جداً")
    out = await submitted.press("جزئياً")
    assert "شكراً جزيلاً" in submitted.text(out)
    survey = await _survey(app)
    assert (survey.rating, survey.solved, survey.status) == (5, "partly", "answered")
    assert survey.comment == "الموظفون كانوا متعاونين جداً"
    assert (survey.channel, survey.service_type, survey.decision) == (
        "terminal", "food_basket", "accepted")
    clock.advance(hours=48)
    await worker.run_due()
    await app.dispatcher.drain_once()
    assert submitted.new_messages() == []  # answered: no reminder


async def test_typed_rating_and_decline(app: App, submitted: Convo, worker: Worker,
                                        clock: FrozenClock) -> None:
    await _decide_and_notify(app, submitted, worker)
    clock.advance(hours=48)
    await worker.run_due()
    await app.dispatcher.drain_once()
    invite = submitted.new_messages()
    out = await submitted.send("٤")  # typed, Arabic-Indic: the conversation was idle
    assert "ملاحظة" in submitted.text(out)
    assert (await _survey(app)).rating == 4
    excellent = next(c for c in invite[0].choices if c.id.endswith(":5"))
    out = await submitted.send(payload=excellent.id)  # the old button: not counted twice
    assert "لم يعد متاحاً" in submitted.text(out)
    assert (await _survey(app)).rating == 4


async def test_reminder_once_then_expiry(app: App, submitted: Convo, worker: Worker,
                                         clock: FrozenClock) -> None:
    await _decide_and_notify(app, submitted, worker)
    clock.advance(hours=48)
    await worker.run_due()
    await app.dispatcher.drain_once()
    submitted.new_messages()
    await submitted.send("القائمة")
    clock.advance(hours=48)
    await worker.run_due()
    await app.dispatcher.drain_once()
    assert "تذكير" in submitted.text(submitted.new_messages())
    for _ in range(3):
        clock.advance(hours=48)
        await worker.run_due()
        await app.dispatcher.drain_once()
    assert submitted.new_messages() == []  # one reminder only
    assert (await _survey(app)).status == "expired"
    out = await submitted.press("ممتاز")
    assert "لم يعد متاحاً" in submitted.text(out)


async def test_survey_after_delivery_and_report(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock, tmp_path: Path
) -> None:
    await _decide_and_notify(app, submitted, worker)
    now = clock.now()
    async with transaction(app.sessions) as s:
        request = await requests.by_reference(s, reference="GH-2026-000001")
        assert request is not None
        for to in (RequestStatus.REGISTRATION_COMPLETED, RequestStatus.SERVICE_DELIVERED):
            await transition(s, request=request, to=to, actor="staff", now=now)
        await schedule_survey(s, config=app.config, request=request, trigger="delivery", now=now)
    clock.advance(hours=48)
    assert await worker.run_due() == 2  # the decision survey and the delivery survey
    await app.dispatcher.drain_once()
    invites = submitted.new_messages()
    assert any("الخدمة المقدمة لك" in m.text for m in invites)
    delivery_choice = next(c for m in invites if "الخدمة المقدمة" in m.text for c in m.choices
                           if c.id.endswith(":2"))
    await submitted.send(payload=delivery_choice.id)
    await submitted.press("تخطي")
    await submitted.press("لا")
    async with app.sessions() as s:
        rows = await satisfaction.load(s, None, None)
    summary = satisfaction.summarise(rows)
    assert (summary.sent, summary.answered, summary.csat) == (2, 1, 0.0)
    satisfaction.write_csv(rows, tmp_path / "s.csv")
    files = satisfaction.write_charts(rows, tmp_path, {"food_basket": "سلة غذائية"})
    assert all(f.stat().st_size > 5000 for f in files)
    with (tmp_path / "s.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert {r["trigger"]: r["rating"] for r in table} == {"decision": "", "delivery": "2"}
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert "GH-2026" not in text and "محمد" not in text
