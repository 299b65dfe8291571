"""Correcting one answer of a submitted request, when the officer checking it (step 2) asks.

```mermaid
flowchart LR
    ask((staff: correct this answer)) --> answer[that one question again]
    answer -- same checks as the form --> saved((request updated, correction in its history))
```
The console pushes the question with a `fix:<request>:<field>` button; an idle conversation
enters this flow at once, a busy one keeps its place and the button starts it later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid, parse_national_id
from conversations.common import contact_number, mobile_parser, name_parser
from conversations.intake import _branches, _description, _family, _income
from models import RequestCorrection, RequestStatus, SupportRequest

PREFIX = "fix:"
PROMPTS = {"full_name": "cr-ask-full-name", "national_id": "ask-national-id",
           "mobile": "ask-mobile", "branch": "ask-branch", "family_size": "ask-family-size",
           "income": "ask-income", "description": "ask-description"}
TYPED: dict[str, Callable[[Ctx, str], Any]] = {
    "full_name": name_parser, "national_id": lambda ctx, text: parse_national_id(text),
    "mobile": mobile_parser, "family_size": _family, "income": _income,
    "description": _description,
}
OPEN = (RequestStatus.SUBMITTED, RequestStatus.UNDER_STUDY)


def button(request_id: int, field: str) -> str:
    """The payload of the notice's "correct now" button."""
    return f"{PREFIX}{request_id}:{field}"


async def _request(ctx: Ctx) -> SupportRequest | None:
    request = await ctx.store.request(ctx.answers.get("request_id", 0))
    if request is None or request.beneficiary_id != ctx.beneficiary.id \
            or request.status not in OPEN or ctx.answers.get("field") not in PROMPTS:
        return None
    return request


async def _on_start(ctx: Ctx) -> Transition | None:
    payload = ctx.inbound.payload or ""
    if payload.startswith(PREFIX):
        number, _, field = payload[len(PREFIX):].partition(":")
        ctx.answers["request_id"] = int(number) if number.isdigit() else 0
        ctx.answers["field"] = field
    if await _request(ctx) is None:
        ctx.say("cr-fix-closed")
        return Finish()
    return None


def _choices(ctx: Ctx) -> list[Choice]:
    return _branches(ctx) if ctx.answers.get("field") == "branch" else []


def _prompt(ctx: Ctx) -> Outbound:
    field = ctx.answers.get("field", "full_name")
    return Outbound(ctx.t(PROMPTS.get(field, "cr-ask-full-name")), choices=_choices(ctx),
                    request_contact=field == "mobile")


def _read(ctx: Ctx, field: str, inbound: Inbound) -> Any:
    """The new value, checked as the request form checks it (an Invalid when refused)."""
    if field == "branch":
        picked = match_choice(inbound, _choices(ctx))
        return Invalid("err-choose") if picked is None else picked.id
    if field == "mobile":
        shared = contact_number(ctx)
        if shared is not None:
            return shared
    if inbound.text is None:
        return Invalid("err-expect-text")
    return TYPED[field](ctx, inbound.text)


def _apply(ctx: Ctx, request: SupportRequest, field: str, value: Any) -> tuple[str, str]:
    """Write the value into the request; (old, new) as text for the history."""
    vault = ctx.services.vault
    if field == "national_id":
        old = vault.decrypt(request.national_id_enc)
        request.national_id_enc = vault.encrypt(value)
        request.national_id_hash = vault.lookup_hash(value)
        person = ctx.beneficiary  # as submitting does: the person is known by this ID
        person.national_id_hash, person.national_id_enc = (request.national_id_hash,
                                                           request.national_id_enc)
        return old, value
    if field == "income":
        old = vault.decrypt(request.monthly_income_enc)
        request.monthly_income_enc = vault.encrypt(str(value))
        return old, str(value)
    old = getattr(request, field)
    setattr(request, field, value)
    return str(old), str(value)


async def _answer(ctx: Ctx, inbound: Inbound) -> Transition:
    request = await _request(ctx)
    if request is None:
        ctx.say("cr-fix-closed")
        return Finish()
    field = ctx.answers["field"]
    value = _read(ctx, field, inbound)
    if isinstance(value, Invalid):
        return Retry(value)
    if field == "national_id":
        other = await ctx.store.open_request_by_national_id(ctx.services.vault.lookup_hash(value))
        if other is not None and other.id != request.id:  # someone's open request: not this
            return Retry(Invalid("cr-fix-id-taken"))
    old, new = _apply(ctx, request, field, value)
    request.updated_at = ctx.now
    await ctx.store.save(request, RequestCorrection(
        request_id=request.id, field=field, old_value=old, new_value=new, actor="beneficiary",
        at=ctx.now))
    ctx.say("cr-fix-thanks", reference=request.reference or "")
    return Finish()


def build() -> Flow:
    """The correct-this-answer flow."""
    flow = Flow("correct_answer", start="answer", on_start=_on_start, payload_prefixes=(PREFIX,))
    flow.add(Step("answer", _prompt, _answer, sensitive=True, choices=_choices))
    return flow
