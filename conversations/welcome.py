"""Welcome: greeting, privacy notice and consent to process personal data.

```mermaid
flowchart LR
    start((first message)) --> consent{agree?}
    consent -- agree --> menu[[main menu]]
    consent -- decline --> explain[explain why it is needed] --> declined
    declined{questions only} -- a question --> answer[from the guides, nothing kept] --> declined
    declined -- agree --> menu
    declined -- delete my data --> erase{confirm} --> declined
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Flow, Goto, Retry, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid
from conversations import my_data


def _choices(ctx: Ctx) -> list[Choice]:
    return [
        Choice("agree", ctx.t("consent-agree")),
        Choice("decline", ctx.t("consent-decline")),
        Choice("nav:lang:en" if ctx.lang == "ar" else "nav:lang:ar", ctx.t("other-language")),
    ]


def _prompt(ctx: Ctx) -> Outbound:
    return Outbound(
        ctx.t("welcome", version=ctx.config.consent_text_version), choices=_choices(ctx)
    )


async def _handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _choices(ctx))
    if picked is None:
        return Retry(Invalid("err-consent-choose"))
    if picked.id == "decline":
        ctx.say("consent-declined")
        return _declined(ctx)
    ctx.data.pop("consent_declined", None)
    ctx.beneficiary.consent_at = ctx.now
    ctx.beneficiary.consent_version = ctx.config.consent_text_version
    ctx.emit("consent_given", beneficiary_id=ctx.beneficiary.id)
    return StartFlow("menu")


def _declined(ctx: Ctx) -> Transition:
    ctx.data["consent_declined"] = True  # the welcome flow starts on the questions-only screen
    return Goto("declined")


async def _on_start(ctx: Ctx) -> Transition | None:
    return Goto("declined") if ctx.data.get("consent_declined") else None


def _declined_choices(ctx: Ctx) -> list[Choice]:
    return [Choice("agree", ctx.t("consent-agree")),
            Choice("mydata:delete", ctx.t("mydata-delete"))]


async def _questions_only(ctx: Ctx, inbound: Inbound) -> Transition:
    """Without consent: answers from the service guides; nothing asked is kept."""
    picked = match_choice(inbound, _declined_choices(ctx))
    if picked is not None:
        return Goto("erase") if picked.id == "mydata:delete" else await _handle(ctx, inbound)
    faq, text = ctx.services.faq, (inbound.text or "").strip()
    result = faq.ask(text[: ctx.config.limits.max_text_length], ctx.lang) if faq and text else None
    if result is not None and result.kind == "answer" and result.best is not None:
        entry = result.best.entry
        ctx.say("faq-answer", answer=entry.answer[ctx.lang], source=entry.source[ctx.lang])
    else:
        ctx.say("consent-faq-unknown")
    return Goto("declined")


def build() -> Flow:
    """The welcome flow."""
    flow = Flow("welcome", start="consent", on_start=_on_start)
    flow.add(Step("declined", lambda ctx: Outbound(ctx.t("consent-questions-only"),
                                                   choices=_declined_choices(ctx)),
                  _questions_only, sensitive=True, choices=_declined_choices))
    flow.add(Step("erase", my_data.erase_prompt, my_data.erase, sensitive=True,
                  choices=my_data.confirm_choices))
    flow.add(Step("consent", _prompt, _handle, choices=_choices))
    return flow
