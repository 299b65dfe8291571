"""Writing to and reading from the outbox table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, Update, bindparam, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.messages import Outbound
from bot.repo._dialect import insert_ignore
from models import ChannelIdentity, OutboxMessage, OutboxStatus


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    message: Outbound,
    dedupe_key: str,
    now: dt.datetime,
    identity_id: int | None = None,
    not_before: dt.datetime | None = None,
) -> bool:
    """Queue a message in the caller's transaction; False if this dedupe key was queued before."""
    return await insert_ignore(
        session,
        OutboxMessage,
        {
            "channel": channel,
            "address": address,
            "identity_id": identity_id,
            "kind": message.kind,
            "payload": message.to_payload(),
            "dedupe_key": dedupe_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
        },
    )


async def add_replies(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    identity_id: int | None,
    messages: list[Outbound],
    key_prefix: str,
    now: dt.datetime,
) -> None:
    """Queue the replies of a turn in one statement; their keys are new (the inbound id was
    just claimed)."""
    if not messages:
        return
    await session.execute(insert(OutboxMessage), [
        {"channel": channel, "address": address, "identity_id": identity_id, "kind": m.kind,
         "payload": m.to_payload(), "dedupe_key": f"{key_prefix}:{i}",
         "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now,
         "created_at": now}
        for i, m in enumerate(messages)
    ])


Pending = list[tuple[OutboxMessage, bool]]  # rows, each with "its identity is unreachable"


def business_first(rows: Pending, now: dt.datetime) -> Pending:
    """A chat's rows with its due business messages (staff replies, decision notices,
    reminders: any kind but "reply") ahead of the conversation's replies, each in id order.

    A flooded chat's backlog of replies then never holds up what staff or the committee sent.
    """
    ahead = [r for r in rows if r[0].kind != "reply" and r[0].next_attempt_at <= now]
    return ahead + [r for r in rows if r[0].kind == "reply" or r[0].next_attempt_at > now]


def _pending_rows() -> Select[tuple[OutboxMessage, bool | None]]:
    return (
        select(OutboxMessage, ChannelIdentity.unreachable)
        .outerjoin(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id)
    )


async def pending_for_addresses(
    session: AsyncSession, *, channel: str, addresses: list[str]
) -> Pending:
    """Pending rows of these addresses, oldest first (due or not), with reachability."""
    stmt = _pending_rows().where(OutboxMessage.channel == channel,
                                 OutboxMessage.address.in_(addresses))
    return [(row, bool(unreachable)) for row, unreachable in (await session.execute(stmt)).all()]


Chats = set[tuple[str, str]]
# Built once: the dispatcher runs them whenever something was committed.
_DUE_CHATS = (
    select(OutboxMessage.channel, OutboxMessage.address)
    .where(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= bindparam("now"),
        OutboxMessage.channel.in_(bindparam("channels", expanding=True)),
        tuple_(OutboxMessage.channel, OutboxMessage.address).not_in(
            bindparam("skip", expanding=True)),
    )
    .group_by(OutboxMessage.channel, OutboxMessage.address)
    .order_by(func.min(OutboxMessage.id))  # first come, first served: no chat starves
    .limit(bindparam("limit"))
)
_PENDING_OF_DUE_CHATS = _pending_rows().where(
    tuple_(OutboxMessage.channel, OutboxMessage.address).in_(_DUE_CHATS.subquery().select())
)


def _due_params(channels: list[str], now: dt.datetime, limit: int, skip: Chats
                ) -> dict[str, Any]:
    return {"channels": list(channels), "now": now, "limit": limit, "skip": sorted(skip)}


async def due_chats(
    session: AsyncSession, *, channels: list[str], now: dt.datetime, limit: int = 500,
    skip: Chats = frozenset(),  # type: ignore[assignment]
) -> list[tuple[str, str]]:
    """(channel, address) of the chats (at most `limit`, none of `skip`) with a message due."""
    result = await session.execute(_DUE_CHATS, _due_params(channels, now, limit, skip))
    return [(c, a) for c, a in result.all()]


