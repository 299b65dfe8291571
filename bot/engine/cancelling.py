"""«إلغاء» / cancel: inside an edit it cancels only the edit; a form with answers is thrown
away only after the person confirms, and then its uploaded files go with it."""

from __future__ import annotations

from typing import Any, Protocol

from bot.engine.context import Ctx
from bot.engine.flow import Flow
from bot.engine.matching import match_choice
from bot.messages import Choice


class Runner(Protocol):
    """What cancelling needs of the runner (which imports this module)."""

    flows: dict[str, Flow]

    async def prompt(self, ctx: Ctx) -> None:
        """Show the current step's question."""

    async def start_flow(self, ctx: Ctx, flow_id: str) -> None:
        """Enter a flow."""

    def _leave(self, ctx: Ctx, *, keep_draft: bool) -> None:
        """Leave the current flow."""


CONFIRMING = "confirm_cancel"  # set in the state while the question is on screen


def _choices(ctx: Ctx) -> list[Choice]:
    return [Choice("nav:cancel:yes", ctx.t("cancel-yes")),
            Choice("nav:cancel:no", ctx.t("cancel-no"))]


def typed_answer(ctx: Ctx) -> str | None:
    """The command a typed answer (1, 2, a label) to last turn's question stands for."""
    if not ctx.data.pop(CONFIRMING, False) or ctx.inbound.payload:
        return None
    picked = match_choice(ctx.inbound, _choices(ctx))
    return picked.id[4:] if picked is not None else None


def _has_work(ctx: Ctx) -> bool:
    flow = ctx.conversation.flow or ""
    return bool(ctx.answers) or bool((ctx.data.get("drafts") or {}).get(flow))


def _files_in(flow: Flow | None, answers: dict[str, Any]) -> list[str]:
    return flow.files(answers) if flow is not None and flow.files else []


async def cancel(runner: Runner, ctx: Ctx, command: str, *, in_task: bool) -> None:
    """Carry out `cancel`, `cancel:yes` or `cancel:no`."""
    conv = ctx.conversation
    if in_task and command == "cancel" and ctx.data.get("return_to"):
        before = ctx.answers.pop("before_edit", None)  # the answers when the edit began
        if before is not None:
            flow = runner.flows.get(conv.flow or "")
            added = set(_files_in(flow, ctx.answers)) - set(_files_in(flow, before))
            if added:  # uploaded during the edit: deleted after the commit if unreferenced
                ctx.emit("files_dropped", keys=sorted(added))
            ctx.data["answers"] = before
        conv.step, conv.failures = ctx.data.pop("return_to"), 0
        ctx.say("edit-cancelled")
        await runner.prompt(ctx)
        return
    if in_task and command == "cancel" and _has_work(ctx):
        ctx.data[CONFIRMING] = True
        ctx.say("cancel-confirm", choices=_choices(ctx))
        return
    if in_task and command == "cancel:no":
        await runner.prompt(ctx)
        return
    if in_task:
        runner._leave(ctx, keep_draft=False)  # the form's and its draft's files go with it
        ctx.say("cancelled")
    await runner.start_flow(ctx, "menu")
