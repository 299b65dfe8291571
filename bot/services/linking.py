"""Following a request from another channel: one-time codes, staff confirmation, undo.

Knowing a national ID, a reference or any digits of the ID is never enough. A 6-digit code goes
to a channel the owner already uses (only its keyed hash is stored, and it is never logged), or
a staff member confirms who the person is. The owner is told on their own channel whenever a
channel is linked, with a button that undoes it. An identity that asks learns nothing: the
answer is the same whether the reference exists, belongs to someone, or has hit its limit.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.context import Ctx, Services
from bot.messages import Choice, Outbound
from bot.repo import identities, links, outbox, requests
from models import Beneficiary, ChannelIdentity, IdentityLink, LinkCode, SupportRequest

DAY = dt.timedelta(hours=24)
UNLINK = "unlink:"  # payload prefix of the owner's "undo" button


@dataclass(frozen=True)
class Asked:
    """What asking for a code led to: "sent" (as far as the asker may know), "already"
    (this identity may see the request) or "limited" (it asked too often)."""

    outcome: str
    code_id: int | None = None


def preferred(rows: list[ChannelIdentity]) -> ChannelIdentity | None:
    """The reachable identity written from last (else any), like the owner's channel of choice."""
    reachable = [i for i in rows if not i.unreachable] or rows
    if not reachable:
        return None
    return max(reachable, key=lambda i: (i.last_inbound_at is not None,
                                         i.last_inbound_at or i.created_at, i.id or 0))


async def recipient(session: AsyncSession, *, request: SupportRequest) -> ChannelIdentity | None:
    """Where a request's notices go: its own identity or one linked with proof, never another."""
    return preferred(await links.trusted_identities(session, request=request))


async def is_trusted(
    session: AsyncSession, *, request: SupportRequest, identity: ChannelIdentity
) -> bool:
    """Whether this identity may see the request (submitted it, or linked with proof)."""
    rows = await links.trusted_identities(session, request=request)
    return any(row.id == identity.id for row in rows)


def _hash(services: Services, code_id: int, code: str) -> str:
    return services.vault.lookup_hash(f"link-code:{code_id}:{code}")


async def send_private(
    session: AsyncSession, services: Services, identity: ChannelIdentity, key: str,
    dedupe_key: str, choices: list[Choice] | None = None, **args: object,
) -> None:
    """Queue a text to an identity in its language (no transcript line: codes stay out)."""
    lang = await links.language_of(session, identity_id=identity.id or 0)
    lang = lang or services.config.default_language
    args = {k: services.catalog.t(lang, f"channel-{v}") if k == "channel" else v
            for k, v in args.items()}
    message = Outbound(services.catalog.t(lang, key, **args), choices=choices or [],
                       kind="notification", meta={"lang": lang},
                       template={"kind": key.replace("-", "_"), "lang": lang,
                                 "params": {k: str(v) for k, v in args.items()}})
    await outbox.enqueue(session, channel=identity.channel, address=identity.platform_user_id,
                         identity_id=identity.id, message=message, dedupe_key=dedupe_key,
                         now=services.clock.now())


async def ask_code(
    session: AsyncSession, services: Services, *, identity: ChannelIdentity, reference: str
) -> Asked:
    """Send a one-time code to the owner of the request with this reference, within limits."""
    now, cfg = services.clock.now(), services.config.linking
    request = await requests.by_reference(session, reference=reference)
    if request is not None and await is_trusted(session, request=request, identity=identity):
        return Asked("already")
    asked = await links.codes_since(session, since=now - DAY, identity_id=identity.id)
    if asked >= cfg.max_codes_per_identity_per_day:
        return Asked("limited")
    owner = None
    if request is not None:
        await links.lock_request(session, request_id=request.id or 0)
        sent = await links.codes_since(session, since=now - DAY, request_id=request.id)
        if sent < cfg.max_codes_per_request_per_day:
            owner = await recipient(session, request=request)
    row = await links.add_code(session, code=LinkCode(
        request_id=request.id if request else None, identity_id=identity.id or 0,
        sent_to_id=owner.id if owner else None, code_hash="-", created_at=now,
        expires_at=now + dt.timedelta(minutes=cfg.code_minutes)))
    if owner is not None and request is not None:
        code = f"{secrets.randbelow(10**6):06d}"
        row.code_hash = _hash(services, row.id or 0, code)
        session.add(row)
        await send_private(session, services, owner, "link-code-message", f"link-code:{row.id}",
                    reference=request.reference or "", channel=identity.channel, code=code,
                    minutes=cfg.code_minutes)
    return Asked("sent", row.id)


