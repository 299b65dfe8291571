"""The support-request form (the policy's steps 2 to 6).

```mermaid
flowchart TD
    start((start)) --> draft{draft kept?}
    draft -- yes --> resume{continue / start over}
    draft -- no --> full_name
    resume --> full_name
    full_name --> national_id --> dup{open request or cooldown?}
    dup -- yes --> stop((told, back to menu))
    dup -- no --> mobile --> branch --> family_size --> income --> support_type
    support_type --> description --> documents --> review
    review -- edit an answer --> edited[that step] --> review
    review -- confirm --> declaration --> sign --> submitted((reference number))
```
"""

from __future__ import annotations

import copy

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.steps import advance, choice_step, labelled, text_step
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid, parse_free_text, parse_int, parse_national_id
from conversations import intake_documents, intake_submit
from conversations.common import (
    contact_number,
    mobile_parser,
    mobile_suggestions,
    name_parser,
    own_number,
)

EDITABLE = ["full_name", "national_id", "mobile", "branch", "family_size", "income",
            "support_type", "description", "documents"]


async def _on_start(ctx: Ctx) -> Transition | None:
    if (ctx.data.get("drafts") or {}).get("intake"):
        return Goto("resume")
    return None


def _resume_choices(ctx: Ctx) -> list[Choice]:
    return [Choice("continue", ctx.t("draft-continue")), Choice("restart", ctx.t("draft-restart"))]


async def _resume(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _resume_choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    draft = ctx.data.get("drafts", {}).pop("intake", None) or {}
    if picked.id == "restart" or not draft:
        if intake_documents.files(draft.get("answers") or {}):  # the old draft's uploads go
            ctx.emit("files_dropped", keys=intake_documents.files(draft["answers"]))
        ctx.data["history"] = []
        return Goto("full_name")
    ctx.data["answers"] = draft.get("answers", {})
    ctx.data["history"] = []
    return Goto(draft.get("step") or "full_name")


def _name_suggestions(ctx: Ctx) -> list[tuple[Choice, str]]:
    name = ctx.beneficiary.full_name
    return [(Choice("name:known", name), name)] if name else []


def _national_id(ctx: Ctx, text: str) -> str | Invalid:
    return parse_national_id(text)


async def _national_id_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    if inbound.text is None:
        return Retry(Invalid("err-expect-text"))
    value = parse_national_id(inbound.text)
    if isinstance(value, Invalid):
        return Retry(value)
    blocked = await intake_submit.duplicate_message(ctx, value)
    if blocked is not None:
        key, args = blocked
        ctx.say(key, **args)
        ctx.data.get("drafts", {}).pop("intake", None)
        return Finish()
    ctx.answers["national_id"] = value
    return advance(ctx, "mobile")


async def _mobile_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    shared = contact_number(ctx)
    if isinstance(shared, Invalid):
        return Retry(shared)
    if shared is None:
        picked = match_choice(inbound, mobile_suggestions(ctx))
        if picked is not None:
            shared = own_number(ctx)
        elif inbound.text is None:
            return Retry(Invalid("err-expect-text"))
        else:
            shared = mobile_parser(ctx, inbound.text)
    if isinstance(shared, Invalid):
        return Retry(shared)
    ctx.answers["mobile"] = shared
    return advance(ctx, "branch")


def _mobile_prompt(ctx: Ctx) -> Outbound:
    return Outbound(ctx.t("ask-mobile"), choices=mobile_suggestions(ctx), request_contact=True)


def _family(ctx: Ctx, text: str) -> int | Invalid:
    return parse_int(text, minimum=1, maximum=ctx.config.requests.max_family_size)


def _income(ctx: Ctx, text: str) -> int | Invalid:
    return parse_int(text, minimum=0, maximum=ctx.config.requests.max_monthly_income_sar)


def _description(ctx: Ctx, text: str) -> str | Invalid:
    return parse_free_text(text, min_length=10, max_length=ctx.config.limits.max_text_length)


def _branches(ctx: Ctx) -> list[Choice]:
    return labelled(ctx, "branch", ctx.config.branches)


def _types(ctx: Ctx) -> list[Choice]:
    return labelled(ctx, "support-type", [t.id for t in ctx.config.support_types])


async def _support_type_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _types(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    if ctx.answers.get("support_type") != picked.id:
        intake_documents.drop_documents(ctx)
    ctx.answers["support_type"] = picked.id
    if ctx.data.get("return_to") == "review":  # a new type needs its own documents first
        return Goto(intake_documents.after_description(ctx))
    return advance(ctx, "description")


def _review_choices(ctx: Ctx) -> list[Choice]:
    edits = [Choice(f"edit:{f}", ctx.t(f"edit-{f}")) for f in EDITABLE]
    return [Choice("confirm", ctx.t("review-confirm")), *edits]


def _review_prompt(ctx: Ctx) -> Outbound:
    return Outbound(intake_submit.summary(ctx), choices=_review_choices(ctx))


async def _review_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _review_choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    if picked.id == "confirm":
        if intake_documents.pending(ctx):  # an edited answer now needs another document
            ctx.data["return_to"] = "review"
            return Goto("documents")
        return Goto("declaration")
    ctx.data["return_to"] = "review"
    ctx.answers.pop("before_edit", None)  # kept with the answers, so it goes when they go
    ctx.answers["before_edit"] = copy.deepcopy(ctx.answers)  # «إلغاء» in the edit restores it
    field = picked.id.split(":", 1)[1]
    if field == "documents":
        intake_documents.drop_documents(ctx)
        return Goto(intake_documents.after_description(ctx))
    return Goto(field)


def build() -> Flow:
    """The support-request flow."""
    flow = Flow("intake", start="full_name", on_start=_on_start, keeps_draft=True,
                files=intake_documents.files)
    flow.add(Step("resume", lambda ctx: Outbound(ctx.t("draft-found"),
                                                 choices=_resume_choices(ctx)),
                  _resume, choices=_resume_choices))
    flow.add(text_step("full_name", "ask-full-name", field="full_name", parse=name_parser,
                       nxt="national_id", suggestions=_name_suggestions))
    flow.add(Step("national_id", lambda ctx: Outbound(ctx.t("ask-national-id")),
                  _national_id_handle, sensitive=True))
    flow.add(Step("mobile", _mobile_prompt, _mobile_handle, choices=mobile_suggestions))
    flow.add(choice_step("branch", "ask-branch", field="branch", options=_branches,
                         nxt="family_size"))
    flow.add(text_step("family_size", "ask-family-size", field="family_size", parse=_family,
                       nxt="income"))
    flow.add(text_step("income", "ask-income", field="income", parse=_income,
                       nxt="support_type", sensitive=True))
    flow.add(Step("support_type", lambda ctx: Outbound(ctx.t("ask-support-type"),
                                                       choices=_types(ctx)),
                  _support_type_handle, choices=_types))
    flow.add(text_step("description", "ask-description", field="description",
                       parse=_description, nxt=intake_documents.after_description))
    flow.add(intake_documents.step())
    flow.add(Step("review", _review_prompt, _review_handle, choices=_review_choices))
    flow.add(intake_submit.declaration_step())
    flow.add(intake_submit.sign_step())
    return flow
