"""Data-subject rights requests (Saudi PDPL, Art. 4): each one recorded with its deadline."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class RightsKind(StrEnum):
    """Which right a person exercised."""

    ACCESS = "access"
    COPY = "copy"
    CORRECTION = "correction"
    DELETION = "deletion"
    WITHDRAWAL = "withdrawal"


class RightsRequest(SQLModel, table=True):
    """One rights request: who, which right, when it is due (+30 days), and its state."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    identity_id: int = Field(foreign_key="channelidentity.id")
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    status: str = Field(default="open", max_length=20, index=True)  # open | done
    note: str | None = Field(default=None, sa_column=Column(Text))  # what was done (no PII)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime()))
    reminded_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
