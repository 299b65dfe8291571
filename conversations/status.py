"""Status of the beneficiary's own requests, and linking a request made from another channel.

```mermaid
flowchart TD
    start((start)) --> any{own requests?}
    any -- yes --> list[list with status, date, missing documents] --> after{link another / menu}
    any -- no --> ask_ref
    after -- link --> ask_ref[reference number] --> ask_last4[last 4 digits of the ID]
    ask_last4 -- match --> linked[linked, status shown] --> menu[[menu]]
    ask_last4 -- wrong, tries left --> ask_ref
    ask_last4 -- too many tries --> menu
```
"""

from __future__ import annotations

import re

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.text import clean
from bot.validation import Invalid
from conversations.common import local_date
from models import DocumentStatus, SupportRequest

_REF = re.compile(r"^([A-Z]{1,5})[-\s]?(\d{4})[-\s]?(\d{1,6})$")


async def _describe(ctx: Ctx, request: SupportRequest) -> str:
    docs = await ctx.store.documents_of(request.id)
    missing = [ctx.t(f"document-{d.doc_type}") for d in docs
               if d.status != DocumentStatus.UPLOADED]
    text = ctx.t("status-line", reference=request.reference or "",
                 status=ctx.t(f"request-status-{request.status}"),
                 date=local_date(ctx, request.submitted_at),
                 support_type=ctx.t(f"support-type-{request.support_type}"))
    if missing:
        text += "\n" + ctx.t("status-missing", documents="، ".join(missing)
                             if ctx.lang == "ar" else ", ".join(missing))
    return text


async def _on_start(ctx: Ctx) -> Transition:
    own = await ctx.store.requests_of(ctx.beneficiary.id)
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


def _parse_reference(text: str) -> str | None:
    match = _REF.match(clean(text).upper())
    if not match:
        return None
    prefix, year, number = match.groups()
    return f"{prefix}-{year}-{int(number):06d}"


async def _ask_ref(ctx: Ctx, inbound: Inbound) -> Transition:
    reference = _parse_reference(inbound.text or "")
    if reference is None:
        return Retry(Invalid("err-reference"))
    ctx.answers["reference"] = reference
    return Goto("ask_last4")


def _tries_key(ctx: Ctx) -> str:
    return "link_tries:" + ctx.now.astimezone(ctx.config.tz).strftime("%Y-%m-%d")


async def _ask_last4(ctx: Ctx, inbound: Inbound) -> Transition:
    digits = clean(inbound.text or "")
    if not re.fullmatch(r"\d{4}", digits):
        return Retry(Invalid("err-last4"))
    key = _tries_key(ctx)
    tries = ctx.data.get(key, 0)
    limit = ctx.config.requests.link_max_wrong_tries
    if tries >= limit:
        ctx.say("link-locked")
        return Finish()
    request = await ctx.store.request_by_reference(ctx.answers["reference"])
    ok = request is not None and ctx.services.vault.decrypt(request.national_id_enc)[-4:] == digits
    if not ok:
        ctx.data[key] = tries + 1
        if tries + 1 >= limit:
            ctx.say("link-locked")
            return Finish()
        ctx.say("link-wrong", left=limit - tries - 1)
        return Goto("ask_ref")
    assert request is not None
    await ctx.store.link_identity(ctx.identity, beneficiary_id=request.beneficiary_id)
    ctx.say("link-done", details=await _describe(ctx, request))
    return Finish()


def build() -> Flow:
    """The status flow."""
    flow = Flow("status", start="ask_ref", on_start=_on_start)
    flow.add(Step("after", lambda ctx: Outbound(ctx.t("status-what-next"),
                                                choices=_after_choices(ctx)),
                  _after, choices=_after_choices))
    flow.add(Step("ask_ref", lambda ctx: Outbound(ctx.t("ask-reference")), _ask_ref))
    flow.add(Step("ask_last4", lambda ctx: Outbound(ctx.t("ask-last4")), _ask_last4,
                  sensitive=True))
    return flow
