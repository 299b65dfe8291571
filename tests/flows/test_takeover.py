"""Issue 12: a stranger who knows an applicant's national ID cannot take the request over.

Two identities on the terminal channel: the owner files a request; a stranger types the same
ID into a new request, then tries to link the request with its reference and digits of the ID;
then the committee rejects it with a reason. The stranger learns nothing and gets nothing."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from app.wiring import App
from bot.repo import identities
from bot.scheduler.work import Worker
from bot.services.decision_import import import_decisions, read_minutes
from models import ChannelIdentity, OutboxMessage
from tests.flows.helpers import VALID_ID, submit
from tests.support.convo import Convo, plain

REFERENCE = "GH-2026-000001"
REASON = "الدخل أعلى من الحد المعتمد"
# Anything that would tell the stranger about the owner's request.
SECRETS = (REFERENCE, "2026-000001", REASON, "محمد أحمد العتيبي", "مُقدَّم", "قيد الدراسة",
           "مرفوض", "عدم قبوله", "قبول طلبك", "2026-11-22")


async def _person(app: App, user: str) -> Convo:
    person = Convo(app, user)
    await person.send("مرحبا")
    await person.press("أوافق")
    return person


async def _decide(app: App, tmp_path: Path) -> None:
    path = tmp_path / "minutes.csv"
    path.write_text(f"reference,decision,reason,decided_on\n{REFERENCE},رفض,{REASON},\n",
                    encoding="utf-8")
    results = await import_decisions(app.sessions, app.config, app.services.clock,
                                     read_minutes(path), actor="csv")
    assert [r.outcome for r in results] == ["recorded"]
    assert await Worker(app.sessions, app.engine).run_due() >= 1
    await app.dispatcher.drain_once()


async def _everything_sent_to(app: App, person: Convo) -> str:
    """Every message delivered to the person and every outbox row addressed to them."""
    async with app.sessions() as s:
        rows = (await s.execute(select(OutboxMessage).where(
            OutboxMessage.channel == person.channel,
            OutboxMessage.address == person.user))).scalars().all()
    delivered = [m.text + " " + " ".join(c.label for c in m.choices)
                 for m in person.sender.inbox[person.user]]
    return plain("\n".join(delivered + [str(r.payload) for r in rows]))


async def test_a_stranger_with_the_id_learns_nothing_and_gets_nothing(
    app: App, tmp_path: Path
) -> None:
    owner = await _person(app, "owner")
    assert REFERENCE in await submit(owner)
    owner.new_messages()

    stranger = await _person(app, "stranger")
    await stranger.press("طلب دعم جديد")
    await stranger.send("خالد سعد")
    out = stranger.text(await stranger.send(VALID_ID))
    assert "يوجد طلب مسجّل برقم الهوية هذا" in out

    await stranger.press("حالة طلباتي")
    out = stranger.text(await stranger.send(REFERENCE))
    assert "أرسلنا رمز تحقق" in out
    to_owner = owner.text(owner.new_messages())
    code = re.findall(r"\b\d{6}\b", to_owner)[-1]
    assert REFERENCE in to_owner and "لا تشارك هذا الرمز" in to_owner
    for guess in (VALID_ID[-4:], VALID_ID[-6:], f"{(int(code) + 7) % 10**6:06d}"):
        out = stranger.text(await stranger.send(guess))
        assert "تم ربط" not in out

    await _decide(app, tmp_path)
    assert stranger.new_messages() == []
    notice = owner.text(owner.new_messages())
    assert "عدم قبوله" in notice and REASON in notice and REFERENCE in notice

    await stranger.send("القائمة")
    out = stranger.text(await stranger.press("حالة طلباتي"))
    assert "رقم الطلب" in out  # still nothing of the owner's to list
    seen = await _everything_sent_to(app, stranger)
    assert code not in seen
    for secret in SECRETS:
        assert secret not in seen, secret


async def test_an_identity_moved_without_proof_gets_no_notice(
    app: App, tmp_path: Path
) -> None:
    """Data linked by the old "last four digits" path: the identity sits on the owner's
    beneficiary without a link row, and still receives nothing."""
    owner = await _person(app, "owner")
    await submit(owner)
    owner.new_messages()
    stranger = await _person(app, "stranger")
    async with app.sessions() as s, s.begin():
        owner_row = (await s.execute(select(ChannelIdentity).where(
            ChannelIdentity.platform_user_id == "owner"))).scalar_one()
        intruder = (await s.execute(select(ChannelIdentity).where(
            ChannelIdentity.platform_user_id == "stranger"))).scalar_one()
        await identities.link_identity(s, identity=intruder,
                                       beneficiary_id=owner_row.beneficiary_id)
    await stranger.send("القائمة")  # written last: once the preferred channel for notices
    out = stranger.text(await stranger.press("حالة طلباتي"))
    assert REFERENCE not in out
    await _decide(app, tmp_path)
    assert stranger.new_messages() == []
    assert REASON in owner.text(owner.new_messages())
    seen = await _everything_sent_to(app, stranger)
    for secret in SECRETS:
        assert secret not in seen, secret


async def test_after_a_decision_only_the_owner_hears_when_to_reapply(
    app: App, tmp_path: Path
) -> None:
    owner = await _person(app, "owner")
    await submit(owner)
    await _decide(app, tmp_path)
    stranger = await _person(app, "stranger")
    for person in (owner, stranger):
        await person.send("القائمة")
        await person.press("طلب دعم جديد")
        await person.send("محمد أحمد العتيبي")
    out = owner.text(await owner.send(VALID_ID))
    assert "صدر قرار في طلبك السابق" in out and "2026-12-22" in out
    out = stranger.text(await stranger.send(VALID_ID))
    assert "يوجد طلب مسجّل برقم الهوية هذا" in out
    assert "2026-12-22" not in out and "قرار" not in out
