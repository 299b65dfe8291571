"""The conversation engine: one transaction per inbound message.

In one transaction it de-duplicates the message, loads the conversation, runs one turn of
the flows, saves the state and writes every reply to the outbox. Only after the commit are
the dispatcher woken and the domain events published: nothing is sent that was not
committed, and nothing committed is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.engine.context import Ctx, Services
from bot.engine.flow import Flow
from bot.engine.runner import MENU_FLOW, Escalate, Runner
from bot.engine.store import TurnStore
from bot.engine.throttle import Throttle, ThrottleStore
from bot.logging_setup import bind_identity, identity_scope
from bot.messages import Inbound, Outbound
from bot.metrics import inbound_ignored, turn_done
from bot.repo import identities, outbox, receipts, transcripts
from bot.security.redact import redact
from models import ChannelIdentity, Conversation

log = logging.getLogger(__name__)
EventListener = Callable[[list[tuple[str, dict[str, Any]]]], Awaitable[None]]
REDACTED = "•••"
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass
class TurnResult:
    """What one inbound message produced."""

    duplicate: bool = False
    replies: list[Outbound] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    chat: tuple[str, str] | None = None  # (channel, address) the replies go to


class ConversationEngine:
    """Runs the flows for any channel; adapters call `handle` with a normalised message."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        flows: dict[str, Flow],
        escalate: Escalate | None = None,
        max_turns: int = 8,
        throttle_store: ThrottleStore | None = None,
    ) -> None:
        self.sessions = sessions
        # Turns in flight at once. A flood beyond it waits here, in order, rather than in the
        # connection pool, which times out after 30 s and was seen to collapse throughput.
        self._turns = asyncio.Semaphore(max_turns)
        self.services = services
        self.runner = Runner(flows, escalate)
        # counts in memory, or shared by every worker (PostgreSQL, Redis: app/wiring.py)
        self.throttle = Throttle.from_limits(services.config.limits, services.clock,
                                             throttle_store)
        self.listeners: list[EventListener] = []
        self.wake_dispatcher: Callable[..., None] = lambda chat=None: None
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock(self, inbound: Inbound) -> asyncio.Lock:
        key = (inbound.channel, inbound.user_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, inbound: Inbound) -> TurnResult:
        """Process one inbound message exactly once."""
        with identity_scope():  # log lines of this turn carry the identity's internal id
            return await self._handle_once(inbound)

    async def _handle_once(self, inbound: Inbound) -> TurnResult:
        lock = self._lock(inbound)  # held in a local so the weak entry lives for the turn
        async with lock, self._turns:
            started = time.perf_counter()
            result = await self._handle(inbound)
        if not result.duplicate:
            turn_done(inbound.channel, time.perf_counter() - started)
            self.wake_dispatcher(result.chat)
            for listener in self.listeners:
                try:
                    await listener(result.events)
                except Exception:  # a listener's failure must not lose the committed turn
                    log.exception("event listener failed")
        return result

    async def _handle(self, inbound: Inbound) -> TurnResult:
        async with transaction(self.sessions) as session:
            claimed = await receipts.claim(
                session, channel=inbound.channel, message_id=inbound.message_id
            )
            if not claimed:
                log.info("duplicate %s message %s ignored", inbound.channel, inbound.message_id)
                inbound_ignored(inbound.channel, "duplicate")
                return TurnResult(duplicate=True)
            identity, beneficiary, conv = await identities.load_or_create(
                session,
                channel=inbound.channel,
                platform_user_id=inbound.user_id,
                display_name=inbound.display_name,
                language=self._initial_language(inbound),
            )
            bind_identity(identity.id)
            self._touch(identity)
            ctx = Ctx(TurnStore(session), self.services, identity, beneficiary, conv,
                      self._load_data(conv.data_enc), inbound)
            heard = redact(self._transcript_text(ctx))  # before the turn moves the step on
            ctx.heard = heard
            if not await self.throttle.admit(ctx, session):  # over the rate: notice, then silence
                log.debug("%s message over the inbound rate: turn skipped", inbound.channel)
                inbound_ignored(inbound.channel, "throttled")
            elif conv.human_hold:
                ctx.emit("relay_to_staff", identity_id=identity.id, inbound=inbound)
            else:
                pending = (conv.flow, conv.step) if conv.step else None
                await self.runner.turn(ctx)
                if pending is not None and (conv.flow, conv.step) != pending:
                    await self.throttle.moved_on(ctx, session)
            await self._save(session, ctx, heard)
            return TurnResult(replies=ctx.replies, events=ctx.events,
                              chat=(identity.channel, identity.platform_user_id))

    def _touch(self, identity: ChannelIdentity) -> None:
        """Note that the person wrote (WhatsApp's 24-hour window, reachability).

        The time is rewritten at most once a minute: an UPDATE of the identity on every turn
        costs a statement, and a window that looks up to a minute older is on the safe side.
        """
        now = self.services.clock.now()
        last = identity.last_inbound_at
        if last is None or now - last >= TOUCH_EVERY or now < last:
            identity.last_inbound_at = now
        if identity.unreachable:
            identity.unreachable = False

    async def _save(self, session: AsyncSession, ctx: Ctx, heard: str) -> None:
        conv, identity, inbound = ctx.conversation, ctx.identity, ctx.inbound
        conv.data_enc = self.services.vault.encrypt(json.dumps(ctx.data, ensure_ascii=False))
        conv.updated_at = self.services.clock.now()
        for reply in ctx.replies:
            reply.meta.setdefault("lang", conv.language)  # renderers label buttons with it
        lines = [("in", heard)] + [("out", reply.text) for reply in ctx.replies]
        await transcripts.add_many(session, identity_id=identity.id or 0, lines=lines,
                                   at=conv.updated_at)
        await outbox.add_replies(session, channel=identity.channel,
                                 address=identity.platform_user_id, identity_id=identity.id,
                                 messages=ctx.replies,
                                 key_prefix=f"in:{inbound.channel}:{inbound.message_id}",
                                 now=conv.updated_at)

    async def push(
        self,
        session: AsyncSession,
        *,
        identity: ChannelIdentity,
        messages: list[Outbound],
        dedupe_key: str,
        flow: str | None = None,
        answers: dict[str, Any] | None = None,
    ) -> None:
        """Queue business-initiated messages in the caller's transaction.

        With `flow`, an idle conversation (at the menu) moves into that flow as a menu choice
        would move it, so that typed answers ("4") reach it; a busy one keeps its place and
        the buttons still work; one held for staff is left alone.
        """
        conv = await identities.conversation_of(session, identity_id=identity.id or 0)
        if flow and conv is not None and conv.flow in (None, MENU_FLOW) and not conv.human_hold:
            await self._enter(session, identity, conv, flow, answers or {}, dedupe_key)
        for index, message in enumerate(messages):
            if conv is not None:
                message.meta.setdefault("lang", conv.language)
            await outbox.enqueue(session, channel=identity.channel,
                                 address=identity.platform_user_id, identity_id=identity.id,
                                 message=message, dedupe_key=f"{dedupe_key}:{index}",
                                 now=self.services.clock.now())
            await transcripts.add(session, identity_id=identity.id or 0, direction="out",
                                  text=message.text)

    async def _enter(
        self, session: AsyncSession, identity: ChannelIdentity, conv: Conversation,
        flow: str, answers: dict[str, Any], dedupe_key: str,
    ) -> None:
        """Start `flow` as a menu choice would (leaving the menu, on_start, drafts), in a
        turn of its own with no inbound text. The pushed messages are the flow's opening:
        what entering would say or emit is not sent."""
        beneficiary = await identities.beneficiary_of(session, identity=identity)
        inbound = Inbound(channel=identity.channel, user_id=identity.platform_user_id,
                          message_id=f"push:{dedupe_key}")
        ctx = Ctx(TurnStore(session), self.services, identity, beneficiary, conv,
                  self._load_data(conv.data_enc), inbound)
        await self.runner.start_flow(ctx, flow, answers)
        if ctx.events:
            log.info("entering %s by a push left %d events unpublished", flow, len(ctx.events))
        conv.data_enc = self.services.vault.encrypt(json.dumps(ctx.data, ensure_ascii=False))
        conv.updated_at = self.services.clock.now()  # a fresh screen, not a long pause
        session.add(conv)

    def _load_data(self, token: str | None) -> dict[str, Any]:
        if not token:
            return {}
        return json.loads(self.services.vault.decrypt(token))

    def _initial_language(self, inbound: Inbound) -> str:
        if inbound.locale and inbound.locale[:2] in ("ar", "en"):
            return inbound.locale[:2]
        return self.services.config.default_language

    def _transcript_text(self, ctx: Ctx) -> str:
        inbound = ctx.inbound
        flow = self.runner.flows.get(ctx.conversation.flow or "")
        step = flow.steps.get(ctx.conversation.step or "") if flow else None
        if step is not None and step.sensitive:
            return REDACTED
        if inbound.attachment is not None:
            return f"[{inbound.attachment.mime_type or 'file'}] {inbound.text or ''}".strip()
        if inbound.contact_phone:
            return "[contact]"
        return inbound.text or inbound.payload or ""
