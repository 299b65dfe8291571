"""Welcome: greeting, privacy notice and consent to process personal data.

```mermaid
flowchart LR
    start((first message)) --> consent{agree?}
    consent -- agree --> menu[[main menu]]
    consent -- decline --> explain[explain why it is needed] --> consent
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Flow, Goto, Retry, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid


def _choices(ctx: Ctx) -> list[Choice]:
    return [
        Choice("agree", ctx.t("consent-agree")),
        Choice("decline", ctx.t("consent-decline")),
        Choice("nav:lang:en" if ctx.lang == "ar" else "nav:lang:ar", ctx.t("other-language")),
    ]


def _prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("welcome"), choices=_choices(ctx))  # the version is recorded, not shown


async def _handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _choices(ctx))
    if picked is None:
        return Retry(Invalid("err-consent-choose"))
    if picked.id == "decline":
        ctx.say("consent-declined")
        return Goto("consent")
    ctx.beneficiary.consent_at = ctx.now
    ctx.beneficiary.consent_version = ctx.config.consent_text_version
    ctx.emit("consent_given", beneficiary_id=ctx.beneficiary.id)
    return StartFlow("menu")


def build() -> Flow:
    """The welcome flow."""
    flow = Flow("welcome", start="consent")
    flow.add(Step("consent", _prompt, _handle, choices=_choices))
    return flow
