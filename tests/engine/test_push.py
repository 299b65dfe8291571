"""`engine.push` with a flow starts it as a menu choice would: on_start, drafts, silence.

An idle conversation (at the menu) moves into the flow; a busy one keeps its place; one held
for staff is left alone. Only the pushed messages are sent.
"""

from __future__ import annotations

import json
from typing import Any

from app.wiring import App
from bot.db import transaction
from bot.engine.context import Ctx
from bot.engine.engine import ConversationEngine
from bot.engine.flow import Flow, Goto, Step, Transition
from bot.messages import Inbound, Outbound
from bot.repo import identities
from conversations import build_flows
from tests.support.convo import Convo


async def _probe_start(ctx: Ctx) -> Transition:
    ctx.answers["started_with"] = dict(ctx.answers)
    ctx.say("help-text")  # entering says something: a push does not send it
    return Goto("second")


async def _ignore(ctx: Ctx, inbound: Inbound) -> Transition:
    return Goto("second")


def _engine(app: App) -> ConversationEngine:
    probe = Flow("probe", start="first", on_start=_probe_start)
    for step in ("first", "second"):
        probe.add(Step(step, lambda ctx: Outbound(ctx.t("help-text")), _ignore))
    return ConversationEngine(app.sessions, app.services, {**build_flows(), "probe": probe})


async def _push(app: App, engine: ConversationEngine, key: str, **flow: Any) -> None:
    async with transaction(app.sessions) as session:
        identity = await identities.get_identity(session, channel="terminal",
                                                 platform_user_id="u1")
        assert identity is not None
        await engine.push(session, identity=identity, messages=[Outbound("notice")],
                          dedupe_key=key, **flow)


async def _state(app: App) -> tuple[str | None, str | None, dict[str, Any]]:
    async with app.sessions() as session:
        identity = await identities.get_identity(session, channel="terminal",
                                                 platform_user_id="u1")
        assert identity is not None
        conv = await identities.conversation_of(session, identity_id=identity.id or 0)
        assert conv is not None and conv.data_enc
        data = json.loads(app.services.vault.decrypt(conv.data_enc))
        return conv.flow, conv.step, data


async def test_idle_conversation_enters_through_on_start_and_keeps_its_draft(
    app: App, convo: Convo
) -> None:
    await convo.press("طلب دعم جديد")
    await convo.send("سارة محمد")
    await convo.send("القائمة")  # a draft of the form is kept; the conversation is idle
    await _push(app, _engine(app), "t1", flow="probe", answers={"survey_id": 7})
    flow, step, data = await _state(app)
    assert (flow, step) == ("probe", "second")  # on_start ran and moved it on
    assert data["answers"]["started_with"] == {"survey_id": 7}
    assert data["drafts"]["intake"]["answers"]["full_name"] == "سارة محمد"
    await app.dispatcher.drain_once()
    assert [m.text for m in convo.new_messages()] == ["notice"]  # only what was pushed


async def test_busy_conversation_keeps_its_place(app: App, convo: Convo) -> None:
    await convo.press("طلب دعم جديد")
    before = await _state(app)
    await _push(app, _engine(app), "t2", flow="probe")
    assert await _state(app) == before
    await app.dispatcher.drain_once()
    assert [m.text for m in convo.new_messages()] == ["notice"]


async def test_conversation_held_for_staff_is_untouched(app: App, convo: Convo) -> None:
    async with transaction(app.sessions) as session:
        identity = await identities.get_identity(session, channel="terminal",
                                                 platform_user_id="u1")
        assert identity is not None
        conv = await identities.conversation_of(session, identity_id=identity.id or 0)
        assert conv is not None and conv.flow == "menu"
        conv.human_hold = True
    before = await _state(app)
    await _push(app, _engine(app), "t3", flow="probe")
    assert await _state(app) == before


async def test_pushed_survey_waits_for_a_typed_rating(app: App, convo: Convo) -> None:
    await _push(app, app.engine, "t4", flow="survey", answers={"survey_id": 3})
    flow, step, data = await _state(app)
    assert (flow, step, data["answers"]) == ("survey", "rating", {"survey_id": 3})
