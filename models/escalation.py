"""Escalations: what the bot hands to a person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
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
    summary: str | None = Field(default=None, sa_column=Column(EncryptedText))
    claimed_by: str | None = Field(default=None, max_length=40)  # staff Telegram user id
    assigned_to: str | None = Field(default=None, max_length=80, index=True)  # console referral
    topic_id: int | None = Field(default=None, index=True)  # forum topic of the case
    card_message_id: int | None = Field(default=None, index=True)  # card message (no topics)
    first_staff_reply_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reminders_sent: int = 0
    out_of_hours_notified: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class StaffAction(SQLModel, table=True):
    """The audit log: every staff command and every relayed message."""

    id: int | None = Field(default=None, primary_key=True)
    staff_user_id: str = Field(max_length=40, index=True)
    role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=30)  # claim, release, close, note, relay_out, relay_in, ...
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id")
    detail: str | None = Field(default=None, sa_column=Column(EncryptedText))
    file_key: str | None = Field(default=None, max_length=80)  # a relayed file, in storage
    allowed: bool = True
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