async def pending_of_due_chats(
    session: AsyncSession, *, channels: list[str], now: dt.datetime, limit: int = 500,
    skip: Chats = frozenset(),  # type: ignore[assignment]
) -> dict[tuple[str, str], Pending]:
    """Every pending row of the chats (at most `limit`, none of `skip`) with a message due.

    One query for the whole drain: which chats are due, their rows in order (due or not, so a
    chat's order holds), and whether each row's identity is unreachable.
    """
    result = await session.execute(_PENDING_OF_DUE_CHATS,
                                   _due_params(channels, now, limit, skip))
    chats: dict[tuple[str, str], Pending] = {}
    for row, unreachable in result.all():
        chats.setdefault((row.channel, row.address), []).append((row, bool(unreachable)))
    return chats


@cache
def _outcome_statement(columns: tuple[str, ...]) -> Update:
    """`UPDATE outboxmessage SET <columns> WHERE id = :row_id`, built once per set of columns
    (a handful: sent, retry, failed, unreachable)."""
    table: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
    return (update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}))


async def set_outcomes(session: AsyncSession, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Store delivery outcomes (column values by row id): one statement per set of columns,
    executed for all its rows at once."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in rows:
        by_columns.setdefault(tuple(sorted(values)), []).append(
            {"row_id": row_id, **{f"new_{c}": v for c, v in values.items()}})
    for columns, params in by_columns.items():
        await session.execute(_outcome_statement(columns), params)


_TRY_LOCK = text("SELECT pg_try_advisory_lock(:k)")
_UNLOCK = text("SELECT pg_advisory_unlock(:k)")


async def try_chat_lock(conn: AsyncConnection, *, key: int) -> bool:
    """PostgreSQL: take the session advisory lock of a chat; False when another worker holds
    it. The lock lives as long as the connection's session, not a transaction."""
    return bool((await conn.execute(_TRY_LOCK, {"k": key})).scalar())


async def release_chat_lock(conn: AsyncConnection, *, key: int) -> None:
    """PostgreSQL: release a chat's advisory lock taken by `try_chat_lock`."""
    await conn.execute(_UNLOCK, {"k": key})


async def by_platform_id(
    session: AsyncSession, *, channel: str, platform_message_id: str
) -> OutboxMessage | None:
    """The sent row that a platform's delivery status refers to."""
    stmt = select(OutboxMessage).where(
        OutboxMessage.channel == channel,
        OutboxMessage.platform_message_id == platform_message_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many rows are in each status (for health and tests)."""
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {s: n for s, n in (await session.execute(stmt)).all()}


@dataclass(frozen=True)
class Depth:
    """What waits in the outbox (for `python -m bot outbox status`)."""

    pending: int  # every pending row, due or not
    due: int  # pending rows whose time has come
    oldest_due: dt.datetime | None  # the earliest next_attempt_at among them
    oldest_created: dt.datetime | None  # the oldest pending row
    retrying: int  # pending rows that failed at least once (last_error set)


async def depth(session: AsyncSession, *, now: dt.datetime) -> Depth:
    """How many messages wait, how many are due and since when."""
    pending = OutboxMessage.status == OutboxStatus.PENDING
    due = OutboxMessage.next_attempt_at <= now
    stmt = select(
        func.count(),
        func.count().filter(due),
        func.min(OutboxMessage.next_attempt_at).filter(due),
        func.min(OutboxMessage.created_at),
        func.count(OutboxMessage.last_error),
    ).where(pending)
    n, n_due, oldest_due, oldest, retrying = (await session.execute(stmt)).one()
    return Depth(n, n_due, oldest_due, oldest, retrying)


async def failures_by_reason(session: AsyncSession, *, limit: int = 20
                             ) -> list[tuple[str, int]]:
    """Failed rows counted by their last error, most frequent first."""
    count = func.count().label("n")
    stmt = (select(OutboxMessage.last_error, count)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .group_by(OutboxMessage.last_error)
            .order_by(count.desc(), OutboxMessage.last_error).limit(limit))
    return [(reason or "", n) for reason, n in (await session.execute(stmt)).all()]


async def requeue_failed(session: AsyncSession, *, now: dt.datetime,
                         since: dt.datetime | None = None, reason: str | None = None) -> int:
    """Queue failed rows again (failed at or after `since`, their last error containing
    `reason`): pending, due now, with all their attempts. A failed row's next_attempt_at is
    when it failed. Returns how many."""
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if since is not None:
        stmt = stmt.where(OutboxMessage.next_attempt_at >= since)
    if reason:
        stmt = stmt.where(OutboxMessage.last_error.contains(reason, autoescape=True))
    # a WhatsApp row failed by a late status: its resend's statuses start again
    stmt = stmt.values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now,
                       delivery_status=None)
    result = await session.execute(stmt, execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
