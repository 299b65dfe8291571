"""The satisfaction survey: a 1–5 rating, an optional comment, and whether it was solved.

```mermaid
flowchart LR
    invite((survey message)) --> rating{1..5 / not now}
    rating -- not now --> declined((respected))
    rating -- 1..5 --> comment[comment or skip] --> solved{solved?} --> thanks((thanks))
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.steps import labelled
from bot.messages import Choice, Inbound, Outbound
from bot.services.notifications import survey_choices
from bot.validation import Invalid, parse_free_text
from models import SatisfactionSurvey

SOLVED = ["yes", "partly", "no"]


async def _survey(ctx: Ctx) -> SatisfactionSurvey | None:
    survey_id = ctx.answers.get("survey_id")
    survey = await ctx.store.survey(survey_id) if survey_id else None
    if survey is None or survey.beneficiary_id != ctx.beneficiary.id:
        return None
    return survey


async def _rate(ctx: Ctx, value: str) -> Transition:
    survey = await _survey(ctx)
    if survey is None or survey.status not in ("sent", "answered") or survey.rating:
        ctx.say("survey-closed")
        return Finish()
    survey.answered_at, survey.channel = ctx.now, ctx.identity.channel
    if value == "decline":
        survey.status = "declined"
        await ctx.store.release_waiting_surveys(survey.beneficiary_id, ctx.now)
        ctx.say("survey-declined")
        return Finish()
    survey.rating, survey.status = int(value), "answered"
    await ctx.store.save(survey)
    return Goto("comment")


async def _on_start(ctx: Ctx) -> Transition | None:
    payload = ctx.inbound.payload or ""
    if not payload and ctx.answers.get("survey_id"):
        return None  # the invitation moved an idle conversation here: wait for the rating
    parts = payload.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        ctx.say("survey-closed")
        return Finish()
    ctx.answers["survey_id"] = int(parts[1])
    return await _rate(ctx, parts[2])


def _rating_choices(ctx: Ctx) -> list[Choice]:
    return survey_choices(ctx.services.catalog, ctx.lang, ctx.answers.get("survey_id", 0))


async def _rating(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _rating_choices(ctx))  # a typed number is its listed option
    if picked is None:
        return Retry(Invalid("err-choose"))
    return await _rate(ctx, picked.id.rsplit(":", 1)[1])


def _skip(ctx: Ctx) -> list[Choice]:
    return [Choice("skip", ctx.t("survey-skip"))]


async def _comment(ctx: Ctx, inbound: Inbound) -> Transition:
    if match_choice(inbound, _skip(ctx)) is None:
        text = parse_free_text(inbound.text or "", min_length=2,
                               max_length=ctx.config.limits.max_text_length)
        if isinstance(text, Invalid):
            return Retry(text)
        survey = await _survey(ctx)
        if survey is not None:
            survey.comment = text
            await ctx.store.save(survey)
    return Goto("solved")


def _solved_choices(ctx: Ctx) -> list[Choice]:
    return labelled(ctx, "survey-solved", SOLVED)


async def _solved(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _solved_choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    survey = await _survey(ctx)
    if survey is not None:
        survey.solved = picked.id
        await ctx.store.save(survey)
        ctx.emit("survey_answered", survey_id=survey.id)
        await ctx.store.release_waiting_surveys(survey.beneficiary_id, ctx.now)
    ctx.say("survey-thanks")
    return Finish()


def build() -> Flow:
    """The survey flow."""
    flow = Flow("survey", start="rating", on_start=_on_start, payload_prefixes=("srv:",))
    flow.add(Step("rating", lambda ctx: Outbound(ctx.t("survey-ask-rating"),
                                                 choices=_rating_choices(ctx)),
                  _rating, choices=_rating_choices))
    flow.add(Step("comment", lambda ctx: Outbound(ctx.t("survey-ask-comment"),
                                                  choices=_skip(ctx)), _comment, choices=_skip))
    flow.add(Step("solved", lambda ctx: Outbound(ctx.t("survey-ask-solved"),
                                                 choices=_solved_choices(ctx)),
                  _solved, choices=_solved_choices))
    return flow
