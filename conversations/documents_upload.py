"""Uploading a document after submission (reminders, staff asking for one, missing papers).

```mermaid
flowchart LR
    start((docs:REQUEST button)) --> pick{still missing?}
    pick -- none --> done((nothing to upload))
    pick -- yes --> upload[send the file / bring it] --> pick
```
"""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.uploads import UploadRefusal, accept_upload
from bot.validation import Invalid
from models import DocumentStatus, RequestDocument, SupportRequest


async def _request(ctx: Ctx) -> SupportRequest | None:
    request = await ctx.store.request(ctx.answers.get("request_id", 0))
    if request is None or request.beneficiary_id != ctx.beneficiary.id:
        return None
    return request


async def _missing(ctx: Ctx) -> list[RequestDocument]:
    request = await _request(ctx)
    if request is None:
        return []
    docs = await ctx.store.documents_of(request.id)
    promised = set(ctx.answers.get("promised", []))  # "I will bring it" in this visit
    return [d for d in docs if d.status != DocumentStatus.UPLOADED and d.id not in promised]


async def _on_start(ctx: Ctx) -> Transition:
    parts = (ctx.inbound.payload or "").split(":")
    if len(parts) == 2 and parts[1].isdigit():
        ctx.answers["request_id"] = int(parts[1])
    if not await _missing(ctx):
        ctx.say("upload-nothing-missing")
        return Finish()
    return Goto("upload")


def _choices(ctx: Ctx) -> list[Choice]:
    return [Choice("bring", ctx.t("document-bring")), Choice("nav:menu", ctx.t("menu-back"))]


async def _prompt(ctx: Ctx) -> Outbound:
    missing = await _missing(ctx)
    request = await _request(ctx)
    name = ctx.t(f"document-{missing[0].doc_type}") if missing else "-"
    return Outbound(ctx.t("upload-ask", document=name, reference=request.reference if request
                          else "", left=len(missing)), choices=_choices(ctx))


async def _upload(ctx: Ctx, inbound: Inbound) -> Transition:
    missing = await _missing(ctx)
    if not missing:
        return Finish()
    doc = missing[0]
    if inbound.attachment is not None:
        upload = accept_upload(inbound.attachment, ctx.config.limits, ctx.services.documents)
        if isinstance(upload, UploadRefusal):
            return Retry(upload)
        doc.status, doc.storage_key = DocumentStatus.UPLOADED, upload.key
        doc.sha256, doc.mime_type, doc.size = upload.sha256, upload.mime_type, upload.size
        doc.uploaded_at = ctx.now
        ctx.emit("document_uploaded", request_id=doc.request_id, doc_type=doc.doc_type)
        ctx.say("document-received", document=ctx.t(f"document-{doc.doc_type}"))
    elif match_choice(inbound, _choices(ctx)) is not None:
        doc.status = DocumentStatus.BRING_TO_BRANCH
        ctx.answers.setdefault("promised", []).append(doc.id)
    else:
        return Retry(Invalid("err-expect-document"))
    await ctx.store.save(doc)
    if await _missing(ctx):
        return Goto("upload")
    ctx.say("upload-done")
    return Finish()


def build() -> Flow:
    """The upload-after-submission flow."""
    flow = Flow("documents", start="upload", on_start=_on_start, payload_prefixes=("docs:",))
    flow.add(Step("upload", _prompt, _upload, choices=_choices))
    return flow
