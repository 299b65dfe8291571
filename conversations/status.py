"""Status of the beneficiary's own requests, and linking a request made from another channel.

```mermaid
flowchart TD
    start((start)) --> any{own requests?}
    any -- yes --> list[list with status, date, missing documents] --> after{link another / menu}
    any -- no --> ask_ref
    after -- link --> ask_ref[reference number]
    ask_ref -- code sent to the owner's channel, whatever the reference --> ask_code[6-digit code]
    ask_ref -- already theirs / too many codes today --> menu[[menu]]
    ask_code -- right --> linked[linked, status shown; owner told, can undo] --> menu
    ask_code -- wrong, tries left --> ask_code
    ask_code -- expired / too many tries --> menu
    undo((owner's undo button)) --> unlinked[link undone] --> menu
```

Knowing the ID, the reference or any digits of the ID is never enough (bot/services/linking.py).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.references import parse_reference
from bot.services import linking
from bot.text import clean
from bot.validation import Invalid
from conversations.common import local_date
from models import DocumentStatus, SupportRequest

AWAITING_DECISION = ("submitted", "under_study")  # the committee has not answered yet
NEEDS_DOCUMENTS = (*AWAITING_DECISION, "accepted")  # missing documents still matter


async def _describe(ctx: Ctx, request: SupportRequest) -> str:
    docs = await ctx.store.documents_of(request.id)
    missing = [ctx.t(f"document-{d.doc_type}") for d in docs
               if d.status != DocumentStatus.UPLOADED and request.status in NEEDS_DOCUMENTS]
    text = ctx.t("status-line", reference=request.reference or "",
                 status=ctx.t(f"request-status-{request.status}"),
                 date=local_date(ctx, request.submitted_at),
                 support_type=ctx.t(f"support-type-{request.support_type}"))
    if request.status in AWAITING_DECISION and request.submitted_at is not None:
        days = ctx.config.requests.committee_min_days
        text += "\n" + ctx.t("status-expected", days=days, date=local_date(
            ctx, request.submitted_at + dt.timedelta(days=days)))
    if missing:
        text += "\n" + ctx.t("status-missing", documents="، ".join(missing)
                             if ctx.lang == "ar" else ", ".join(missing))
    return text


async def _on_start(ctx: Ctx) -> Transition:
    payload = ctx.inbound.payload or ""
    if payload.startswith(linking.UNLINK):  # the owner's "undo" under a link notice
        link_id = payload[len(linking.UNLINK):]
        done = link_id.isdigit() and await linking.undo_in_turn(ctx, int(link_id))
        ctx.say("link-undone" if done else "link-undo-none")
        return Finish()
    own = [r for r in await ctx.store.requests_of(ctx.beneficiary.id)
           if await linking.trusted_in_turn(ctx, r)]
    if not own:
        return Goto("ask_ref")
    lines = [await _describe(ctx, r) for r in own[:10]]
    for request in own[:10]:
        docs = await ctx.store.documents_of(request.id)
        if request.status in ("submitted", "under_study", "accepted") and any(
                d.status != DocumentStatus.UPLOADED for d in docs):
            ctx.answers["upload_request"] = request.id
            break
    ctx.say("status-list", lines="\n\n".join(lines))
    return Goto("after")


def _after_choices(ctx: Ctx) -> list[Choice]:
    choices = [Choice("link", ctx.t("status-link-other")), Choice("nav:menu", ctx.t("menu-back"))]
    upload = ctx.answers.get("upload_request")
    if upload:
        choices.insert(0, Choice(f"docs:{upload}", ctx.t("upload-now")))
    return choices


async def _after(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _after_choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    return Goto("ask_ref")


async def _ask_ref(ctx: Ctx, inbound: Inbound) -> Transition:
    reference = parse_reference(inbound.text or "")
    if reference is None:
        return Retry(Invalid("err-reference"))
    asked = await linking.ask_code_in_turn(ctx, reference)
    if asked.outcome == "already":
        request = await ctx.store.request_by_reference(reference)
        assert request is not None
        ctx.say("link-already", details=await _describe(ctx, request))
        return Finish()
    if asked.outcome == "limited":
        ctx.say("link-limited")
        return Finish()
    ctx.answers["code_id"] = asked.code_id
    ctx.say("link-code-sent", minutes=ctx.config.linking.code_minutes)
    return Goto("ask_code")


async def _ask_code(ctx: Ctx, inbound: Inbound) -> Transition:
    code = clean(inbound.text or "")
    if not re.fullmatch(r"\d{6}", code):
        return Retry(Invalid("err-link-code"))
    outcome, left, request = await linking.enter_code_in_turn(
        ctx, int(ctx.answers.get("code_id") or 0), code)
    if outcome == "wrong":
        return Retry(Invalid("link-code-wrong", {"left": left}))
    if outcome != "linked" or request is None:
        ctx.say(f"link-code-{outcome}")
        return Finish()
    ctx.say("link-done", details=await _describe(ctx, request))
    return Finish()


def build() -> Flow:
    """The status flow."""
    flow = Flow("status", start="ask_ref", on_start=_on_start,
                payload_prefixes=(linking.UNLINK,), screen=True)
    flow.add(Step("after", lambda ctx: Outbound(ctx.t("status-what-next"),
                                                choices=_after_choices(ctx)),
                  _after, choices=_after_choices))
    flow.add(Step("ask_ref", lambda ctx: Outbound(ctx.t("ask-reference")), _ask_ref))
    flow.add(Step("ask_code", lambda ctx: Outbound(ctx.t("ask-link-code")), _ask_code,
                  sensitive=True))
    return flow
