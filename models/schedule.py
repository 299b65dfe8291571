"""Work the scheduler does later: notifications, reminders, surveys — rows, not memory."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
from models.types import UTCDateTime, utcnow


class ScheduledStatus(StrEnum):
    """State of a scheduled message."""

    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class ScheduledMessage(SQLModel, table=True):
    """A business-initiated message due at a time; `dedupe_key` stops double scheduling."""

    __table_args__ = (Index("ix_scheduled_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # decision | survey | survey_reminder | survey_expiry ...
    dedupe_key: str = Field(max_length=160, unique=True)
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id", index=True)
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id")
    survey_id: int | None = Field(default=None, foreign_key="satisfactionsurvey.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(default=ScheduledStatus.PENDING, max_length=20)
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime()))
    done_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class SatisfactionSurvey(SQLModel, table=True):
    """One satisfaction survey; reports read it without the beneficiary's identity."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id", index=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id")
    trigger: str = Field(max_length=20)  # "decision" | "delivery" | "case" (a closed escalation)
    channel: str | None = Field(default=None, max_length=20)
    service_type: str = Field(max_length=40)
    decision: str | None = Field(default=None, max_length=20)
    # scheduled | sent | answered | declined | expired
    status: str = Field(default="scheduled", max_length=20)
    rating: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(EncryptedText))
    solved: str | None = Field(default=None, max_length=10)  # yes | partly | no
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    answered_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
