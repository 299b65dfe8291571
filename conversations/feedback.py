"""Suggestions and complaints. A complaint also opens an escalation for the officer.

```mermaid
flowchart LR
    kind{suggestion / complaint} --> text[text, optional attachment] --> saved((reference))
    saved -- complaint --> escalation[case for the officer]
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Retry, Step, Transition
from bot.engine.steps import choice_step, labelled
from bot.messages import Inbound, Outbound
from bot.services.escalations import open_escalation
from bot.uploads import UploadRefusal, accept_upload
from bot.validation import Invalid, parse_free_text
from conversations.common import year_now
from models import Feedback


def _kinds(ctx: Ctx) -> list:
    return labelled(ctx, "feedback-kind", ["suggestion", "complaint"])


async def _text(ctx: Ctx, inbound: Inbound) -> Transition:
    limits = ctx.config.limits
    attachment_key = None
    if inbound.attachment is not None:
        upload = accept_upload(inbound.attachment, ctx.config.limits, ctx.services.documents)
        if isinstance(upload, UploadRefusal):
            return Retry(upload)
        attachment_key = upload.key
        if not inbound.text:
            ctx.answers["attachment_key"] = attachment_key
            ctx.say("feedback-attachment-received")
            return Retry(Invalid("feedback-now-text"))
    text = parse_free_text(inbound.text or "", min_length=5, max_length=limits.max_text_length)
    if isinstance(text, Invalid):
        return Retry(text)
    kind = ctx.answers["kind"]
    item = Feedback(beneficiary_id=ctx.beneficiary.id, kind=kind, text=text,
                    attachment_key=attachment_key or ctx.answers.get("attachment_key"),
                    channel=ctx.identity.channel, created_at=ctx.now)
    await ctx.store.add_feedback(item, prefix="CP" if kind == "complaint" else "SG",
                                 year=year_now(ctx))
    ctx.emit("feedback_received", feedback_id=item.id, kind=kind)
    if kind == "complaint":
        await open_escalation(ctx, "complaint", details=text)
    ctx.say(f"feedback-done-{kind}", reference=item.reference or "")
    return Finish()


def build() -> Flow:
    """The feedback flow."""
    flow = Flow("feedback", start="kind", commands=("feedback",),
                files=lambda answers: [k for k in [answers.get("attachment_key")] if k])
    flow.add(choice_step("kind", "ask-feedback-kind", field="kind", options=_kinds, nxt="text"))
    flow.add(Step("text", lambda ctx: Outbound(ctx.t(f"ask-feedback-{ctx.answers['kind']}")),
                  _text))
    return flow
