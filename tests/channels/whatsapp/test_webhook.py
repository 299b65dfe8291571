"""The webhook: handshake, signatures, duplicates, fixtures, oversized and malformed bodies."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from app.runtime import MAX_BODY
from app.wiring import App
from models import ChannelIdentity, InboundReceipt, OutboxMessage
from tests.channels.whatsapp.conftest import USER, VERIFY, Beneficiary, settled
from tests.emulators import WhatsAppEmulator, new_wamid


async def count(app: App, model: type) -> int:
    """Rows in a table."""
    async with app.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def test_verification_handshake(wa: WhatsAppEmulator, user: Beneficiary) -> None:
    assert await wa.verify("subscribe", VERIFY, "1158201444") == (200, "1158201444")
    status, _ = await wa.verify("subscribe", "wrong-token", "1158201444")
    assert status == 403
    status, _ = await wa.verify("unsubscribe", VERIFY, "1")
    assert status == 403


async def test_bad_or_missing_signature_is_rejected_and_nothing_processed(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    body = wa.text_message(USER, "مرحبا")
    status, _ = await wa.deliver(body, signature="sha256=" + "0" * 64)
    assert status == 403
    status, _ = await wa.deliver(body, signature=None)
    assert status == 401
    other_secret = "sha256=" + wa.sign(b"another body").split("=", 1)[1]
    assert (await wa.deliver(body, signature=other_secret))[0] == 403
    await settled(app)
    assert await count(app, InboundReceipt) == 0
    assert await count(app, ChannelIdentity) == 0
    assert not [c for c in wa.calls if c.method == "messages"]


async def test_duplicate_delivery_is_answered_once(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    body = wa.text_message(USER, "مرحبا")
    first = await user.deliver(body)
    assert len(first) == 1
    assert await user.deliver(body) == []  # Meta's retry of the same wamid
    again = wa.text_message(USER, "hello")
    answers = await asyncio.gather(wa.deliver(again), wa.deliver(again), wa.deliver(again))
    assert [status for status, _ in answers] == [200, 200, 200]
    await settled(app)
    assert len(user.sent()) == 2  # one answer per distinct message
    assert await count(app, InboundReceipt) == 2
    assert await count(app, OutboxMessage) == 2


async def test_every_fixture_body_is_accepted_without_crash(
    app: App, wa: WhatsAppEmulator, user: Beneficiary, caplog: pytest.LogCaptureFixture
) -> None:
    bodies = wa.fixture_bodies()
    assert len(bodies) >= 30
    with caplog.at_level(logging.INFO):
        for name, body in bodies.items():
            status, text = await wa.deliver(body)
            assert status == 200, (name, status, text)
        for name, body in wa.fixture_bodies().items():  # again, each message with its own id
            for entry in body["entry"]:
                for message in entry["changes"][0]["value"].get("messages", []):
                    message["id"] = new_wamid()
            status, text = await wa.deliver(body)
            assert status == 200, (name, status, text)
        await settled(app)
    crashes = [r for r in caplog.records if r.name.startswith("handlers.whatsapp")
               and r.levelno >= logging.ERROR]
    assert crashes == []
    assert any("unknown message" in r.getMessage() for r in caplog.records)  # restfb status
    assert await count(app, InboundReceipt) >= 30
    assert [c for c in wa.calls if c.method == "media_get"]  # the image's media was asked for


async def test_body_for_another_phone_number_is_ignored(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    body = wa.text_message(USER, "مرحبا")
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert (await wa.deliver(body))[0] == 200
    assert await count(app, InboundReceipt) == 0


@pytest.mark.parametrize("raw", [
    b"not json",
    b"\xff\xfe\x00",
    b"[1, 2, 3]",
    b'"just a string"',
    b'{"object": "whatsapp_business_account", "entry": "nope"}',
    b"{}",
    b"[" * 200_000 + b"]" * 200_000,
])
async def test_malformed_bodies_get_400(
    app: App, wa: WhatsAppEmulator, user: Beneficiary, raw: bytes
) -> None:
    status, _ = await wa.deliver_raw(raw)
    assert status == 400
    healthy, _ = await wa.deliver(wa.text_message(USER, "مرحبا"))
    assert healthy == 200


async def test_oversized_body_gets_413(wa: WhatsAppEmulator, user: Beneficiary) -> None:
    status, _ = await wa.deliver_raw(b"{" + b" " * MAX_BODY + b"}")
    assert status == 413
    unsigned_status, _ = await wa.deliver_raw(b"x" * (MAX_BODY + 1), signature=None)
    assert unsigned_status == 413
