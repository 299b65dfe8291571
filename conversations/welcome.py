"""Welcome: greeting, privacy notice and consent to process personal data.

Before consent nothing is asked or kept about the person: a question is answered from the
service guides (no knowledge gap is logged), and a person can be asked for without consent.
Nothing typed here counts as a failure, so no staff case is ever opened from this screen.

```mermaid
flowchart LR
    start((first message)) --> consent{agree?}
    consent -- agree --> menu[[main menu]]
    consent -- decline --> explain[explain why it is needed] --> declined
    declined{questions only} -- a question --> answer2[from the guides, nothing kept] --> declined
    declined -- agree --> menu
    declined -- delete my data --> erase{confirm} --> declined
    consent -- a question --> answer[answer from the guides] --> remind{agree?}
    consent -- anything else --> remind
    consent -- asks for a person --> person[[talk to a person]]
    remind --> menu
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Flow, Goto, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.metrics import faq_answered
from bot.text import fold
from conversations import my_data
from conversations.common import faq_entry_text

_PERSON_WORDS = ("موظف", "شخص", "انسان", "مسؤول", "person", "human", "agent", "staff")


def _choices(ctx: Ctx) -> list[Choice]:
    return [
        Choice("agree", ctx.t("consent-agree")),
        Choice("decline", ctx.t("consent-decline")),
        Choice("nav:lang:en" if ctx.lang == "ar" else "nav:lang:ar", ctx.t("other-language")),
    ]


def _remind_choices(ctx: Ctx) -> list[Choice]:
    """Three at most, so that WhatsApp shows them as buttons: the person replaces the language."""
    return [*_choices(ctx)[:2], Choice("nav:person", ctx.t("menu-person"))]


def _prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("welcome"), choices=_choices(ctx))  # the version is recorded, not shown


def _remind(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("consent-remind"), choices=_remind_choices(ctx))


async def _answered(ctx: Ctx, text: str) -> bool:
    """Answer a question from the guides, if one answers it confidently."""
    faq = ctx.services.faq
    if faq is None or not faq.looks_like_question(text):
        return False
    result = await faq.ask_async(text[: ctx.config.limits.max_text_length], ctx.lang)
    if result.kind != "answer" or result.best is None:
        return False
    faq_answered("answer")  # before consent only answers count: the rest repeats the consent
    entry, lang = result.best.entry, result.lang  # answered in the question's own language
    ctx.reply(Outbound(faq_entry_text(ctx, "consent-faq-answer", entry, lang)))
    return True


async def _handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _choices(ctx) if ctx.conversation.step == "consent"
                          else _remind_choices(ctx))
    if picked is None:
        text = fold(inbound.text or "")
        if any(word in text for word in _PERSON_WORDS):
            return StartFlow("escalate")
        await _answered(ctx, inbound.text or "")
        return Goto("remind")
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
    result = (
        await faq.ask_async(text[: ctx.config.limits.max_text_length], ctx.lang)
        if faq and text
        else None
    )
    faq_answered(result.kind if result is not None else "unknown")
    if result is not None and result.kind == "answer" and result.best is not None:
        entry, lang = result.best.entry, result.lang
        ctx.reply(Outbound(faq_entry_text(ctx, "faq-answer", entry, lang)))
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
    flow.add(Step("remind", _remind, _handle, choices=_remind_choices))
    return flow
