"""Satisfaction surveys: after the decision and after delivery, reminder, expiry, report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from bot.db import transaction
from bot.repo import requests
from bot.scheduler.work import Worker
from bot.services.decision_import import import_decisions
from bot.services.decisions import advance
from desk.reports import satisfaction
from handlers.terminal import render
from models import RequestStatus, SatisfactionSurvey
from tests.flows.helpers import submit
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
    listed = render(invite[0])
    assert "1) ⭐⭐⭐⭐⭐ ممتاز" in listed and "2) ⭐⭐⭐⭐ جيد جداً" in listed
    out = await submitted.send("9")
    assert "اكتب رقمه" in submitted.text(out) and "1 (ضعيف)" not in submitted.text(out)
    out = await submitted.send("٢")  # typed, Arabic-Indic: the second LISTED option
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
    await _deliver_after_decision(app, submitted, worker, clock)
    assert await worker.run_due() == 1  # the delivery survey; the decision survey waits for it
    await app.dispatcher.drain_once()
    invites = submitted.new_messages()
    assert len(invites) == 1 and "الخدمة المقدمة لك" in invites[0].text
    delivery_choice = next(c for c in invites[0].choices if c.id.endswith(":2"))
    await submitted.send(payload=delivery_choice.id)
    await submitted.press("تخطي")
    await submitted.press("لا")
    assert await worker.run_due() == 1  # now the decision survey
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


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
async def test_typed_number_is_the_listed_option_on_every_channel(
    app: App, worker: Worker, clock: FrozenClock, channel: str
) -> None:
    c = Convo(app, "u9", channel=channel)
    await c.send("مرحبا")
    await c.press("أوافق")
    assert "GH-2026-000001" in await submit(c)
    await _decide_and_notify(app, c, worker)
    clock.advance(hours=48)
    await worker.run_due()
    await app.dispatcher.drain_once()
    invite = c.new_messages()
    assert [ch.id.rsplit(":", 1)[1] for ch in invite[0].choices][:2] == ["5", "4"]
    await c.send("1")  # the first option listed: ⭐⭐⭐⭐⭐ ممتاز
    assert (await _survey(app)).rating == 5


async def _deliver_after_decision(app: App, c: Convo, worker: Worker, clock: FrozenClock
                                  ) -> None:
    """Decided and notified, then registered and delivered (scheduling the delivery survey);
    48 hours later both surveys are due."""
    await _decide_and_notify(app, c, worker)
    now = clock.now()
    async with transaction(app.sessions) as s:
        request = await requests.by_reference(s, reference="GH-2026-000001")
        assert request is not None
        for to in (RequestStatus.REGISTRATION_COMPLETED, RequestStatus.SERVICE_DELIVERED):
            await advance(s, config=app.config, request=request, to=to, actor="staff", now=now)
    clock.advance(hours=48)


async def _two_surveys_due(app: App, c: Convo, worker: Worker, clock: FrozenClock) -> list:
    """A decision survey and a delivery survey both due now; what the first pass sent."""
    await _deliver_after_decision(app, c, worker, clock)
    await worker.run_due()
    await app.dispatcher.drain_once()
    return c.new_messages()


async def _by_trigger(app: App) -> dict[str, SatisfactionSurvey]:
    async with app.sessions() as s:
        rows = (await s.execute(select(SatisfactionSurvey))).scalars()
        return {r.trigger: r for r in rows}


async def test_one_survey_at_a_time_typed_answers_reach_each(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock
) -> None:
    invites = await _two_surveys_due(app, submitted, worker, clock)
    assert len(invites) == 1 and "الخدمة المقدمة لك" in invites[0].text
    await submitted.send("1")
    await submitted.send("تخطي")
    await submitted.send("نعم")
    assert await worker.run_due() == 1  # the first is answered: the next one goes
    await app.dispatcher.drain_once()
    second = submitted.new_messages()
    assert len(second) == 1 and "تقييمك حق لك" in second[0].text
    await submitted.send("2")
    surveys = await _by_trigger(app)
    assert (surveys["delivery"].rating, surveys["decision"].rating) == (5, 4)


async def test_next_survey_waits_until_the_first_expires(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock
) -> None:
    invites = await _two_surveys_due(app, submitted, worker, clock)
    assert len(invites) == 1
    await submitted.send("القائمة")  # walks away without rating
    clock.advance(hours=100)
    await worker.run_due()
    await app.dispatcher.drain_once()
    assert [m.text for m in submitted.new_messages() if "تقييمك حق لك" in m.text] == []
    clock.advance(hours=70)  # past the first one's expiry
    await worker.run_due()
    await app.dispatcher.drain_once()
    assert any("تقييمك حق لك" in m.text for m in submitted.new_messages())
    surveys = await _by_trigger(app)
    assert (surveys["delivery"].status, surveys["decision"].status) == ("expired", "sent")


async def test_declining_the_first_survey_lets_the_next_one_go(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock
) -> None:
    assert len(await _two_surveys_due(app, submitted, worker, clock)) == 1
    await submitted.press("لا أرغب")
    assert await worker.run_due() == 1
    await app.dispatcher.drain_once()
    assert "تقييمك حق لك" in submitted.text(submitted.new_messages())
