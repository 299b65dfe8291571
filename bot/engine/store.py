"""What a flow may read and write during its turn: repo calls bound to the turn's session.

Flows never hold a session (tests/engine/test_flow_boundaries.py holds that); they ask
`ctx.store` for rows and hand rows back to it. Everything written commits with the turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import feedback, requests, schedule
from bot.services import surveys
from models import (
    Declaration,
    Feedback,
    RequestDocument,
    SatisfactionSurvey,
    SupportRequest,
    VolunteerApplication,
)


class TurnStore:
    """The data access of one turn, typed for what the flows need."""

    __slots__ = ("_session",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def session(self) -> AsyncSession:
        """The turn's session, for core services working inside the turn (bot/services);
        flows use the methods below."""
        return self._session

    async def save(self, *rows: object) -> None:
        """Write these new or changed rows now (ids assigned, later reads see them)."""
        self._session.add_all(rows)
        await self._session.flush()

    # support requests
    async def request(self, request_id: int) -> SupportRequest | None:
        """The request with this id."""
        return await requests.by_id(self._session, request_id=request_id)

    async def requests_of(self, beneficiary_id: int | None) -> list[SupportRequest]:
        """A beneficiary's own requests, newest first."""
        return await requests.of_beneficiary(self._session, beneficiary_id=beneficiary_id or 0)

    async def request_by_reference(self, reference: str) -> SupportRequest | None:
        """The request with this reference."""
        return await requests.by_reference(self._session, reference=reference)

    async def documents_of(self, request_id: int | None) -> list[RequestDocument]:
        """The required documents of a request and where each stands."""
        return await requests.documents_of(self._session, request_id=request_id or 0)

    async def open_request_by_national_id(self, id_hash: str) -> SupportRequest | None:
        """A request by this national ID that the committee has not decided yet."""
        return await requests.open_by_national_id(self._session, id_hash=id_hash)

    async def last_decided_by_national_id(self, id_hash: str) -> SupportRequest | None:
        """The most recently decided request by this national ID."""
        return await requests.last_decided_by_national_id(self._session, id_hash=id_hash)

    async def create_request(
        self, *, request: SupportRequest, documents: list[RequestDocument],
        declaration: Declaration, prefix: str, year: int, actor: str,
    ) -> SupportRequest:
        """Store a submitted request with its documents, declaration and first status."""
        return await requests.create(self._session, request=request, documents=documents,
                                     declaration=declaration, prefix=prefix, year=year,
                                     actor=actor)

    async def schedule(
        self, *, kind: str, dedupe_key: str, due_at: dt.datetime, now: dt.datetime,
        request_id: int | None = None, beneficiary_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        """Schedule a message once per dedupe key; False when it was already scheduled."""
        return await schedule.schedule(self._session, kind=kind, dedupe_key=dedupe_key,
                                       due_at=due_at, now=now, request_id=request_id,
                                       beneficiary_id=beneficiary_id, data=data)

    # identities, surveys, feedback
    async def survey(self, survey_id: int) -> SatisfactionSurvey | None:
        """The satisfaction survey with this id."""
        return await schedule.survey_by_id(self._session, survey_id=survey_id)

    async def release_waiting_surveys(self, beneficiary_id: int, now: dt.datetime) -> int:
        """A survey was answered or declined: the surveys waiting for it are due now."""
        return await surveys.release_waiting(self._session, beneficiary_id=beneficiary_id,
                                             now=now)

    async def add_feedback(self, item: Feedback, *, prefix: str, year: int) -> Feedback:
        """Store a suggestion or complaint and give it a reference."""
        return await feedback.add_feedback(self._session, feedback=item, prefix=prefix,
                                           year=year)

    async def add_volunteer(
        self, application: VolunteerApplication, *, prefix: str, year: int
    ) -> VolunteerApplication:
        """Store a volunteer application and give it a reference."""
        return await feedback.add_volunteer(self._session, application=application,
                                            prefix=prefix, year=year)

    async def add_gap(
        self, *, question: str, language: str, reason: str, entry_id: str | None
    ) -> None:
        """Log a question the FAQ could not answer well."""
        await feedback.add_gap(self._session, question=question, language=language,
                               reason=reason, entry_id=entry_id)