async def enter_code(
    session: AsyncSession, services: Services, *, identity: ChannelIdentity, code_id: int,
    code: str,
) -> tuple[str, int, SupportRequest | None]:
    """Check a typed code: ("linked" | "wrong" | "expired" | "locked", tries left, request)."""
    now, cfg = services.clock.now(), services.config.linking
    row = await links.get_code(session, code_id=code_id)
    if row is None or row.identity_id != identity.id or row.used_at is not None:
        return "expired", 0, None
    if row.attempts >= cfg.max_tries_per_code:
        return "locked", 0, None
    if now >= row.expires_at:
        return "expired", 0, None
    row.attempts += 1
    session.add(row)
    ok = row.sent_to_id is not None and hmac.compare_digest(row.code_hash,
                                                             _hash(services, row.id or 0, code))
    request = await session.get(SupportRequest, row.request_id) if ok else None
    if request is None:
        left = cfg.max_tries_per_code - row.attempts
        return ("wrong", left, None) if left > 0 else ("locked", 0, None)
    row.used_at = now
    await link(session, services, identity=identity, request=request, method="code",
               actor=f"identity:{row.sent_to_id}")
    return "linked", 0, request


async def link(
    session: AsyncSession, services: Services, *, identity: ChannelIdentity,
    request: SupportRequest, method: str, actor: str,
) -> IdentityLink:
    """Make the identity one of the request owner's, and tell the owner with an undo button."""
    now = services.clock.now()
    owners = [i for i in await links.trusted_identities(session, request=request)
              if i.id != identity.id]
    previous = identity.beneficiary_id
    row = await links.add_link(session, link=IdentityLink(
        identity_id=identity.id or 0, beneficiary_id=request.beneficiary_id,
        previous_beneficiary_id=previous if previous != request.beneficiary_id else None,
        request_id=request.id, method=method, actor=actor, linked_at=now))
    await identities.link_identity(session, identity=identity,
                                   beneficiary_id=request.beneficiary_id)
    when = now.astimezone(services.config.tz).strftime("%Y-%m-%d %H:%M")
    for owner in owners[:5]:
        lang = await links.language_of(session, identity_id=owner.id or 0)
        undo = Choice(f"{UNLINK}{row.id}", services.catalog.t(
            lang or services.config.default_language, "link-undo"))
        await send_private(session, services, owner, "link-notice",
                           f"link-notice:{row.id}:{owner.id}", choices=[undo],
                           reference=request.reference or "", channel=identity.channel,
                           time=when)
    return row


async def undo(session: AsyncSession, services: Services, *, link_id: int,
               by: ChannelIdentity) -> bool:
    """Undo a link when asked by an identity that could see the request before it was made."""
    row = await links.get_link(session, link_id=link_id)
    if row is None or row.unlinked_at is not None or row.identity_id == by.id:
        return False
    request = await session.get(SupportRequest, row.request_id) if row.request_id else None
    if request is None or not await is_trusted(session, request=request, identity=by):
        return False
    own = await links.active_link(session, identity_id=by.id or 0,
                                  beneficiary_id=row.beneficiary_id)
    if own is not None and (own.id or 0) > (row.id or 0):
        return False  # linked after this one: it cannot undo the link that let it in
    identity = await session.get(ChannelIdentity, row.identity_id)
    if identity is not None and identity.beneficiary_id == row.beneficiary_id:
        target = row.previous_beneficiary_id
        if target is None:
            fresh = Beneficiary(language=services.config.default_language,
                                created_at=services.clock.now())
            session.add(fresh)
            await session.flush()
            target = fresh.id
        identity.beneficiary_id = target or 0
        session.add(identity)
    row.unlinked_at, row.unlinked_by = services.clock.now(), f"identity:{by.id}"
    session.add(row)
    return True


async def link_by_staff(
    session: AsyncSession, services: Services, *, identity_id: int, reference: str,
    staff_id: str,
) -> tuple[str, SupportRequest | None]:
    """A staff member vouches that a case's identity owns a request: ("linked" | "already" |
    "not_found", request)."""
    request = await requests.by_reference(session, reference=reference)
    identity = await session.get(ChannelIdentity, identity_id)
    if request is None or identity is None:
        return "not_found", None
    if await is_trusted(session, request=request, identity=identity):
        return "already", request
    row = await link(session, services, identity=identity, request=request, method="staff",
                     actor=f"staff:{staff_id}")
    await send_private(session, services, identity, "link-staff-done", f"link-staff:{row.id}",
                reference=request.reference or "")
    return "linked", request


# What the flows call: bound to the turn (its store's session, the services, the identity), so
# that conversations/ never handles a database session itself.


async def trusted_in_turn(ctx: Ctx, request: SupportRequest) -> bool:
    """Whether the turn's identity may see the request."""
    return await is_trusted(ctx.store.session, request=request, identity=ctx.identity)


async def ask_code_in_turn(ctx: Ctx, reference: str) -> Asked:
    """`ask_code` for the turn's identity."""
    return await ask_code(ctx.store.session, ctx.services, identity=ctx.identity,
                          reference=reference)


async def enter_code_in_turn(
    ctx: Ctx, code_id: int, code: str
) -> tuple[str, int, SupportRequest | None]:
    """`enter_code` for the turn's identity."""
    return await enter_code(ctx.store.session, ctx.services, identity=ctx.identity,
                            code_id=code_id, code=code)


async def undo_in_turn(ctx: Ctx, link_id: int) -> bool:
    """`undo` asked by the turn's identity."""
    return await undo(ctx.store.session, ctx.services, link_id=link_id, by=ctx.identity)
