"""The console's casework SQL: notes, the step 2 checklist, corrections, linked channels,
the conversation so far, and cases referred in the console."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ChannelIdentity,
    Escalation,
    RequestCheck,
    RequestCorrection,
    RequestNote,
    TranscriptLine,
)


async def add_note(session: AsyncSession, *, note: RequestNote) -> RequestNote:
    """Store an internal note and give it its id."""
    session.add(note)
    await session.flush()
    return note


async def notes_of(session: AsyncSession, *, request_id: int) -> list[RequestNote]:
    """A request's internal notes, oldest first."""
    stmt = select(RequestNote).where(RequestNote.request_id == request_id).order_by(RequestNote.id)
    return list((await session.execute(stmt)).scalars())


async def checks_of(session: AsyncSession, *, request_id: int) -> dict[str, RequestCheck]:
    """A request's step 2 checklist by item ("answer:<field>", "document:<type>")."""
    stmt = select(RequestCheck).where(RequestCheck.request_id == request_id)
    return {row.item: row for row in (await session.execute(stmt)).scalars()}


async def set_check(session: AsyncSession, *, request_id: int, item: str, state: str,
                    staff_key: str, now: dt.datetime) -> RequestCheck:
    """Record where one item stands (one row per item, the latest check wins)."""
    stmt = select(RequestCheck).where(RequestCheck.request_id == request_id,
                                      RequestCheck.item == item)
    row = (await session.execute(stmt)).scalar_one_or_none()
    row = row or RequestCheck(request_id=request_id, item=item, state=state, staff_key=staff_key)
    row.state, row.staff_key, row.at = state, staff_key[:80], now
    session.add(row)
    await session.flush()
    return row


async def corrections_of(session: AsyncSession, *, request_id: int) -> list[RequestCorrection]:
    """A request's corrections (answers and decisions), oldest first."""
    stmt = (select(RequestCorrection).where(RequestCorrection.request_id == request_id)
            .order_by(RequestCorrection.id))
    return list((await session.execute(stmt)).scalars())


async def identities_of(session: AsyncSession, *, beneficiary_id: int) -> list[ChannelIdentity]:
    """Every channel identity of a beneficiary, oldest first."""
    stmt = (select(ChannelIdentity).where(ChannelIdentity.beneficiary_id == beneficiary_id)
            .order_by(ChannelIdentity.id))
    return list((await session.execute(stmt)).scalars())


async def transcript_of(session: AsyncSession, *, identity_ids: list[int],
                        limit: int = 60) -> list[TranscriptLine]:
    """The latest transcript lines of some identities, oldest first."""
    if not identity_ids:
        return []
    stmt = (select(TranscriptLine).where(TranscriptLine.identity_id.in_(identity_ids))  # type: ignore[attr-defined]
            .order_by(TranscriptLine.id.desc()).limit(limit))  # type: ignore[union-attr]
    return list((await session.execute(stmt)).scalars())[::-1]


async def cases_assigned_to(session: AsyncSession, *, staff_key: str) -> list[Escalation]:
    """The open cases referred to a member of staff in the console, newest first."""
    stmt = (select(Escalation).where(Escalation.assigned_to == staff_key,
                                     Escalation.status != "closed")
            .order_by(Escalation.id.desc()))
    return list((await session.execute(stmt)).scalars())


async def cases_of(session: AsyncSession, *, beneficiary_id: int) -> list[Escalation]:
    """A beneficiary's cases with the staff desk, newest first."""
    stmt = (select(Escalation).where(Escalation.beneficiary_id == beneficiary_id)
            .order_by(Escalation.id.desc()))
    return list((await session.execute(stmt)).scalars())


async def anonymise(session: AsyncSession, *, request_id: int, blank: str) -> None:
    """A deletion (PDPL) of the person: corrected answers and internal notes lose their text;
    a decision's correction (no personal data) stays."""
    await session.execute(update(RequestCorrection)
                          .where(RequestCorrection.request_id == request_id,
                                 RequestCorrection.field != "decision")
                          .values(old_value=blank, new_value=blank))
    await session.execute(update(RequestNote).where(RequestNote.request_id == request_id)
                          .values(text=blank))
