"""The documents step of the support-request form: one required document at a time."""

from __future__ import annotations

from typing import Any

from bot.engine.context import Ctx
from bot.engine.flow import Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.engine.steps import advance
from bot.messages import Choice, Inbound, Outbound
from bot.uploads import UploadRefusal, accept_upload
from bot.validation import Invalid
from models import DocumentStatus


def required(ctx: Ctx) -> list[tuple[str, bool]]:
    """(document id, may bring to branch) for the chosen support type and the answers."""
    support_type = ctx.config.support_type(ctx.answers.get("support_type", ""))
    if support_type is None:
        return []
    return [(d.id, d.may_bring_to_branch) for d in support_type.documents
            if d.required_for(ctx.answers)]


def pending(ctx: Ctx) -> list[tuple[str, bool]]:
    """Required documents not yet uploaded or promised."""
    done = ctx.answers.get("documents") or {}
    return [(doc, bring) for doc, bring in required(ctx) if doc not in done]


def files(answers: dict[str, Any]) -> list[str]:
    """The document-store keys of the uploads in a form's answers, and in the answers kept
    from before an edit began (a cancelled edit brings those documents back)."""
    done = answers.get("documents") or {}
    keys = [info["key"] for info in done.values() if isinstance(info, dict) and info.get("key")]
    before = answers.get("before_edit")
    return keys + (files(before) if isinstance(before, dict) else [])


def drop_documents(ctx: Ctx) -> None:
    """Forget the uploaded documents (a new support type, "edit documents"): files go too."""
    kept = set(files(ctx.answers.get("before_edit") or {}))  # back if the edit is cancelled
    keys = [key for key in files({"documents": ctx.answers.get("documents")}) if key not in kept]
    ctx.answers["documents"] = {}
    if keys:
        ctx.emit("files_dropped", keys=keys)


def after_description(ctx: Ctx) -> str:
    """The documents step when any are needed, otherwise the review screen."""
    return "documents" if pending(ctx) else "review"


def _choices(ctx: Ctx) -> list[Choice]:
    todo = pending(ctx)
    if todo and todo[0][1]:
        return [Choice("bring", ctx.t("document-bring"))]
    return []


def _prompt(ctx: Ctx) -> Outbound:
    todo = pending(ctx)
    if not todo:
        return Outbound(ctx.t("documents-complete"))
    doc, may_bring = todo[0]
    key = "ask-document-or-bring" if may_bring else "ask-document"
    return Outbound(
        ctx.t(key, document=ctx.t(f"document-{doc}"), left=len(todo)), choices=_choices(ctx)
    )


async def _handle(ctx: Ctx, inbound: Inbound) -> Transition:
    todo = pending(ctx)
    if not todo:
        return advance(ctx, "review")
    doc, _ = todo[0]
    documents = ctx.answers.setdefault("documents", {})
    if inbound.attachment is not None:
        upload = accept_upload(inbound.attachment, ctx.config.limits, ctx.services.documents)
        if isinstance(upload, UploadRefusal):
            return Retry(upload)
        documents[doc] = {"status": DocumentStatus.UPLOADED, "key": upload.key,
                          "sha256": upload.sha256, "mime": upload.mime_type, "size": upload.size}
        ctx.say("document-received", document=ctx.t(f"document-{doc}"))
    elif match_choice(inbound, _choices(ctx)) is not None:
        documents[doc] = {"status": DocumentStatus.BRING_TO_BRANCH}
    else:
        return Retry(Invalid("err-expect-document"))
    return Goto("documents") if pending(ctx) else advance(ctx, "review")


def step() -> Step:
    """The documents step."""
    return Step("documents", _prompt, _handle, choices=_choices)

