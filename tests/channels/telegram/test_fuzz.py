"""Hostile bodies at the Telegram webhook (hypothesis): never a 5xx, the bot keeps serving."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from bot.jsonbody import BadBody, parse_json_body
from handlers.telegram import normalize
from handlers.telegram.staff import staff_message
from tests.channels.telegram.conftest import Bench
from tests.support.fuzz import bodies, examples, telegram_templates

BODIES = 700


@pytest.mark.parametrize(("driver", "mode"), [("aiogram", "webhook"), ("ptb", "webhook")])
async def test_fuzzed_webhook_bodies_get_no_5xx(bench: Bench, driver: str) -> None:
    tg = bench.tg
    statuses: Counter[int] = Counter()
    failures = []
    count = BODIES if driver == "aiogram" else BODIES // 4
    for raw in examples(bodies(telegram_templates()), count):
        status, _ = await tg.post_webhook_raw(raw)
        statuses[status] += 1
        if status >= 500:
            failures.append(raw[:300])
    assert failures == [], failures[:5]
    assert statuses[200] and statuses[400], statuses  # both kinds were really exercised
    user = tg.make_user(7801, "Noura", "ar")
    assert "الخصوصية" in await bench.say(user, "/start")  # still serving after all that


@pytest.mark.parametrize(("driver", "mode"), [("ptb", "webhook")])  # the laxer library
async def test_wrong_types_are_ignored_not_500(bench: Bench) -> None:
    tg = bench.tg
    doc, text = telegram_templates(7900)[2], telegram_templates(7901)[0]
    doc["message"]["document"]["file_size"] = "1234"  # a string size
    text["message"]["from"]["id"] = "7901; drop table"  # a user id that is not an id
    cases = [doc, text, {**text, "update_id": 99, "message": {**text["message"],
                                                                "chat": {"id": [1]}}}]
    for body in cases:
        status, _ = await tg.post_webhook(body)
        assert status == 200, body
    assert (await tg.post_webhook_raw(b"[" * 50_000 + b"]" * 50_000))[0] == 400
    await bench.settled([doc["update_id"]])  # its replies sent, nothing else pending
    answered = {c.params.get("chat_id") for c in tg.calls_of("sendMessage")}
    assert answered == {7900}  # the string size is read as unknown; the bad ids get nothing


STAFF_TEMPLATES = [
    {**t, "message": {**t["message"], "chat": {"id": -1001234567890, "type": "supergroup"},
                      "is_topic_message": True, "message_thread_id": 101,
                      "reply_to_message": {"message_id": 5}}}
    for t in telegram_templates(9001) if "message" in t
]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(bodies(STAFF_TEMPLATES + telegram_templates()))
def test_normalising_any_update_never_raises(raw: bytes) -> None:
    try:
        update = parse_json_body(raw)
    except BadBody:
        return
    if not isinstance(update, dict):
        return
    normalize.chat_of(update)
    inbound = normalize.to_inbound(update)
    assert inbound is None or inbound.user_id.lstrip("-").isdigit()  # an id, as digits
    msg = staff_message(update)
    assert msg is None or isinstance(msg.user_id, int)
