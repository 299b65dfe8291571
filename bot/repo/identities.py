"""Channel identities, beneficiaries and their conversation rows."""

from __future__ import annotations

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import insert_ignore, is_postgres
from models import Beneficiary, ChannelIdentity, Conversation


async def get_identity(
    session: AsyncSession, *, channel: str, platform_user_id: str
) -> ChannelIdentity | None:
    """The identity for a (channel, user id), if known."""
    stmt = select(ChannelIdentity).where(
        ChannelIdentity.channel == channel, ChannelIdentity.platform_user_id == platform_user_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _load_statement(postgres: bool) -> Select[tuple[ChannelIdentity, Beneficiary, Conversation]]:
    stmt = (
        select(ChannelIdentity, Beneficiary, Conversation)
        .join(Beneficiary, Beneficiary.id == ChannelIdentity.beneficiary_id)
        .join(Conversation, Conversation.identity_id == ChannelIdentity.id)
        .where(ChannelIdentity.channel == bindparam("channel"),
               ChannelIdentity.platform_user_id == bindparam("user"))
    )
    return stmt.with_for_update(of=Conversation) if postgres else stmt


# Built once: every turn runs it, and building a statement costs more than SQLite running it.
_LOAD = {False: _load_statement(False), True: _load_statement(True)}


async def _load(
    session: AsyncSession, *, channel: str, platform_user_id: str
) -> tuple[ChannelIdentity, Beneficiary, Conversation] | None:
    """Identity, beneficiary and conversation in one query (the hot path of every turn).

    On PostgreSQL the conversation row is locked for the rest of the transaction."""
    stmt = _LOAD[is_postgres(session)]
    row = (await session.execute(stmt, {"channel": channel, "user": platform_user_id})
           ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def load_or_create(
    session: AsyncSession,
    *,
    channel: str,
    platform_user_id: str,
    display_name: str | None,
    language: str,
) -> tuple[ChannelIdentity, Beneficiary, Conversation]:
    """The identity, its beneficiary and its conversation, created on first contact.

    On PostgreSQL the conversation row is locked for the rest of the transaction, so two
    workers never interleave turns of the same conversation.
    """
    found = await _load(session, channel=channel, platform_user_id=platform_user_id)
    if found is None:
        beneficiary = Beneficiary(language=language, full_name=None)
        session.add(beneficiary)
        await session.flush()
        inserted = await insert_ignore(
            session,
            ChannelIdentity,
            {
                "beneficiary_id": beneficiary.id,
                "channel": channel,
                "platform_user_id": platform_user_id,
                "display_name": display_name,
                "unreachable": False,
                "created_at": beneficiary.created_at,
            },
        )
        if not inserted:  # another worker created it first
            await session.delete(beneficiary)
        identity = await get_identity(session, channel=channel, platform_user_id=platform_user_id)
        assert identity is not None
        await insert_ignore(
            session,
            Conversation,
            {"identity_id": identity.id, "language": language, "failures": 0,
             "human_hold": False, "updated_at": identity.created_at},
        )
        found = await _load(session, channel=channel, platform_user_id=platform_user_id)
        assert found is not None
    return found


async def beneficiary_of(session: AsyncSession, *, identity: ChannelIdentity) -> Beneficiary:
    """The beneficiary an identity belongs to."""
    beneficiary = await session.get(Beneficiary, identity.beneficiary_id)
    assert beneficiary is not None  # a foreign key
    return beneficiary


async def identities_of(session: AsyncSession, *, beneficiary_id: int) -> list[ChannelIdentity]:
    """Every channel identity of a beneficiary."""
    stmt = select(ChannelIdentity).where(ChannelIdentity.beneficiary_id == beneficiary_id)
    return list((await session.execute(stmt)).scalars())


async def link_identity(
    session: AsyncSession, *, identity: ChannelIdentity, beneficiary_id: int
) -> None:
    """Attach an identity to an existing beneficiary (after proving who they are)."""
    identity.beneficiary_id = beneficiary_id
    session.add(identity)


_MARK_UNREACHABLE = (update(ChannelIdentity)
                     .where(ChannelIdentity.id == bindparam("identity_id"))
                     .values(unreachable=True))


async def mark_unreachable(session: AsyncSession, *, identity_id: int) -> None:
    """Note that a platform refused to deliver to this identity (blocked, number gone)."""
    await session.execute(_MARK_UNREACHABLE, {"identity_id": identity_id})


async def conversation_of(session: AsyncSession, *, identity_id: int) -> Conversation | None:
    """The conversation row of an identity (locked on PostgreSQL)."""
    stmt = select(Conversation).where(Conversation.identity_id == identity_id)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def preferred_identity(
    session: AsyncSession, *, beneficiary_id: int, fallback_id: int | None = None
) -> ChannelIdentity | None:
    """The reachable identity the beneficiary wrote from last (their channel of choice)."""
    rows = await identities_of(session, beneficiary_id=beneficiary_id)
    reachable = [i for i in rows if not i.unreachable]
    if reachable:
        return max(reachable, key=lambda i: (i.last_inbound_at is not None,
                                             i.last_inbound_at or i.created_at, i.id or 0))
    return next((i for i in rows if i.id == fallback_id), rows[0] if rows else None)
