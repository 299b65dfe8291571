"""Builders for the common kinds of step: free text, typed value, and a choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.engine.context import Ctx
from bot.engine.flow import Goto, Next, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid

Parser = Callable[[Ctx, str], Any]
Suggestion = tuple[Choice, Any]


def resolve_next(ctx: Ctx, nxt: Next) -> str:
    """The id of the next step."""
    return nxt if isinstance(nxt, str) else nxt(ctx)


def advance(ctx: Ctx, nxt: Next) -> Goto:
    """Go to the next step, or back to the review screen when an answer was being edited."""
    back_to = ctx.data.pop("return_to", None)
    return Goto(back_to or resolve_next(ctx, nxt))


def text_step(
    step_id: str,
    prompt_key: str,
    *,
    field: str,
    parse: Parser,
    nxt: Next,
    sensitive: bool = False,
    request_contact: bool = False,
    suggestions: Callable[[Ctx], list[Suggestion]] | None = None,
) -> Step:
    """A step that takes typed text and stores the parsed value under `field`.

    `suggestions` are one-tap answers: (button, the value it stands for).
    """

    def offered(ctx: Ctx) -> list[Choice]:
        return [choice for choice, _ in suggestions(ctx)] if suggestions else []

    def prompt(ctx: Ctx) -> Outbound:
        return Outbound(ctx.t(prompt_key), choices=offered(ctx), request_contact=request_contact)

    async def handle(ctx: Ctx, inbound: Inbound) -> Transition:
        if suggestions:
            values = dict((choice.id, value) for choice, value in suggestions(ctx))
            picked = match_choice(inbound, offered(ctx))
            if picked is not None:
                ctx.answers[field] = values[picked.id]
                return advance(ctx, nxt)
        if inbound.text is None:
            return Retry(Invalid("err-expect-text"))
        value = parse(ctx, inbound.text)
        if isinstance(value, Invalid):
            return Retry(value)
        ctx.answers[field] = value
        return advance(ctx, nxt)

    return Step(step_id, prompt, handle, sensitive=sensitive,
                choices=offered if suggestions else None)


def choice_step(
    step_id: str,
    prompt_key: str,
    *,
    field: str,
    options: Callable[[Ctx], list[Choice]],
    nxt: Next,
) -> Step:
    """A step that offers buttons and stores the chosen id under `field`."""

    def prompt(ctx: Ctx) -> Outbound:
        return Outbound(ctx.t(prompt_key), choices=options(ctx))

    async def handle(ctx: Ctx, inbound: Inbound) -> Transition:
        picked = match_choice(inbound, options(ctx))
        if picked is None:
            return Retry(Invalid("err-choose"))
        ctx.answers[field] = picked.id
        return advance(ctx, nxt)

    return Step(step_id, prompt, handle, choices=options)


def labelled(ctx: Ctx, prefix: str, ids: list[str]) -> list[Choice]:
    """Choices whose labels come from the catalogue as `<prefix>-<id>`."""
    return [Choice(i, ctx.t(f"{prefix}-{i}")) for i in ids]
