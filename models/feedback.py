"""Volunteer applications, suggestions and complaints, and FAQ knowledge gaps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
from models.types import UTCDateTime, utcnow

VOLUNTEER_STATUSES = ("new", "contacted", "accepted", "declined")
FEEDBACK_STATUSES = ("new", "in_progress", "closed")


class VolunteerApplication(SQLModel, table=True):
    """A sign-up for the association's volunteering service."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=20, unique=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    full_name: str = Field(sa_column=Column(EncryptedText, nullable=False))
    mobile: str = Field(sa_column=Column(EncryptedText, nullable=False))
    city: str = Field(max_length=40)
    skills: str = Field(sa_column=Column(Text))
    availability: str = Field(max_length=40)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    status: str = Field(default="new", max_length=20, index=True)  # see VOLUNTEER_STATUSES
    assigned_to: str | None = Field(default=None, max_length=80)  # staff key (tg:ID, pw:name)
    notes: str | None = Field(default=None, sa_column=Column(EncryptedText))  # staff only
    updated_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Feedback(SQLModel, table=True):
    """A suggestion or a complaint."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=20, unique=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    kind: str = Field(max_length=20)  # "suggestion" | "complaint"
    text: str = Field(sa_column=Column(EncryptedText))
    attachment_key: str | None = Field(default=None, max_length=80)
    channel: str = Field(max_length=20)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    status: str = Field(default="new", max_length=20, index=True)  # see FEEDBACK_STATUSES
    assigned_to: str | None = Field(default=None, max_length=80)
    notes: str | None = Field(default=None, sa_column=Column(EncryptedText))  # staff only
    replied_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class KnowledgeGap(SQLModel, table=True):
    """A question the FAQ could not answer, whose answer was marked unhelpful, or that was
    answered only after a "did you mean" button was picked."""

    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(sa_column=Column(Text))
    language: str = Field(max_length=5)
    reason: str = Field(max_length=20)  # "unknown" | "unhelpful" | "picked"
    entry_id: str | None = Field(default=None, max_length=60)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class ReferenceCounter(SQLModel, table=True):
    """The last number given per reference prefix and year, e.g. (SG, 2026) -> 41.

    Suggestions and complaints share one table but each kind has its own numbering.
    """

    prefix: str = Field(primary_key=True, max_length=5)
    year: int = Field(primary_key=True)
    last: int = 0
