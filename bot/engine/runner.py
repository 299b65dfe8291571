"""One turn of a conversation: global words, the current step, and its transition."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.engine import cancelling
from bot.engine.codec import Codec
from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, StartFlow, Transition
from bot.engine.matching import detect_global, match_choice
from bot.messages import Choice, Outbound
from bot.metrics import faq_answered
from bot.text import ascii_digits, clean

log = logging.getLogger(__name__)

MENU_FLOW, MENU_STEP = "menu", "main"
Escalate = Callable[[Ctx, str], Awaitable[bool]]  # True when it opened a new case
WELCOME_FLOW = "welcome"
LONG_PAUSE = dt.timedelta(hours=2)  # a bare number after it may answer an old screen
# FAQ entries answered in the middle of a form that come with a button (the policy's step 3).
FAQ_OFFERS = {"procedure-unclear": ("nav:person:procedure_unclear", "offer-researcher")}


class Runner:
    """Applies the flows to one turn; knows nothing about channels or the database."""

    def __init__(self, flows: dict[str, Flow], escalate: Escalate | None = None) -> None:
        for needed in (MENU_FLOW, WELCOME_FLOW):
            if needed not in flows:
                raise ValueError(f"flow {needed!r} is required")
        self.flows = flows
        self.codec = Codec.from_flows(flows.values())  # what each flow's buttons and words start
        self.escalate = escalate  # opens a case for staff (after repeated failures)

    async def turn(self, ctx: Ctx) -> None:
        """Handle ctx.inbound and leave replies in ctx.replies."""
        conv = ctx.conversation
        command = cancelling.typed_answer(ctx) or detect_global(ctx.inbound)
        if command and command.startswith("lang:"):
            await self._switch_language(ctx, command.split(":", 1)[1])
            return
        if ctx.beneficiary.consent_at is None and not (
                self._before_consent(conv.flow) and command in (None, "person")):
            await self.start_flow(ctx, WELCOME_FLOW)
            return
        if command is None and self._bare_number_after_pause(ctx):
            command = "resume"
        if command and (conv.flow != WELCOME_FLOW or command == "person") and await self._global(
                ctx, command):
            return
        started_by = self.codec.flow_for_payload(ctx.inbound.payload)
        if started_by is not None:  # a notice's button
            await self.start_flow(ctx, started_by)
            return
        if conv.flow is None or conv.flow not in self.flows:
            await self.start_flow(ctx, MENU_FLOW)
            return
        flow = self.flows[conv.flow]
        step = flow.steps.get(conv.step or "")
        if step is None:
            log.warning("conversation %s had unknown step %s/%s", conv.id, conv.flow, conv.step)
            await self.start_flow(ctx, MENU_FLOW)
            return
        if step.choices is not None:  # a numbered or typed "menu" / "person" button
            picked = match_choice(ctx.inbound, step.choices(ctx))
            nav = picked is not None and picked.id.startswith("nav:")
            if nav and await self._global(ctx, picked.id[4:]):  # type: ignore[union-attr]
                return
        if await self._answer_question(ctx, step):
            return
        await self.apply(ctx, await step.handle(ctx, ctx.inbound))

    async def apply(self, ctx: Ctx, transition: Transition) -> None:
        """Carry out what a step decided."""
        conv = ctx.conversation
        if isinstance(transition, Goto):
            history = ctx.data.setdefault("history", [])
            if conv.step and conv.step != transition.step:
                history.append(conv.step)
            conv.step = transition.step
            conv.failures = 0
            await self.prompt(ctx)
        elif isinstance(transition, Retry):
            conv.failures += 1
            ctx.say(transition.error.key, **(transition.error.args or {}))
            limit = ctx.config.limits.max_failures_before_offer_person
            if conv.failures >= limit:
                conv.failures = 0
                ctx.emit("repeated_failures", step=conv.step)
                if self.escalate is not None:
                    if await self.escalate(ctx, "repeated_failures"):  # told once per case
                        ctx.say("offer-person-opened")
                else:
                    ctx.say("offer-person", choices=[Choice("nav:person", ctx.t("menu-person"))])
            await self.prompt(ctx)
        elif isinstance(transition, Finish):
            self._leave(ctx, keep_draft=False)
            if transition.show_menu:
                await self.start_flow(ctx, MENU_FLOW)
        elif isinstance(transition, StartFlow):
            await self.start_flow(ctx, transition.flow)

    async def start_flow(
        self, ctx: Ctx, flow_id: str, answers: dict[str, Any] | None = None
    ) -> None:
        """Enter a flow at its first step (or where its on_start sends it), with `answers`
        known beforehand (a pushed survey's id)."""
        if ctx.conversation.flow and ctx.conversation.flow != flow_id:
            self._leave(ctx, keep_draft=True)
        flow = self.flows[flow_id]
        ctx.conversation.flow, ctx.conversation.step = flow.id, flow.start
        ctx.conversation.failures = 0
        ctx.data["answers"], ctx.data["history"] = dict(answers or {}), []
        if flow.on_start is not None:
            transition = await flow.on_start(ctx)
            if transition is not None:
                await self.apply(ctx, transition)
                return
        await self.prompt(ctx)

    async def prompt(self, ctx: Ctx) -> None:
        """Show the current step's question."""
        flow = self.flows[ctx.conversation.flow or MENU_FLOW]
        step = flow.steps[ctx.conversation.step or flow.start]
        out = step.prompt(ctx)
        if inspect.isawaitable(out):
            out = await out
        assert isinstance(out, Outbound)
        ctx.reply(out)

    def _leave(self, ctx: Ctx, *, keep_draft: bool) -> None:
        conv = ctx.conversation
        answers = ctx.data.get("answers") or {}
        flow = self.flows.get(conv.flow or "")
        dropped = [answers]
        if flow and flow.keeps_draft and answers and keep_draft:
            ctx.data.setdefault("drafts", {})[conv.flow] = {"answers": answers, "step": conv.step}
            dropped = []
        elif flow and not keep_draft:
            dropped.append((ctx.data.get("drafts", {}).pop(conv.flow, None) or {}).get("answers"))
        self._drop_files(ctx, flow, dropped)
        ctx.data["answers"], ctx.data["history"] = {}, []
        ctx.data.pop("return_to", None)
        conv.flow, conv.step = None, None

    @staticmethod
    def _drop_files(ctx: Ctx, flow: Flow | None, dropped: list[dict | None]) -> None:
        """Answers dropped without a submission: their files go after the commit."""
        if flow is None or flow.files is None:
            return
        keys = [key for answers in dropped if answers for key in flow.files(answers)]
        if keys:
            ctx.emit("files_dropped", keys=keys)  # bot/services/files.py deletes them

    async def _global(self, ctx: Ctx, command: str) -> bool:
        conv = ctx.conversation
        in_task = conv.flow not in (None, MENU_FLOW)
        if command.startswith("lang:"):
            await self._switch_language(ctx, command.split(":", 1)[1])
        elif command == "resume":
            if conv.flow not in (None, MENU_FLOW) and not self._is_screen(conv.flow):
                ctx.say("welcome-back")
                await self.prompt(ctx)
            else:
                await self.start_flow(ctx, MENU_FLOW)
        elif command in ("menu", "start"):
            await self.start_flow(ctx, MENU_FLOW)
        elif command in ("cancel", "cancel:yes", "cancel:no"):
            await cancelling.cancel(self, ctx, command, in_task=in_task)
        elif command == "back":
            history = ctx.data.get("history") or []
            if in_task and history:
                conv.step = history.pop()
                conv.failures = 0
            else:
                ctx.say("nothing-to-go-back")
            await self.prompt(ctx)
        elif command == "help":
            ctx.say("help-text")
            await self.prompt(ctx)
        elif (flow_id := self.codec.flow_for_command(command.partition(":")[0])) is not None:
            # "person", "lang", ... as the flows declare; "person:procedure_unclear" carries
            # its argument to the flow's on_start
            ctx.data["start_arg"] = command.partition(":")[2]
            await self.start_flow(ctx, flow_id)
        else:
            return False
        return True

    async def _switch_language(self, ctx: Ctx, lang: str) -> None:
        ctx.conversation.language = lang
        ctx.beneficiary.language = lang
        ctx.say("language-set")
        # switching by word completes the flow that asks for the language
        if ctx.conversation.flow in (None, self.codec.flow_for_command("lang")):
            await self.start_flow(ctx, MENU_FLOW)
        else:
            await self.prompt(ctx)

    async def _answer_question(self, ctx: Ctx, step: object) -> bool:
        """A question asked in the middle of a form is answered, then the form resumes."""
        faq, text = ctx.services.faq, ctx.inbound.text
        if faq is None or not text:
            return False
        if getattr(step, "sensitive", False) and any(ch.isdigit() for ch in ascii_digits(text)):
            return False  # at the ID or income step, anything with digits is the answer
        if ctx.conversation.flow in (MENU_FLOW, WELCOME_FLOW):
            return False
        choices = getattr(step, "choices", None)
        if choices is not None and match_choice(ctx.inbound, choices(ctx)) is not None:
            return False
        if not faq.looks_like_question(text):
            return False
        result = await faq.ask_async(text, ctx.lang)
        if result.kind != "answer" or result.best is None:
            return False
        faq_answered("answer")  # only answers are counted here: the rest is the step's answer
        match = result.best
        offer = FAQ_OFFERS.get(match.entry.id)
        ctx.say("faq-answer-inline", answer=match.entry.answer[ctx.lang],
                source=match.entry.source[ctx.lang],
                choices=[Choice(offer[0], ctx.t(offer[1]))] if offer else None)
        await self.prompt(ctx)
        return True

    def _before_consent(self, flow_id: str | None) -> bool:
        """Whether the flow may run before consent (the welcome, asking for a person)."""
        flow = self.flows.get(flow_id or "")
        return flow is not None and (flow.id == WELCOME_FLOW or flow.before_consent)

    def _is_screen(self, flow_id: str) -> bool:
        flow = self.flows.get(flow_id)
        return flow is not None and flow.screen

    def _bare_number_after_pause(self, ctx: Ctx) -> bool:
        """A typed number that may answer a screen the person no longer sees (a restart)."""
        conv, text = ctx.conversation, ctx.inbound.text
        if conv.flow is None or ctx.inbound.payload or not text or not clean(text).isdigit():
            return False
        return conv.updated_at is not None and ctx.now - conv.updated_at >= LONG_PAUSE
