"""Language choice: Arabic or English, kept for every later message.

```mermaid
flowchart LR
    choose{ar / en} --> menu[[main menu]]
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Flow, Retry, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid


def _choices(ctx: Ctx) -> list[Choice]:
    return [Choice("ar", "العربية"), Choice("en", "English")]


def _prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("language-choose"), choices=_choices(ctx))


async def _handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    ctx.conversation.language = picked.id
    ctx.beneficiary.language = picked.id
    ctx.say("language-set")
    return StartFlow("menu")


def build() -> Flow:
    """The language flow."""
    flow = Flow("language", start="choose", commands=("lang",))
    flow.add(Step("choose", _prompt, _handle, choices=_choices))
    return flow
