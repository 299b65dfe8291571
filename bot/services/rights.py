"""The data-subject rights (Saudi PDPL, Art. 4): see, copy, correct, withdraw, delete.

Every request is recorded (`RightsRequest`) with its deadline (`privacy.reply_days`, 30 by the
implementing regulation). Those that staff should know of emit `rights_request_opened`, which
the staff desk posts in the staff group; open ones are reminded `privacy.remind_days_before`
the deadline. A deletion erases or anonymises everything except what `privacy.
retain_after_deletion` says the association must keep, for how long and why.

Who may ask: the identity writing, already authenticated by its platform, asks about the
beneficiary it belongs to. A copy is only ever sent back to that same identity, and only after
a one-time code sent to the channel the person's latest request trusts (`send_copy_code`), so a
channel attached without proof cannot take a copy.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.context import Ctx
from bot.repo import casework, identities, requests
from bot.repo import rights as repo
from bot.security.redact import mask_mobile, mask_national_id
from bot.services import linking
from bot.services.escalations import open_escalation
from models import ChannelIdentity, RightsKind, RightsRequest, SupportRequest

log = logging.getLogger(__name__)
STAFF_NOTICE = {RightsKind.COPY, RightsKind.CORRECTION, RightsKind.DELETION,
                RightsKind.WITHDRAWAL}  # viewing one's own data is answered at once, silently
ANON = "-"


COPY_CODE, COPY_VERIFIED = "copy_code", "copy_verified"  # in the my-data flow's answers


def _session(ctx: Ctx) -> AsyncSession:
    """The turn's session (ctx.store.session once flows get a TurnStore)."""
    return ctx.store.session


def copy_reveals_national_id(ctx: Ctx) -> bool:
    """Whether the copy may show the whole national ID: only after the one-time code."""
    return bool(ctx.answers.get(COPY_VERIFIED))


def _copy_hash(ctx: Ctx, code: str) -> str:
    return ctx.services.vault.lookup_hash(f"copy-code:{ctx.identity.id}:{code}")


async def send_copy_code(ctx: Ctx) -> ChannelIdentity:
    """Send a one-time code before a copy: to the channel the person's latest request trusts
    (a channel linked without proof never receives it), else to this chat; where it went.

    The code is kept hashed in the conversation's encrypted state and never written to the
    transcript."""
    session, cfg = _session(ctx), ctx.config.linking
    latest = await requests.of_beneficiary(session, beneficiary_id=ctx.beneficiary.id or 0)
    to = (await linking.recipient(session, request=latest[0]) if latest else None) or ctx.identity
    code = f"{secrets.randbelow(10 ** 6):06d}"
    ctx.answers[COPY_CODE] = {
        "hash": _copy_hash(ctx, code), "left": cfg.max_tries_per_code,
        "until": (ctx.now + dt.timedelta(minutes=cfg.code_minutes)).isoformat()}
    await linking.send_private(session, ctx.services, to, "mydata-copy-code-message",
                               dedupe_key=f"copy-code:{ctx.inbound.channel}:"
                                          f"{ctx.inbound.message_id}",
                               code=code, minutes=cfg.code_minutes)
    return to


def check_copy_code(ctx: Ctx, typed: str) -> tuple[str, int]:
    """("ok" | "wrong" | "expired" | "locked", tries left) for a typed copy code."""
    state = ctx.answers.get(COPY_CODE) or {}
    if not state or ctx.now >= dt.datetime.fromisoformat(state["until"]):
        ctx.answers.pop(COPY_CODE, None)
        return "expired", 0
    if hmac.compare_digest(state["hash"], _copy_hash(ctx, typed)):
        ctx.answers.pop(COPY_CODE, None)
        ctx.answers[COPY_VERIFIED] = True
        return "ok", state["left"]
    state["left"] -= 1
    if state["left"] <= 0:
        ctx.answers.pop(COPY_CODE, None)
        return "locked", 0
    return "wrong", state["left"]


async def record(ctx: Ctx, kind: RightsKind, *, done: bool, escalation_id: int | None = None,
                 note: str | None = None) -> RightsRequest:
    """Record a rights request with its deadline; tell staff of those they must know of."""
    now = ctx.now
    row = await repo.add(_session(ctx), RightsRequest(
        kind=kind, beneficiary_id=ctx.beneficiary.id or 0, identity_id=ctx.identity.id or 0,
        escalation_id=escalation_id, status="done" if done else "open", note=note,
        created_at=now, due_at=now + dt.timedelta(days=ctx.config.privacy.reply_days),
        closed_at=now if done else None))
    if kind in STAFF_NOTICE:
        ctx.emit("rights_request_opened", rights_id=row.id, kind=str(kind))
    return row


