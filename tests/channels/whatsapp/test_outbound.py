"""Business-initiated messages: the 24-hour window, templates, errors and delivery statuses."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.runtime import Runtime
from app.wiring import App
from bot.clock import FrozenClock
from bot.config import TemplateRef
from bot.db import transaction
from bot.messages import Choice, Outbound
from bot.outbox.senders import PARTS_SENT, Failed, RetryLater, Sent
from bot.repo import outbox as outbox_repo
from bot.repo.identities import get_identity
from bot.services.notifications import survey_invitation
from handlers.whatsapp.client import GraphClient
from models import OutboxMessage, OutboxStatus, SatisfactionSurvey
from tests.channels.whatsapp.conftest import PHONE_ID, USER, Beneficiary, settled
from tests.emulators import WhatsAppEmulator
from tests.support.limits import count_slots

REFERENCE = "GH-2026-000042"


def decision(kind: str = "decision_accepted") -> Outbound:
    """A decision notification with its template fallback."""
    return Outbound(f"تم قبول طلبك {REFERENCE}.", kind="notification",
                    template={"kind": kind, "lang": "ar", "params": {"reference": REFERENCE}})


async def notify(app: App, message: Outbound, key: str = "n1") -> OutboxMessage:
    """Enqueue for the test user in a transaction, drain, wait; return the row."""
    async with transaction(app.sessions) as s:
        identity = await get_identity(s, channel="whatsapp", platform_user_id=USER)
        await outbox_repo.enqueue(s, channel="whatsapp", address=USER, message=message,
                                  dedupe_key=key, now=app.services.clock.now(),
                                  identity_id=identity.id if identity else None)
    await app.dispatcher.drain_once()
    await settled(app)
    async with app.sessions() as s:
        stmt = select(OutboxMessage).where(OutboxMessage.dedupe_key == key)
        return (await s.execute(stmt)).scalar_one()


async def start(user: Beneficiary) -> None:
    """The beneficiary writes once and gives consent (the identity exists)."""
    await user.say("مرحبا")
    await user.press("أوافق")


async def test_outside_window_goes_as_template(
    app: App, wa: WhatsAppEmulator, clock: FrozenClock, user: Beneficiary
) -> None:
    await start(user)
    wa.register_template("ghimar_decision_accepted", "ar", 1)
    clock.advance(hours=25)
    before = len(wa.calls)
    row = await notify(app, decision())
    assert row.status == OutboxStatus.SENT and row.platform_message_id
    sends = [c for c in wa.calls[before:] if c.method == "messages"]
    assert [c.params["type"] for c in sends] == ["template"]  # no free-form attempt at all
    template = sends[0].params["template"]
    assert template["name"] == "ghimar_decision_accepted"
    assert template["language"] == {"code": "ar"}
    assert template["components"][0]["parameters"] == [{"type": "text", "text": REFERENCE}]


async def test_reengagement_error_falls_back_to_template(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await start(user)
    wa.register_template("ghimar_decision_accepted", "ar", 1)
    wa.fail_next(131047)
    before = len(wa.calls)
    row = await notify(app, decision())
    sends = [c for c in wa.calls[before:] if c.method == "messages"]
    assert [(c.params["type"], c.status) for c in sends] == [("text", 400), ("template", 200)]
    assert sends[0].error_code == 131047
    assert row.status == OutboxStatus.SENT
    assert row.platform_message_id == sends[1].response["messages"][0]["id"]


async def test_no_template_outside_window_fails_for_good_with_reason(
    app: App, clock: FrozenClock, user: Beneficiary
) -> None:
    await start(user)
    clock.advance(hours=30)
    row = await notify(app, decision("no_such_kind"))
    assert row.status == OutboxStatus.FAILED
    assert "24-hour" in (row.last_error or "") and "no_such_kind" in (row.last_error or "")
    reply = await notify(app, Outbound("late reply"), key="r1")  # a plain reply, too late
    assert reply.status == OutboxStatus.FAILED and "'reply'" in (reply.last_error or "")


async def test_staff_reply_without_params_uses_its_template(
    app: App, wa: WhatsAppEmulator, clock: FrozenClock, user: Beneficiary
) -> None:
    await start(user)
    wa.register_template("ghimar_staff_reply", "ar", 0)
    clock.advance(days=3)
    row = await notify(app, Outbound("رد الموظف: مرحباً", kind="staff_reply"), key="s1")
    assert row.status == OutboxStatus.SENT


async def test_status_callbacks_are_recorded(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await start(user)
    row = await notify(app, decision())
    wamid = row.platform_message_id
    assert wamid
    for status in ("sent", "delivered", "read", "delivered"):  # the last one arrives late
        assert (await wa.deliver(wa.status_update(wamid, status)))[0] == 200
    async with app.sessions() as s:
        assert (await s.get(OutboxMessage, row.id)).delivery_status == "read"  # type: ignore[union-attr]
    wa.async_errors = True  # 131026 reported later, by a `failed` status webhook
    wa.fail_next(131026)
    failed = await notify(app, decision(), key="n2")
    assert failed.status == OutboxStatus.SENT
    assert [s for s, _ in await wa.flush_statuses()] == [200]
    async with app.sessions() as s:
        again = await s.get(OutboxMessage, failed.id)
        assert again is not None and again.delivery_status == "failed"
        assert again.status == OutboxStatus.FAILED  # accepted by the API, never delivered
        assert "131026" in (again.last_error or "")
        assert "Receiver is incapable" in (again.last_error or "")  # Meta's title
        assert again.attempts == 1 and again.platform_message_id == failed.platform_message_id
    unknown = wa.status_update("wamid.unknown", "delivered", USER)
    assert (await wa.deliver(unknown))[0] == 200


async def test_late_reengagement_status_requeues_as_template(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await start(user)
    wa.register_template("ghimar_decision_accepted", "ar", 1)
    wa.async_errors = True
    wa.fail_next(131047)
    first = await notify(app, decision())
    before = len(wa.calls)
    await wa.flush_statuses()
    await settled(app)
    templates = [c for c in wa.calls[before:] if c.params.get("type") == "template" and c.ok]
    assert len(templates) == 1
    async with app.sessions() as s:
        row = await s.get(OutboxMessage, first.id)
        assert row is not None and row.delivery_status == "failed"
        assert row.status == OutboxStatus.FAILED
        assert "131047" in (row.last_error or "")
        assert "re-queued as template ghimar_decision_accepted" in (row.last_error or "")
        again = (await s.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"wa-template:{first.id}"))).scalar_one()
        assert again.status == OutboxStatus.SENT
        assert again.platform_message_id == templates[0].response["messages"][0]["id"]


async def test_late_reengagement_without_template_is_recorded_as_failed(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await start(user)
    wa.async_errors = True
    wa.fail_next(131047)
    row = await notify(app, Outbound("late reply"), key="r1")  # a reply has no template
    assert row.status == OutboxStatus.SENT
    before = len(wa.calls)
    await wa.flush_statuses()
    await settled(app)
    assert [c for c in wa.calls[before:] if c.method == "messages"] == []
    async with app.sessions() as s:
        again = await s.get(OutboxMessage, row.id)
        assert again is not None and again.status == OutboxStatus.FAILED
        assert "131047" in (again.last_error or "") and "'reply'" in (again.last_error or "")
        count = await outbox_repo.count_by_status(s)
    assert count.get(OutboxStatus.FAILED) == 1


async def test_a_failed_template_is_not_requeued_again(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await start(user)
    wa.register_template("ghimar_decision_accepted", "ar", 1)
    wa.async_errors = True
    wa.fail_next(131047, count=2)  # the free-form message and then its template
    first = await notify(app, decision())
    await wa.flush_statuses()
    await settled(app)
    await wa.flush_statuses()  # the template's own failure
    await settled(app)
    async with app.sessions() as s:
        rows = list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    mine = [r for r in rows if r.id is not None and r.id >= (first.id or 0)]
    assert [r.status for r in mine] == [OutboxStatus.FAILED, OutboxStatus.FAILED]
    assert "already the template" in (mine[1].last_error or "")
    assert wa.pending_statuses == []


async def test_error_classification(
    app: App, wa: WhatsAppEmulator, runtime: Runtime, user: Beneficiary
) -> None:
    await start(user)
    sender = app.dispatcher.senders["whatsapp"]
    hello = Outbound("hello")
    wa.fail_next(130429)
    first = await sender.send(USER, hello)
    wa.fail_next(130429)
    second = await sender.send(USER, hello)
    assert isinstance(first, RetryLater) and isinstance(second, RetryLater)
    assert second.seconds > first.seconds  # back-off grows
    wa.fail_next(131056)
    assert isinstance(await sender.send(USER, hello), RetryLater)
    assert isinstance(await sender.send(USER, hello), Sent)
    wa.fail_next(131026)
    undeliverable = await sender.send(USER, hello)
    assert isinstance(undeliverable, Failed) and undeliverable.permanent
    assert "131026" in undeliverable.reason
    wa.fail_next(131000)
    hiccup = await sender.send(USER, hello)
    assert isinstance(hiccup, Failed) and not hiccup.permanent
    wa.fail_next(131009)
    invalid = await sender.send(USER, hello)
    assert isinstance(invalid, Failed) and invalid.permanent
    expired = GraphClient(base_url=wa.base_url, api_version="v21.0", phone_number_id=PHONE_ID,
                          access_token="expired")
    saved, sender.client = sender.client, expired
    try:
        token = await sender.send(USER, hello)
    finally:
        sender.client = saved
        await expired.close()
    assert isinstance(token, RetryLater) and not token.per_chat and "190" in token.reason


async def test_long_text_with_choices_resumes_after_a_failed_part(
    app: App, wa: WhatsAppEmulator, user: Beneficiary, monkeypatch: pytest.MonkeyPatch
) -> None:
    await start(user)
    sender = app.dispatcher.senders["whatsapp"]
    long = Outbound("سطر طويل " * 600, choices=[Choice("a", "نعم"), Choice("b", "لا")])
    original, count = sender.client.send, 0

    async def second_part_throttled(to: str, content: dict) -> object:
        nonlocal count
        count += 1
        if count == 2:
            wa.fail_next(130429)
        return await original(to, content)

    monkeypatch.setattr(sender.client, "send", second_part_throttled)
    before = len(wa.calls)
    first = await sender.send(USER, long)
    assert isinstance(first, RetryLater) and first.parts_sent == 1  # kept in the outbox row
    long.meta[PARTS_SENT] = first.parts_sent  # as the dispatcher hands the row's progress over
    assert isinstance(await sender.send(USER, long), Sent)
    sent = [c for c in wa.calls[before:] if c.method == "messages" and c.ok]
    assert [c.params["type"] for c in sent] == ["text", "text", "interactive"]  # no repeat
    assert all(len(c.params["text"]["body"]) <= 4096 for c in sent if c.params["type"] == "text")
    assert sent[-1].params["interactive"]["body"]["text"] == "اختر من الخيارات:"


async def test_expired_token_holds_the_channel_without_using_up_attempts(
    app: App, wa: WhatsAppEmulator, clock: FrozenClock, user: Beneficiary,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await start(user)
    # the channel's pause is ended below by dropping the limiter: an in-memory one, as the
    # frozen clock does not move PostgreSQL's (where the shared limiter keeps its pause)
    app.dispatcher.make_limiter = None
    app.dispatcher.limiters.clear()
    sender = app.dispatcher.senders["whatsapp"]
    wa.fail_next(190, count=2)  # two messages during one pause: one ERROR for the operator
    with caplog.at_level(logging.ERROR, logger="handlers.whatsapp.sender"):
        first = await sender.send(USER, Outbound("one"))
        second = await sender.send(USER, Outbound("two"))
    assert isinstance(first, RetryLater) and isinstance(second, RetryLater)
    assert first.seconds == 60 and not first.per_chat  # the whole channel waits
    alarms = [r for r in caplog.records if "WHATSAPP_ACCESS_TOKEN" in r.getMessage()]
    assert len(alarms) == 1 and alarms[0].levelno == logging.ERROR

    sender._token_alarm_until = 0.0  # a new pause
    wa.fail_next(190, count=3)  # three drains while the token is still bad
    before = len(wa.calls)
    row = await notify(app, decision(), key="t1")
    for _ in range(3):
        assert row.status == OutboxStatus.PENDING and row.attempts == 0
        assert "190" in (row.last_error or "") and row.next_attempt_at > clock.now()
        assert app.dispatcher.limiter("whatsapp")._paused_until > 0
        clock.advance(seconds=61)
        app.dispatcher.limiters.pop("whatsapp")  # the 60 s channel pause is over
        await app.dispatcher.drain_once()
        await settled(app)
        async with app.sessions() as s:
            row = await s.get(OutboxMessage, row.id)  # type: ignore[assignment]
    assert row.status == OutboxStatus.SENT and row.attempts == 1  # the token is fixed
    sends = [c for c in wa.calls[before:] if c.method == "messages"]
    assert [c.status for c in sends] == [401, 401, 401, 200]  # delivered exactly once
    assert row.platform_message_id == sends[-1].response["messages"][0]["id"]


async def test_survey_template_buttons_reach_the_rating_step(
    app: App, wa: WhatsAppEmulator, clock: FrozenClock, user: Beneficiary
) -> None:
    await start(user)
    sender = app.dispatcher.senders["whatsapp"]
    survey_ref = TemplateRef(name="ghimar_satisfaction_survey", params=["reference"],
                             quick_replies=6)
    sender.config = sender.config.model_copy(  # type: ignore[attr-defined]
        update={"templates": {**sender.config.templates, "survey": survey_ref}})  # type: ignore[attr-defined]
    wa.register_template("ghimar_satisfaction_survey", "ar", 1, quick_replies=6)
    async with transaction(app.sessions) as s:
        identity = await get_identity(s, channel="whatsapp", platform_user_id=USER)
        assert identity is not None
        survey = SatisfactionSurvey(beneficiary_id=identity.beneficiary_id, trigger="decision",
                                    service_type="food_basket", status="sent",
                                    sent_at=clock.now())
        s.add(survey)
        await s.flush()
        survey_id = survey.id
    clock.advance(hours=30)  # the survey goes out of the 24-hour window: as the template
    invite = survey_invitation(app.services.catalog, "ar", survey, REFERENCE, reminder=False)
    row = await notify(app, invite, key="survey1")
    assert row.status == OutboxStatus.SENT
    template = [c for c in user.sent() if c.params["type"] == "template"][-1]
    buttons = [c for c in template.params["template"]["components"] if c["type"] == "button"]
    assert [(b["index"], b["parameters"][0]["payload"]) for b in buttons] == [
        (str(i), f"srv:{survey_id}:{r}") for i, r in enumerate((5, 4, 3, 2, 1, "decline"))]

    replies = await user.press_template_button(1, "جيد جداً")  # the second button: 4 stars
    assert "ملاحظة" in user.text(replies)  # the survey's next step, asked free-form
    assert all(c.params["type"] != "template" for c in replies)
    async with app.sessions() as s:
        answered = await s.get(SatisfactionSurvey, survey_id)
        assert answered is not None
        assert (answered.rating, answered.status, answered.channel) == (4, "answered",
                                                                        "whatsapp")
    again = await user.press_template_button(0, "ممتاز")  # an old button is not counted twice
    assert "لم يعد متاحاً" in user.text(again)
    async with app.sessions() as s:
        assert (await s.get(SatisfactionSurvey, survey_id)).rating == 4  # type: ignore[union-attr]


async def test_a_late_failed_status_is_dated_for_retry_since(
    app: App, wa: WhatsAppEmulator, clock: FrozenClock, user: Beneficiary
) -> None:
    """A 131026 reported by a `failed` status webhook kept the row's send time, so
    `outbox retry --failed --since <the day it failed>` missed a message sent the day before."""
    import datetime as dt

    await start(user)
    wa.async_errors = True
    wa.fail_next(131026)
    row = await notify(app, decision(), key="late")
    clock.advance(hours=20)  # the status arrives the next day
    failed_at = clock.now()
    assert [s for s, _ in await wa.flush_statuses()] == [200]
    async with transaction(app.sessions) as s:
        queued = await outbox_repo.requeue_failed(
            s, now=clock.now(), since=failed_at - dt.timedelta(minutes=1))
    assert queued == 1
    async with app.sessions() as s:
        again = await s.get(OutboxMessage, row.id)
        assert again is not None and again.status == OutboxStatus.PENDING
        assert again.delivery_status is None  # the resend's own statuses are recorded


async def test_every_part_after_the_first_takes_a_limiter_slot(
    app: App, wa: WhatsAppEmulator, user: Beneficiary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispatcher pays the phone number's rate for the first part; the sender asks the
    shared limiter for each later part (a long text in three parts took one slot before)."""
    await start(user)
    sender = app.dispatcher.senders["whatsapp"]
    asked = count_slots(app.dispatcher.limiter("whatsapp"), monkeypatch)
    before = len(wa.calls)
    long = Outbound("سطر طويل " * 600, choices=[Choice("a", "نعم"), Choice("b", "لا")])
    assert isinstance(await sender.send(USER, long), Sent)
    sent = [c for c in wa.calls[before:] if c.method == "messages" and c.ok]
    assert len(sent) == 3 and asked == [USER, USER]
