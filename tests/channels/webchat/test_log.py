"""The chat log: appended once per key, read after an id in order, pruned with the outbox."""

from __future__ import annotations

import datetime as dt

from app.wiring import App
from bot.db import transaction
from bot.repo import chatlog
from bot.services.retention import prune_more


async def test_a_key_appends_once_and_reads_resume_after_an_id(app: App) -> None:
    now = app.services.clock.now()
    async with transaction(app.sessions) as session:
        for key in ("out:1", "out:2", "out:1", "in:x", "out:3"):
            await chatlog.append(session, channel="web", address="v1",
                                 direction=key.split(":")[0], dedupe_key=key,
                                 payload={"text": key}, now=now)
        await chatlog.append(session, channel="web", address="v2", direction="out",
                             dedupe_key="out:9", payload={"text": "other"}, now=now)
    async with app.sessions() as session:
        every = await chatlog.after(session, channel="web", address="v1", after_id=0)
        assert [e.payload["text"] for e in every] == ["out:1", "out:2", "in:x", "out:3"]
        rest = await chatlog.after(session, channel="web", address="v1", after_id=every[1].id or 0)
        assert [e.payload["text"] for e in rest] == ["in:x", "out:3"]
        last = await chatlog.latest(session, channel="web", address="v1", limit=2)
        assert [e.payload["text"] for e in last] == ["in:x", "out:3"]
        assert await chatlog.entry(session, channel="web", address="v2",
                                   entry_id=every[0].id or 0) is None


async def test_the_log_is_pruned_after_the_outbox_window(app: App) -> None:
    now = app.services.clock.now()
    window = dt.timedelta(days=app.config.retention.outbox_days)
    async with transaction(app.sessions) as session:
        await chatlog.append(session, channel="web", address="v1", direction="out",
                             dedupe_key="out:old", payload={"text": "old"},
                             now=now - window - dt.timedelta(days=1))
        await chatlog.append(session, channel="web", address="v1", direction="out",
                             dedupe_key="out:new", payload={"text": "new"}, now=now)
    counts = await prune_more(app.sessions, app.config.retention, now=now)
    assert counts["chatlogentry"] == 1
    async with app.sessions() as session:
        kept = await chatlog.after(session, channel="web", address="v1", after_id=0)
    assert [e.payload["text"] for e in kept] == ["new"]


async def test_erasing_a_person_deletes_their_website_chat(app: App) -> None:
    from bot.messages import Inbound
    from bot.repo import identities, rights
    from handlers.webchat.sender import WebChatSender

    app.add_sender(WebChatSender(app.sessions, app.services.clock, lambda *_: None))
    await app.engine.handle(Inbound("web", "visitor-1", "visitor-1:a", text="مرحبا"))
    await app.dispatcher.drain_once()
    async with app.sessions() as session:
        assert await chatlog.after(session, channel="web", address="visitor-1", after_id=0)
        identity = await identities.get_identity(session, channel="web",
                                                 platform_user_id="visitor-1")
    assert identity is not None and identity.id is not None
    async with transaction(app.sessions) as session:
        await rights.erase_conversation_traces(session, beneficiary_id=identity.beneficiary_id,
                                               identity_ids=[identity.id])
    async with app.sessions() as session:
        assert await chatlog.after(session, channel="web", address="visitor-1", after_id=0) == []
