"""The desk's cases as the web console reads them: lists, and their timeline by sequence.

The live case page polls `timeline_after` with the last ids it has seen (transcript line id,
audit line id), so every worker learns of new messages from the database itself.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Beneficiary, ChannelIdentity, Escalation, StaffAction, TranscriptLine

TIMELINE_ACTIONS = ("claim", "release", "close", "note", "relay_in", "relay_out")


async def list_cases(session: AsyncSession, *, closed: bool = False, limit: int = 200
                     ) -> list[tuple[Escalation, ChannelIdentity | None, Beneficiary | None]]:
    """Open cases (oldest first), or the most recently closed ones, with who they are about."""
    stmt = (
        select(Escalation, ChannelIdentity, Beneficiary)
        .outerjoin(ChannelIdentity, ChannelIdentity.id == Escalation.identity_id)  # type: ignore[arg-type]
        .outerjoin(Beneficiary, Beneficiary.id == Escalation.beneficiary_id)  # type: ignore[arg-type]
    )
    if closed:
        stmt = stmt.where(Escalation.status == "closed").order_by(Escalation.id.desc())  # type: ignore[union-attr]
    else:
        stmt = stmt.where(Escalation.status != "closed").order_by(Escalation.id)  # type: ignore[arg-type]
    return [(c, i, b) for c, i, b in (await session.execute(stmt.limit(limit))).all()]


async def transcript_after(session: AsyncSession, *, identity_id: int, after_id: int,
                           since: dt.datetime, limit: int = 200) -> list[TranscriptLine]:
    """Transcript lines of an identity newer than `after_id` and written since `since`."""
    stmt = (
        select(TranscriptLine)
        .where(TranscriptLine.identity_id == identity_id, TranscriptLine.id > after_id,  # type: ignore[operator]
               TranscriptLine.at >= since)  # type: ignore[operator]
        .order_by(TranscriptLine.id)  # type: ignore[arg-type]
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def actions_after(session: AsyncSession, *, escalation_id: int, after_id: int,
                        limit: int = 200) -> list[StaffAction]:
    """The case's timeline audit lines (notes, claims, files) newer than `after_id`."""
    stmt = (
        select(StaffAction)
        .where(StaffAction.escalation_id == escalation_id, StaffAction.id > after_id,  # type: ignore[operator]
               StaffAction.action.in_(TIMELINE_ACTIONS),  # type: ignore[attr-defined]
               StaffAction.allowed.is_(True))  # type: ignore[attr-defined]
        .order_by(StaffAction.id)  # type: ignore[arg-type]
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def case_file(session: AsyncSession, *, escalation_id: int, action_id: int
                    ) -> StaffAction | None:
    """An audit line of the case that carries a relayed file."""
    row = await session.get(StaffAction, action_id)
    if row is None or row.escalation_id != escalation_id or not row.file_key:
        return None
    return row
