"""Talk to a person, or "the procedure is unclear to me" (the policy's step 3).

```mermaid
flowchart LR
    reason{procedure unclear / other} --> details[a few words, or skip]
    button[a button naming the reason, e.g. mid-form] --> details
    details --> case((escalation recorded))
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.steps import choice_step, labelled
from bot.messages import Choice, Inbound, Outbound
from bot.services.escalations import open_escalation
from bot.validation import Invalid, parse_free_text

REASONS = ["procedure_unclear", "asked_for_person"]


async def _on_start(ctx: Ctx) -> Transition | None:
    """A button that already names the reason ("nav:person:procedure_unclear") skips asking."""
    reason = ctx.data.pop("start_arg", "")
    if reason in REASONS:
        ctx.answers["reason"] = reason
        return Goto("details")
    return None


def _reasons(ctx: Ctx) -> list[Choice]:
    return labelled(ctx, "escalate-reason", REASONS)


def _skip(ctx: Ctx) -> list[Choice]:
    return [Choice("skip", ctx.t("escalate-skip"))]


async def _details(ctx: Ctx, inbound: Inbound) -> Transition:
    details = None
    if match_choice(inbound, _skip(ctx)) is None:
        parsed = parse_free_text(inbound.text or "", min_length=2,
                                 max_length=ctx.config.limits.max_text_length)
        if isinstance(parsed, Invalid):
            return Retry(parsed)
        details = parsed
    reason = ctx.answers["reason"]
    await open_escalation(ctx, reason, details=details)
    role = ctx.config.escalation_roles.get(reason, "officer")
    ctx.say("escalated", role=ctx.t(f"role-{role}"))
    return Finish(show_menu=ctx.beneficiary.consent_at is not None)  # no menu before consent


def build() -> Flow:
    """The escalation flow."""
    flow = Flow("escalate", start="reason", on_start=_on_start, commands=("person",),
                before_consent=True)
    flow.add(choice_step("reason", "ask-escalate-reason", field="reason", options=_reasons,
                         nxt="details"))
    flow.add(Step("details", lambda ctx: Outbound(ctx.t("ask-escalate-details"),
                                                  choices=_skip(ctx)),
                  _details, choices=_skip))
    return flow