@dataclass
class Section:
    """A titled block of `label: value` lines."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)


async def personal_data(ctx: Ctx, *, full: bool) -> list[Section]:
    """Everything held about the person; masked unless `full` (the copy)."""
    session, person, vault = _session(ctx), ctx.beneficiary, ctx.services.vault
    reveal_id = full and copy_reveals_national_id(ctx)

    def nid(token: str | None) -> str:
        if not token or token == ANON:
            return ANON
        value = vault.decrypt(token)
        return value if reveal_id else mask_national_id(value)

    def mobile(value: str | None) -> str:
        return (value if full else mask_mobile(value)) if value else ANON

    def date(value: dt.datetime | None) -> str:
        return value.astimezone(ctx.config.tz).strftime("%Y-%m-%d") if value else ANON

    t = ctx.t
    channels = await identities.identities_of(session, beneficiary_id=person.id or 0)
    sections = [Section(t("mydata-section-person"), [
        (t("mydata-name"), person.full_name or ANON),
        (t("mydata-national-id"), nid(person.national_id_enc)),
        (t("mydata-mobile"), mobile(person.mobile)),
        (t("mydata-language"), t(f"language-name-{person.language}")),
        (t("mydata-consent"), date(person.consent_at)),
        (t("mydata-channels"),
         _comma(ctx).join(t(f"channel-{i.channel}") for i in channels) or ANON),
    ])]
    for request in await requests.of_beneficiary(session, beneficiary_id=person.id or 0):
        sections.append(await _request_section(ctx, request, nid, mobile, date, full))
    for item in await repo.feedback_of(session, beneficiary_id=person.id or 0):
        sections.append(Section(t("mydata-section-feedback", reference=item.reference or ANON), [
            (t("mydata-date"), date(item.created_at)),
            (t("mydata-text"), item.text if full else item.text[:80])]))
    for app in await repo.volunteering_of(session, beneficiary_id=person.id or 0):
        sections.append(Section(t("mydata-section-volunteer", reference=app.reference or ANON), [
            (t("mydata-name"), app.full_name), (t("mydata-mobile"), mobile(app.mobile)),
            (t("mydata-city"), app.city), (t("mydata-text"), app.skills if full
                                                            else app.skills[:80])]))
    return sections


async def _request_section(ctx: Ctx, request: SupportRequest, nid, mobile, date,  # type: ignore[no-untyped-def]
                           full: bool) -> Section:
    t = ctx.t
    docs = await requests.documents_of(_session(ctx), request_id=request.id or 0)
    income = ("•••" if not full or request.monthly_income_enc == ANON
              else ctx.services.vault.decrypt(request.monthly_income_enc))
    return Section(t("mydata-section-request", reference=request.reference or ANON), [
        (t("mydata-status"), t(f"request-status-{request.status}")),
        (t("mydata-date"), date(request.submitted_at)),
        (t("mydata-name"), request.full_name),
        (t("mydata-national-id"), nid(request.national_id_enc)),
        (t("mydata-mobile"), mobile(request.mobile)),
        (t("mydata-branch"), t(f"branch-{request.branch}")),
        (t("mydata-family-size"), str(request.family_size)),
        (t("mydata-income"), income),
        (t("mydata-support-type"), t(f"support-type-{request.support_type}")),
        (t("mydata-description"), request.description if full else request.description[:80]),
        (t("mydata-documents"), _comma(ctx).join(
            f"{t(f'document-{d.doc_type}')} ({t(f'document-status-{d.status}')})"
            for d in docs) or ANON),
    ])


def _comma(ctx: Ctx) -> str:
    return "، " if ctx.lang == "ar" else ", "


def render(sections: list[Section]) -> str:
    """Sections as plain text."""
    return "\n\n".join(s.title + "\n" + "\n".join(f"• {k}: {v}" for k, v in s.lines)
                       for s in sections)


async def make_copy(ctx: Ctx) -> tuple[str, str]:
    """A UTF-8 text file of everything held, stored encrypted; (document key, file name)."""
    body = render(await personal_data(ctx, full=True))
    day = ctx.now.astimezone(ctx.config.tz).strftime("%Y-%m-%d")
    text = ctx.t("mydata-copy-header", date=day) + "\n\n" + body + "\n"
    key, _ = ctx.services.documents.put(text.encode("utf-8"))
    await record(ctx, RightsKind.COPY, done=True)
    return key, f"ghimar-my-data-{day}.txt"


async def ask_correction(ctx: Ctx, details: str) -> RightsRequest:
    """A correction: a staff case (reason rights_correction) and an open rights request."""
    case = await open_escalation(ctx, "rights_correction", details=details)
    return await record(ctx, RightsKind.CORRECTION, done=False, escalation_id=case.id)


async def withdraw_consent(ctx: Ctx) -> RightsRequest:
    """Stop processing: consent removed, pending surveys and reminders cancelled."""
    ctx.beneficiary.consent_at, ctx.beneficiary.consent_version = None, None
    await repo.cancel_follow_ups(_session(ctx), beneficiary_id=ctx.beneficiary.id or 0,
                                 now=ctx.now)
    return await record(ctx, RightsKind.WITHDRAWAL, done=True)


def retained(ctx: Ctx) -> list[tuple[str, int, str]]:
    """What a deletion keeps: (kind, years, reason in the conversation's language)."""
    keep = ctx.config.privacy.retain_after_deletion
    return [(kind, rule.years, rule.reason_ar if ctx.lang == "ar" else rule.reason_en)
            for kind, rule in keep.items()]


async def erase(ctx: Ctx) -> RightsRequest:
    """Delete or anonymise everything the association is not required to keep."""
    session, person = _session(ctx), ctx.beneficiary
    keep = ctx.config.privacy.retain_after_deletion
    if person.consent_at is not None:
        await withdraw_consent(ctx)
    channels = await identities.identities_of(session, beneficiary_id=person.id or 0)
    await repo.erase_conversation_traces(session, beneficiary_id=person.id or 0,
                                         identity_ids=[i.id or 0 for i in channels])
    for identity in channels:
        identity.display_name = None
        session.add(identity)
        conv = (ctx.conversation if identity.id == ctx.identity.id
                else await identities.conversation_of(session, identity_id=identity.id or 0))
        if conv is not None and conv is not ctx.conversation:
            conv.data_enc, conv.flow, conv.step = None, None, None  # drafts hold answers
            session.add(conv)
    ctx.data.clear()  # this conversation's drafts and answers
    person.full_name = person.mobile = person.national_id_hash = person.national_id_enc = None
    dropped: list[str] = []  # deleted after the commit (bot/services/files.py), not before
    for request in await requests.of_beneficiary(session, beneficiary_id=person.id or 0):
        if "documents" not in keep:
            for doc in await requests.documents_of(session, request_id=request.id or 0):
                dropped += [doc.storage_key] if doc.storage_key else []
                doc.storage_key, doc.sha256 = None, None
                session.add(doc)
        if "support_requests" not in keep:
            await anonymise_request(ctx, request)
    if "feedback" not in keep:
        for item in await repo.feedback_of(session, beneficiary_id=person.id or 0):
            dropped += [item.attachment_key] if item.attachment_key else []
            item.text, item.attachment_key, item.notes = ANON, None, None
            session.add(item)
    if "volunteer_applications" not in keep:
        for app in await repo.volunteering_of(session, beneficiary_id=person.id or 0):
            app.full_name, app.mobile, app.city, app.skills = ANON, ANON, ANON, ANON
            app.notes = None  # staff notes (the console) may name the person too
            session.add(app)
    session.add(person)
    if dropped:
        ctx.emit("files_dropped", keys=dropped)
    kept = ", ".join(f"{kind}:{rule.years}y" for kind, rule in keep.items()) or "nothing"
    log.info("personal data of beneficiary %s erased (kept: %s)", person.id, kept)
    return await record(ctx, RightsKind.DELETION, done=True, note=f"kept: {kept}"[:200])


async def anonymise_request(ctx: Ctx, request: SupportRequest) -> None:
    """Strip a request of everything that names the person (its figures stay for reports)."""
    vault = ctx.services.vault
    request.full_name, request.mobile, request.description = ANON, ANON, ANON
    request.national_id_hash, request.national_id_enc = ANON, vault.encrypt("")
    request.monthly_income_enc = vault.encrypt("")
    _session(ctx).add(request)
    await repo.anonymise_declaration(_session(ctx), request_id=request.id or 0)
    await casework.anonymise(_session(ctx), request_id=request.id or 0, blank=ANON)



async def open_requests(session: AsyncSession) -> list[RightsRequest]:
    """Open rights requests for staff, the nearest deadline first."""
    return await repo.open_requests(session)


async def close_request(session: AsyncSession, rights_id: int,
                        now: dt.datetime) -> RightsRequest | None:
    """Mark a rights request answered (staff); None when there is no such open request."""
    row = await session.get(RightsRequest, rights_id)
    if row is None or row.status != "open":
        return None
    row.status, row.closed_at = "done", now
    session.add(row)
    return row
