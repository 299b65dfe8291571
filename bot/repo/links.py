"""One-time link codes and the links they (or staff) make between identities and owners."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import is_postgres
from models import ChannelIdentity, Conversation, IdentityLink, LinkCode, SupportRequest


async def codes_since(
    session: AsyncSession, *, since: dt.datetime, identity_id: int | None = None,
    request_id: int | None = None,
) -> int:
    """How many codes an identity asked for, or a request had sent, since a time."""
    stmt = select(func.count()).select_from(LinkCode).where(LinkCode.created_at >= since)
    if identity_id is not None:
        stmt = stmt.where(LinkCode.identity_id == identity_id)
    if request_id is not None:
        stmt = stmt.where(LinkCode.request_id == request_id)
    return int((await session.execute(stmt)).scalar_one())


async def add_code(session: AsyncSession, *, code: LinkCode) -> LinkCode:
    """Store a code row and give it its id."""
    session.add(code)
    await session.flush()
    return code


async def get_code(session: AsyncSession, *, code_id: int) -> LinkCode | None:
    """A code row, locked on PostgreSQL so two guesses never race past the limit."""
    stmt = select(LinkCode).where(LinkCode.id == code_id)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def lock_request(session: AsyncSession, *, request_id: int) -> None:
    """Serialise code requests for one request (PostgreSQL; SQLite has one writer anyway)."""
    if is_postgres(session):
        stmt = select(SupportRequest.id).where(SupportRequest.id == request_id).with_for_update()
        await session.execute(stmt)


async def add_link(session: AsyncSession, *, link: IdentityLink) -> IdentityLink:
    """Record a link and give it its id."""
    session.add(link)
    await session.flush()
    return link


async def get_link(session: AsyncSession, *, link_id: int) -> IdentityLink | None:
    """A link by id."""
    return await session.get(IdentityLink, link_id)


async def active_link(
    session: AsyncSession, *, identity_id: int, beneficiary_id: int
) -> IdentityLink | None:
    """The identity's link to a beneficiary, if not undone."""
    stmt = select(IdentityLink).where(IdentityLink.identity_id == identity_id,
                                      IdentityLink.beneficiary_id == beneficiary_id,
                                      IdentityLink.unlinked_at.is_(None))
    return (await session.execute(stmt.order_by(IdentityLink.id.desc()))).scalars().first()


async def trusted_identities(
    session: AsyncSession, *, request: SupportRequest
) -> list[ChannelIdentity]:
    """The identities that may see a request: the one it was submitted from, and those of its
    owner that submitted a request themselves or were linked with proof (a code or staff) and
    not undone. An identity moved to the owner some other way (the old "last four digits of
    the ID" path) gets nothing."""
    owner = request.beneficiary_id
    linked = select(IdentityLink.identity_id).where(IdentityLink.beneficiary_id == owner,
                                                    IdentityLink.unlinked_at.is_(None))
    submitted = select(SupportRequest.identity_id).where(SupportRequest.beneficiary_id == owner)
    stmt = select(ChannelIdentity).where(or_(
        ChannelIdentity.id == request.identity_id,
        and_(ChannelIdentity.beneficiary_id == owner,
             or_(ChannelIdentity.id.in_(linked), ChannelIdentity.id.in_(submitted))),
    )).order_by(ChannelIdentity.id)
    return list((await session.execute(stmt)).scalars())


async def language_of(session: AsyncSession, *, identity_id: int) -> str | None:
    """The language of an identity's conversation (read without locking it)."""
    stmt = select(Conversation.language).where(Conversation.identity_id == identity_id)
    return (await session.execute(stmt)).scalar_one_or_none()
