"""Feedback, volunteer applications and knowledge gaps."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.references import format_reference
from models import Feedback, KnowledgeGap, VolunteerApplication


async def add_feedback(
    session: AsyncSession, *, feedback: Feedback, prefix: str, year: int
) -> Feedback:
    """Store a suggestion or complaint and give it a reference."""
    session.add(feedback)
    await session.flush()
    feedback.reference = format_reference(prefix, year, feedback.id or 0)
    return feedback


async def add_volunteer(
    session: AsyncSession, *, application: VolunteerApplication, prefix: str, year: int
) -> VolunteerApplication:
    """Store a volunteer application and give it a reference."""
    session.add(application)
    await session.flush()
    application.reference = format_reference(prefix, year, application.id or 0)
    return application


async def add_gap(
    session: AsyncSession, *, question: str, language: str, reason: str, entry_id: str | None
) -> None:
    """Log a question the FAQ could not answer well."""
    session.add(KnowledgeGap(question=question[:500], language=language, reason=reason,
                             entry_id=entry_id))


async def gap_rows(session: AsyncSession) -> list[tuple[str, str]]:
    """(question, reason) pairs for the knowledge-gap report."""
    stmt = select(KnowledgeGap.question, KnowledgeGap.reason).order_by(KnowledgeGap.id)
    return [(q, r) for q, r in (await session.execute(stmt)).all()]
