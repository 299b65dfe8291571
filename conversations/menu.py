"""Main menu, and answers from the service guides for free text.

```mermaid
flowchart TD
    main[[menu]] -- a choice --> flows[request / status / volunteer / feedback / person / language]
    main -- free text --> faq{FAQ confidence}
    faq -- high --> helpful{helpful?}
    faq -- middle --> suggest[did you mean: up to 3 buttons] -- picked, logged for gaps --> helpful
    faq -- low --> unknown[honest: I do not know] --> main
    unknown -- twice in a row --> person[escalation]
    helpful -- yes --> main
    helpful -- no --> unhelpful{talk to a person?}
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Flow, Goto, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.runner import FAQ_OFFERS
from bot.messages import Choice, Inbound, Outbound
from bot.metrics import faq_answered
from bot.services.escalations import open_escalation
from bot.text import fold
from conversations.common import faq_entry_text
from conversations.my_data import WORDS as MY_DATA_WORDS

MENU_ITEMS = {
    "request": "intake",
    "status": "status",
    "volunteer": "volunteer",
    "feedback": "feedback",
    "question": None,
    "person": "escalate",
    "language": "language",
    "my_data": "my_data",
}


def _menu_choices(ctx: Ctx) -> list[Choice]:
    return [Choice(f"menu:{key}", ctx.t(f"menu-{key}")) for key in MENU_ITEMS]


def _menu_prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("menu-title"), choices=_menu_choices(ctx))


async def _menu_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _menu_choices(ctx))
    if picked is not None:
        key = picked.id.split(":", 1)[1]
        target = MENU_ITEMS[key]
        return Goto("question") if target is None else StartFlow(target)
    return await _free_text(ctx, inbound)


async def _free_text(ctx: Ctx, inbound: Inbound) -> Transition:
    faq = ctx.services.faq
    text = (inbound.text or "").strip()
    if fold(text) in MY_DATA_WORDS:
        return StartFlow("my_data")
    if not text or faq is None:
        ctx.say("menu-not-understood")
        return Goto("main")
    result = await faq.ask_async(text[: ctx.config.limits.max_text_length], ctx.lang)
    faq_answered(result.kind)
    ctx.data["faq_question"] = text[:300]
    ctx.data["faq_lang"] = result.lang  # answered in the question's own language
    if result.kind == "answer" and result.best is not None:
        ctx.data["faq_unknown_streak"] = 0
        ctx.data["faq_entry"] = result.best.entry.id
        return Goto("helpful")
    if result.kind == "suggest" and result.matches:
        ctx.data["faq_unknown_streak"] = 0
        ctx.data["faq_suggestions"] = [m.entry.id for m in result.matches[:3]]
        return Goto("suggest")
    await ctx.store.add_gap(question=text, language=ctx.lang, reason="unknown", entry_id=None)
    streak = ctx.data.get("faq_unknown_streak", 0) + 1
    ctx.data["faq_unknown_streak"] = streak
    if streak >= 2:
        ctx.data["faq_unknown_streak"] = 0
        await open_escalation(ctx, "faq_unknown", details=text[:300])
        ctx.say("faq-unknown-escalated")
        return Goto("main")
    ctx.reply(Outbound(_in_question_lang(ctx, "faq-unknown")))
    return Goto("main")


def _faq_lang(ctx: Ctx) -> str:
    """The language of the last question (English question, English answer), else the chat's."""
    lang = ctx.data.get("faq_lang")
    return lang if lang in ("ar", "en") else ctx.lang


def _in_question_lang(ctx: Ctx, key: str, **args: object) -> str:
    """A catalogue text in the language of the last question."""
    return ctx.services.catalog.t(_faq_lang(ctx), key, **args)


def _answer_prompt(ctx: Ctx) -> Outbound:
    entry = ctx.services.faq.entries[ctx.data["faq_entry"]]
    text = faq_entry_text(ctx, "faq-answer", entry, _faq_lang(ctx))
    return Outbound(text, choices=_helpful_choices(ctx))


def _helpful_choices(ctx: Ctx) -> list[Choice]:
    offer = FAQ_OFFERS.get(ctx.data.get("faq_entry", ""))  # e.g. the researcher explains
    t = _in_question_lang  # the buttons under an answer speak the answer's language
    return [Choice("helpful:yes", t(ctx, "faq-helpful-yes")),
            Choice("helpful:no", t(ctx, "faq-helpful-no")),
            *([Choice(offer[0], t(ctx, offer[1]))] if offer else []),
            Choice("nav:menu", t(ctx, "menu-back"))]


async def _helpful_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _helpful_choices(ctx))
    if picked is None:
        return await _free_text(ctx, inbound)
    if picked.id == "helpful:yes":
        ctx.say("faq-thanks")
        return Goto("main")
    await ctx.store.add_gap(question=ctx.data.get("faq_question", ""), language=ctx.lang,
                            reason="unhelpful", entry_id=ctx.data.get("faq_entry"))
    return Goto("unhelpful")


def _suggest_choices(ctx: Ctx) -> list[Choice]:
    entries = ctx.services.faq.entries
    ids = [i for i in ctx.data.get("faq_suggestions", []) if i in entries][:3]
    lang = _faq_lang(ctx)
    return [Choice(f"faq:{i}", entries[i].question[lang]) for i in ids]


def _suggest_prompt(ctx: Ctx) -> Outbound:
    return Outbound(_in_question_lang(ctx, "faq-did-you-mean"), choices=_suggest_choices(ctx))


async def _suggest_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _suggest_choices(ctx))
    if picked is None:
        return await _free_text(ctx, inbound)
    entry_id = picked.id.split(":", 1)[1]
    ctx.data["faq_entry"] = entry_id
    # the question deserved a direct answer: `knowledge gaps` lists it with the entry chosen
    await ctx.store.add_gap(question=ctx.data.get("faq_question", ""), language=_faq_lang(ctx),
                            reason="picked", entry_id=entry_id)
    return Goto("helpful")


def _unhelpful_choices(ctx: Ctx) -> list[Choice]:
    return [Choice("nav:person", ctx.t("menu-person")), Choice("nav:menu", ctx.t("menu-back"))]


def _unhelpful_prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("faq-unhelpful"), choices=_unhelpful_choices(ctx))


def _question_prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("ask-question"))


def build() -> Flow:
    """The menu flow."""
    flow = Flow("menu", start="main")
    flow.add(Step("main", _menu_prompt, _menu_handle, choices=_menu_choices))
    flow.add(Step("question", _question_prompt, _free_text))
    flow.add(Step("helpful", _answer_prompt, _helpful_handle, choices=_helpful_choices))
    flow.add(Step("suggest", _suggest_prompt, _suggest_handle, choices=_suggest_choices))
    flow.add(Step("unhelpful", _unhelpful_prompt, _free_text, choices=_unhelpful_choices))
    return flow
