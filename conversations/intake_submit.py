"""Review, declaration, signature and submission of the support-request form."""

from __future__ import annotations

import datetime as dt

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Goto, Retry, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.security.redact import mask_national_id
from bot.services import linking
from bot.text import same_name
from bot.validation import Invalid
from conversations.common import local_date, year_now
from conversations.intake_documents import required
from models import Declaration, DocumentStatus, RequestDocument, RequestStatus, SupportRequest


async def duplicate_message(ctx: Ctx, national_id: str) -> tuple[str, dict[str, object]] | None:
    """Why a new request by this national ID cannot be filed now, if it cannot.

    Only an identity that may already see the request learns its reference or dates; anyone
    else is told just that a request under this ID exists and how its owner follows it."""
    id_hash = ctx.services.vault.lookup_hash(national_id)
    existing = await ctx.store.open_request_by_national_id(id_hash)
    if existing is not None:
        if not await linking.trusted_in_turn(ctx, existing):
            return "dup-exists", {}
        return "dup-open", {"reference": existing.reference or ""}
    decided = await ctx.store.last_decided_by_national_id(id_hash)
    cooldown = dt.timedelta(days=ctx.config.requests.cooldown_days_after_decision)
    if decided is not None and decided.decided_at and decided.decided_at + cooldown > ctx.now:
        if not await linking.trusted_in_turn(ctx, decided):
            return "dup-exists", {}
        return "dup-cooldown", {"date": local_date(ctx, decided.decided_at + cooldown)}
    return None


def _document_lines(ctx: Ctx) -> str:
    done = ctx.answers.get("documents") or {}
    lines = []
    for doc, _ in required(ctx):
        status = (done.get(doc) or {}).get("status", DocumentStatus.MISSING)
        lines.append(f"• {ctx.t(f'document-{doc}')}: {ctx.t(f'document-status-{status}')}")
    return "\n".join(lines) or "-"


def summary(ctx: Ctx) -> str:
    """The review screen: every answer, the national ID masked."""
    a = ctx.answers
    return ctx.t(
        "review",
        full_name=a.get("full_name", "-"),
        national_id=mask_national_id(a.get("national_id", "----")),
        mobile=a.get("mobile", "-"),
        branch=ctx.t(f"branch-{a.get('branch')}"),
        family_size=a.get("family_size", "-"),
        income=a.get("income", "-"),
        support_type=ctx.t(f"support-type-{a.get('support_type')}"),
        description=a.get("description", "-"),
        documents=_document_lines(ctx),
    )


def _declaration_choices(ctx: Ctx) -> list[Choice]:
    return [Choice("declare", ctx.t("declaration-agree")),
            Choice("review", ctx.t("declaration-back"))]


async def _declaration_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _declaration_choices(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    if picked.id == "review":
        return Goto("review")
    ctx.answers["declared_at"] = ctx.now.isoformat()
    return Goto("sign")


def declaration_step() -> Step:
    """The declaration that the data is true (policy step 4)."""
    return Step(
        "declaration",
        lambda ctx: Outbound(ctx.t("declaration"), choices=_declaration_choices(ctx)),
        _declaration_handle,
        choices=_declaration_choices,
    )


async def _sign_handle(ctx: Ctx, inbound: Inbound) -> Transition:
    if inbound.text is None:
        return Retry(Invalid("err-expect-text"))
    if not same_name(inbound.text, ctx.answers.get("full_name", "")):
        return Retry(Invalid("err-sign-mismatch"))
    blocked = await duplicate_message(ctx, ctx.answers["national_id"])
    if blocked is not None:
        ctx.say(blocked[0], **blocked[1])
        return Finish()
    request = await _submit(ctx, signed_name=inbound.text.strip())
    ctx.say("submitted", reference=request.reference or "",
            days=ctx.config.requests.committee_min_days)
    return Finish()


def sign_step() -> Step:
    """The signature: typing the full name as given (spelling variants of it are the same)."""
    return Step("sign", lambda ctx: Outbound(ctx.t("ask-signature")), _sign_handle)


async def _submit(ctx: Ctx, *, signed_name: str) -> SupportRequest:
    a, vault, now = ctx.answers, ctx.services.vault, ctx.now
    id_hash = vault.lookup_hash(a["national_id"])
    request = SupportRequest(
        beneficiary_id=ctx.beneficiary.id, identity_id=ctx.identity.id,
        full_name=a["full_name"], national_id_hash=id_hash,
        national_id_enc=vault.encrypt(a["national_id"]), mobile=a["mobile"],
        branch=a["branch"], family_size=a["family_size"],
        monthly_income_enc=vault.encrypt(str(a["income"])), support_type=a["support_type"],
        description=a["description"], status=RequestStatus.SUBMITTED,
        submitted_at=now, created_at=now, updated_at=now,
    )
    done = a.get("documents") or {}
    documents = []
    for doc, _ in required(ctx):
        info = done.get(doc) or {"status": DocumentStatus.MISSING}
        documents.append(RequestDocument(
            doc_type=doc, status=info["status"], storage_key=info.get("key"),
            mime_type=info.get("mime"), size=info.get("size"), sha256=info.get("sha256"),
            uploaded_at=now if info["status"] == DocumentStatus.UPLOADED else None,
        ))
    declaration = Declaration(text_version=ctx.config.declaration_text_version,
                              signed_name=signed_name, channel=ctx.identity.channel, signed_at=now)
    await ctx.store.create_request(request=request, documents=documents,
                                   declaration=declaration,
                                   prefix=ctx.config.requests.reference_prefix,
                                   year=year_now(ctx), actor=f"beneficiary:{ctx.beneficiary.id}")
    b = ctx.beneficiary
    b.full_name, b.mobile = a["full_name"], a["mobile"]
    b.national_id_hash, b.national_id_enc = id_hash, request.national_id_enc
    ctx.emit("request_submitted", request_id=request.id)
    await _schedule_document_reminder(ctx, request, documents)
    return request


async def _schedule_document_reminder(
    ctx: Ctx, request: SupportRequest, documents: list[RequestDocument]
) -> None:
    """Remind later of documents not uploaded yet (at most reminders.missing_documents_max)."""
    cfg = ctx.config.reminders
    if cfg.missing_documents_max < 1 or all(d.status == DocumentStatus.UPLOADED
                                            for d in documents):
        return
    await ctx.store.schedule(
        kind="document_reminder", dedupe_key=f"docs:{request.id}:1",
        due_at=ctx.now + dt.timedelta(hours=cfg.missing_documents_after_hours), now=ctx.now,
        request_id=request.id, beneficiary_id=request.beneficiary_id, data={"n": 1})
