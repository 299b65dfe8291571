"""Escalations: what the bot hands to a person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Escalation(SQLModel, table=True):
    """A case for staff: why, for which role, and its state."""

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    identity_id: int = Field(foreign_key="channelidentity.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id")
    reason: str = Field(max_length=40)
    role: str = Field(max_length=20)
    status: str = Field(default="open", max_length=20, index=True)
    summary: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
