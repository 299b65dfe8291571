"""Retention beyond receipts and transcripts: every table with personal data and the
documents folder, each window from config.yaml `retention` (and `privacy` for what a deletion
request kept)."""

from __future__ import annotations

import datetime as dt
import json
import os

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.wiring import App
from bot.clock import FrozenClock
from bot.config import PrivacyConfig, Retained, RetentionConfig
from bot.db import transaction
from bot.services.retention import prune_all
from models import (
    ChannelIdentity,
    Conversation,
    Escalation,
    KnowledgeGap,
    OutboxMessage,
    RequestDocument,
    RightsRequest,
    ScheduledMessage,
    StaffAction,
    SupportRequest,
)
from tests.scheduler.test_retention import new_identity

DAY = dt.timedelta(days=1)
KEEP = PrivacyConfig(retain_after_deletion={"support_requests": Retained(
    years=10, reason_ar="سبب نظامي للحفظ", reason_en="a legal reason to keep")})


async def beneficiary_of(session: AsyncSession, identity_id: int) -> int:
    identity = await session.get(ChannelIdentity, identity_id)
    assert identity is not None
    return identity.beneficiary_id


async def run(app: App, now: dt.datetime, config: RetentionConfig | None = None) -> dict[str, int]:
    services = app.services
    return await prune_all(app.sessions, config or RetentionConfig(), now=now, privacy=KEEP,
                           documents=services.documents, vault=services.vault)


async def test_outbox_scheduled_gaps_and_closed_cases_expire(
        app: App, clock: FrozenClock) -> None:
    now = clock.now()
    identity = await new_identity(app, "r1")
    async with transaction(app.sessions) as s:
        for key, status, age in (("old-sent", "sent", 40), ("new-sent", "sent", 10),
                                 ("old-pending", "pending", 40), ("old-failed", "failed", 31)):
            s.add(OutboxMessage(channel="telegram", address="r1", identity_id=identity,
                                payload={"text": key}, dedupe_key=key, status=status,
                                created_at=now - age * DAY))
        for key, status, age in (("old-done", "done", 100), ("new-done", "done", 10),
                                 ("old-cancelled", "cancelled", 91),
                                 ("old-pending", "pending", 100)):
            s.add(ScheduledMessage(kind="survey", dedupe_key=key, status=status,
                                   due_at=now - age * DAY,
                                   done_at=None if status == "pending" else now - age * DAY))
        for age in (400, 10):
            s.add(KnowledgeGap(question=f"q{age}", language="ar", reason="unknown",
                               created_at=now - age * DAY))
        owner = await beneficiary_of(s, identity)
        cases = [Escalation(beneficiary_id=owner, identity_id=identity, reason="complaint",
                            role="officer", status=status, summary=f"← said {status}",
                            closed_at=now - age * DAY if status == "closed" else None)
                 for status, age in (("closed", 400), ("closed", 30), ("open", 0))]
        s.add_all(cases)
        await s.flush()
        s.add_all([StaffAction(staff_user_id="9001", action="relay_out", escalation_id=c.id,
                               detail="a relayed text") for c in cases])

    counts = await run(app, now)
    assert (counts["outboxmessage"], counts["scheduledmessage"], counts["knowledgegap"]) == (
        2, 2, 1)
    assert (counts["escalation.summary"], counts["staffaction.detail"]) == (1, 1)
    async with app.sessions() as s:
        keys = set((await s.execute(select(OutboxMessage.dedupe_key))).scalars())
        assert keys == {"new-sent", "old-pending"}
        keys = set((await s.execute(select(ScheduledMessage.dedupe_key))).scalars())
        assert keys == {"new-done", "old-pending"}
        assert list((await s.execute(select(KnowledgeGap.question))).scalars()) == ["q10"]
        summaries = list((await s.execute(select(Escalation.summary)
                                          .order_by(Escalation.id))).scalars())
        assert summaries == [None, "← said closed", "← said open"]
        details = list((await s.execute(select(StaffAction.detail)
                                        .order_by(StaffAction.id))).scalars())
        assert details == [None, "a relayed text", "a relayed text"]
    assert (await run(app, now))["outboxmessage"] == 0  # nothing left to do
    shorter = RetentionConfig(outbox_days=5)
    assert (await run(app, now, shorter))["outboxmessage"] == 1  # each window is configurable


async def test_orphan_documents_go_referenced_ones_stay(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    store, vault = app.services.documents, app.services.vault
    identity = await new_identity(app, "r2")
    old = (now - 8 * DAY).timestamp()
    keys = {name: store.put(name.encode())[0]
            for name in ("orphan-old", "orphan-new", "upload", "draft", "pending")}
    for name in ("orphan-old", "upload", "draft", "pending"):
        os.utime(store.folder / keys[name], (old, old))
    async with transaction(app.sessions) as s:
        request = SupportRequest(beneficiary_id=await beneficiary_of(s, identity),
                                 identity_id=identity, full_name="x",
                                 national_id_hash="h", national_id_enc=vault.encrypt("1"),
                                 mobile="+966500000000", branch="main_office", family_size=1,
                                 monthly_income_enc=vault.encrypt("0"),
                                 support_type="food_basket", description="d")
        s.add(request)
        await s.flush()
        s.add(RequestDocument(request_id=request.id, doc_type="family_record",
                              status="uploaded", storage_key=keys["upload"]))
        draft = {"drafts": {"intake": {"answers": {"docs": {"x": {"key": keys["draft"]}}}}}}
        s.add(Conversation(identity_id=identity, data_enc=vault.encrypt(json.dumps(draft))))
        s.add(OutboxMessage(channel="telegram", address="r2", identity_id=identity,
                            payload={"text": "copy", "file_key": keys["pending"]},
                            dedupe_key="with-file", status="pending"))
    counts = await run(app, now)
    assert counts["documents"] == 1
    left = {p.name for p in store.folder.iterdir()}
    assert keys["orphan-old"] not in left
    assert {keys[n] for n in ("orphan-new", "upload", "draft", "pending")} <= left


async def test_what_a_deletion_kept_is_anonymised_when_its_years_are_over(
        app: App, clock: FrozenClock) -> None:
    now = clock.now()
    vault = app.services.vault
    ids = [await new_identity(app, f"k{i}") for i in range(2)]
    async with transaction(app.sessions) as s:
        for n, (identity, years) in enumerate(zip(ids, (11, 1), strict=True)):
            beneficiary = await beneficiary_of(s, identity)
            s.add(SupportRequest(beneficiary_id=beneficiary, identity_id=identity,
                                 full_name=f"name{n}", national_id_hash="h",
                                 national_id_enc=vault.encrypt("1000000008"),
                                 mobile="+966500000000", branch="main_office", family_size=4,
                                 monthly_income_enc=vault.encrypt("3000"),
                                 support_type="food_basket", description="details"))
            created = now - dt.timedelta(days=365 * years + 3)
            s.add(RightsRequest(kind="deletion", beneficiary_id=beneficiary, identity_id=identity,
                                status="done", created_at=created, due_at=created + 30 * DAY,
                                closed_at=created))
    counts = await run(app, now)
    assert counts["supportrequest.retained"] == 1
    async with app.sessions() as s:
        stmt = select(SupportRequest).order_by(SupportRequest.id)
        rows = list((await s.execute(stmt)).scalars())
    assert (rows[0].full_name, rows[0].mobile, rows[0].national_id_enc) == ("-", "-", "-")
    assert rows[0].family_size == 4 and rows[0].support_type == "food_basket"  # for reports
    assert rows[1].full_name == "name1"
