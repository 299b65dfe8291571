"""Committee decisions: CSV minutes, idempotency, notices at a decent hour, restarts, workers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.db import transaction
from bot.repo import requests
from bot.scheduler.work import Worker
from bot.services.decision_import import RowResult, import_decisions, read_minutes
from bot.services.lifecycle import IllegalTransition, transition
from bot.settings import Settings
from models import OutboxMessage, RequestStatus, RequestStatusChange, ScheduledMessage
from tests.support.convo import Convo

MINUTES = """reference,decision,reason,decided_on,service,amount
GH-2026-000001,قبول,,2026-11-22,سلة غذائية,350
GH-2026-000077,accepted,,2026-11-22,,
GH-2026-000001,rejected,late,2026-11-22,,
GH-2026-000002,maybe,,,,
GH-2026-000001,accepted,,31/11/2026,,
"""


def minutes(tmp_path: Path, text: str = MINUTES) -> list[tuple[int, dict[str, str]]]:
    path = tmp_path / "minutes.csv"
    path.write_text(text, encoding="utf-8")
    return read_minutes(path)


async def import_rows(app: App, rows: list[tuple[int, dict[str, str]]], *,
                      actor: str) -> list[RowResult]:
    """The import as the CLI runs it: the app's database, configuration and clock."""
    return await import_decisions(app.sessions, app.config, app.services.clock, rows,
                                  actor=actor)


async def test_csv_good_bad_and_repeated_rows(
    app: App, submitted: Convo, worker: Worker, tmp_path: Path
) -> None:
    results = await import_rows(app, minutes(tmp_path), actor="csv")
    assert [(r.line, r.outcome) for r in results] == [
        (2, "recorded"), (3, "error"), (4, "error"), (5, "error"), (6, "error")]
    assert "no request" in (results[1].error or "")
    assert "already decided" in (results[2].error or "")
    assert "accepted/rejected" in (results[3].error or "")
    assert "YYYY-MM-DD" in (results[4].error or "")
    assert await worker.run_due() == 1
    await app.dispatcher.drain_once()
    notice = submitted.text(submitted.new_messages())
    assert "قبول طلبك" in notice and "GH-2026-000001" in notice
    again = await import_rows(app, minutes(tmp_path), actor="csv")
    assert again[0].outcome == "unchanged"
    assert await worker.run_due() == 0
    await app.dispatcher.drain_once()
    assert submitted.new_messages() == []  # nothing sent twice
    async with app.sessions() as s:
        request = await requests.by_reference(s, reference="GH-2026-000001")
        assert request is not None and request.status == "accepted"
        assert (request.decided_service, request.decided_amount) == ("سلة غذائية", 350)
        history = (await s.execute(select(RequestStatusChange.to_status)
                                   .order_by(RequestStatusChange.id))).scalars().all()
        assert history == ["submitted", "under_study", "accepted"]


async def test_rejection_gives_reason_and_review_path(
    app: App, submitted: Convo, worker: Worker, tmp_path: Path
) -> None:
    text = "reference,decision,reason,decided_on\nGH-2026-000001,رفض,الدخل أعلى من الحد,\n"
    assert (await import_rows(app, minutes(tmp_path, text), actor="csv"))[0].outcome \
        == "recorded"
    await worker.run_due()
    await app.dispatcher.drain_once()
    out = submitted.new_messages()
    text_out = submitted.text(out)
    assert "عدم قبوله" in text_out and "الدخل أعلى من الحد" in text_out
    assert "إعادة النظر" in text_out
    reply = await submitted.press("اقتراح أو شكوى")
    assert "اقتراح أم شكوى" in submitted.text(reply)


async def test_on_recorded_is_called_once_when_a_decision_was_recorded(
    app: App, submitted: Convo, tmp_path: Path
) -> None:
    calls: list[str] = []
    for _ in range(2):  # the second import changes nothing: no call
        await import_decisions(app.sessions, app.config, app.services.clock, minutes(tmp_path),
                               actor="csv", on_recorded=lambda: calls.append("kick"))
    assert calls == ["kick"]


async def test_quiet_hours_hold_the_notice_until_morning(
    app: App, submitted: Convo, worker: Worker, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.advance(hours=13)  # 07:00 UTC + 13 h = 23:00 in Riyadh
    await import_rows(app, minutes(tmp_path), actor="csv")
    assert await worker.run_due() == 0
    await app.dispatcher.drain_once()
    assert submitted.new_messages() == []
    clock.advance(hours=8, minutes=59)  # 07:59 Riyadh: still quiet
    assert await worker.run_due() == 0
    clock.advance(minutes=1)  # 08:00
    assert await worker.run_due() == 1
    await app.dispatcher.drain_once()
    assert "قبول طلبك" in submitted.text(submitted.new_messages())


async def test_restart_between_scheduling_and_sending_loses_nothing(
    app: App, submitted: Convo, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    await import_rows(app, minutes(tmp_path), actor="csv")
    await app.close()  # stopped before the scheduler ran
    again = await build_app(settings, clock=clock, faq=None, migrate=False)
    try:
        assert await Worker(again.sessions, again.engine).run_due() == 1
        c = Convo(again, "u1")
        await again.dispatcher.drain_once()
        assert "قبول طلبك" in c.text(c.new_messages())
    finally:
        await again.close()


async def test_illegal_transition_is_refused(app: App, submitted: Convo) -> None:
    async with transaction(app.sessions) as s:
        request = await requests.by_reference(s, reference="GH-2026-000001")
        assert request is not None
        with pytest.raises(IllegalTransition, match="submitted to service_delivered"):
            await transition(s, request=request, to=RequestStatus.SERVICE_DELIVERED, actor="t",
                             now=app.services.clock.now())


@pytest.mark.postgres
async def test_two_workers_send_each_notice_once(
    app: App, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    if app.db.dialect.name != "postgresql":
        pytest.skip("several workers are a PostgreSQL deployment; SQLite runs one process")
    from tests.flows.helpers import submit

    for i in range(6):
        c = Convo(app, f"p{i}")
        await c.send("hi")
        await c.press("أوافق")
        await submit(c, national_id=_id(i), name="سارة محمد")
    lines = "".join(f"GH-2026-{n:06d},accepted,,\n" for n in range(1, 7))
    await import_rows(app, minutes(tmp_path, "reference,decision,reason,decided_on\n"
                                   + lines), actor="csv")
    second = await build_app(settings, clock=clock, faq=None, migrate=False)
    try:
        workers = [Worker(app.sessions, app.engine), Worker(second.sessions, second.engine)]
        handled = await asyncio.gather(*(w.run_due() for w in workers for _ in range(3)))
    finally:
        await second.close()
    assert sum(handled) == 6
    async with app.sessions() as s:
        notices = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.kind == "notification"))).scalar_one()
        pending = (await s.execute(select(func.count()).select_from(ScheduledMessage)
                                   .where(ScheduledMessage.kind == "decision",
                                          ScheduledMessage.status == "pending"))).scalar_one()
    assert (notices, pending) == (6, 0)


def _id(i: int) -> str:
    from tests.unit.test_validation import with_check_digit

    return with_check_digit(f"1{i:08d}")
