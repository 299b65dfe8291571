"""Volunteer sign-up (the policy's volunteering service channel).

```mermaid
flowchart LR
    full_name --> mobile --> city --> skills --> availability --> saved((reference))
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.steps import advance, labelled, text_step
from bot.messages import Inbound, Outbound
from bot.validation import Invalid, parse_free_text
from conversations.common import (
    contact_number,
    mobile_parser,
    mobile_suggestions,
    name_parser,
    own_number,
    year_now,
)
from models import VolunteerApplication

AVAILABILITY = ["weekday_mornings", "weekday_evenings", "weekends", "flexible"]


def _short(ctx: Ctx, text: str) -> str | Invalid:
    return parse_free_text(text, min_length=2, max_length=40)


def _long(ctx: Ctx, text: str) -> str | Invalid:
    return parse_free_text(text, min_length=3, max_length=ctx.config.limits.max_text_length)


async def _mobile(ctx: Ctx, inbound: Inbound) -> Transition:
    value = contact_number(ctx)
    if value is None:
        picked = match_choice(inbound, mobile_suggestions(ctx))
        value = own_number(ctx) if picked else mobile_parser(ctx, inbound.text or "")
    if isinstance(value, Invalid):
        return Retry(value)
    ctx.answers["mobile"] = value
    return advance(ctx, "city")


async def _availability(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, labelled(ctx, "availability", AVAILABILITY))
    if picked is None:
        return Retry(Invalid("err-choose"))
    a = ctx.answers
    application = VolunteerApplication(
        beneficiary_id=ctx.beneficiary.id, full_name=a["full_name"], mobile=a["mobile"],
        city=a["city"], skills=a["skills"], availability=picked.id, created_at=ctx.now,
    )
    await ctx.store.add_volunteer(application, prefix="VL", year=year_now(ctx))
    ctx.emit("volunteer_signed_up", application_id=application.id)
    ctx.say("volunteer-done", reference=application.reference or "")
    return Finish()


def build() -> Flow:
    """The volunteer flow."""
    flow = Flow("volunteer", start="full_name")
    flow.add(text_step("full_name", "ask-volunteer-name", field="full_name", parse=name_parser,
                       nxt="mobile"))
    flow.add(Step("mobile", lambda ctx: Outbound(ctx.t("ask-mobile"),
                                                 choices=mobile_suggestions(ctx),
                                                 request_contact=True),
                  _mobile, choices=mobile_suggestions))
    flow.add(text_step("city", "ask-city", field="city", parse=_short, nxt="skills"))
    flow.add(text_step("skills", "ask-skills", field="skills", parse=_long, nxt="availability"))
    flow.add(Step("availability",
                  lambda ctx: Outbound(ctx.t("ask-availability"),
                                       choices=labelled(ctx, "availability", AVAILABILITY)),
                  _availability, choices=lambda ctx: labelled(ctx, "availability", AVAILABILITY)))
    return flow
