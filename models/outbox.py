"""The outbox: every message the bot sends, persisted before delivery."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedJSON
from models.types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Delivery state of an outbox row."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


class OutboxMessage(SQLModel, table=True):
    """One outbound message; `dedupe_key` makes enqueueing idempotent."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=64, index=True)
    identity_id: int | None = Field(default=None, foreign_key="channelidentity.id")
    kind: str = Field(default="reply", max_length=30)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(EncryptedJSON))
    dedupe_key: str = Field(max_length=160, unique=True)
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    parts_sent: int = 0  # a message of several parts: how many went (a retry resumes after)
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    platform_message_id: str | None = Field(default=None, max_length=128, index=True)
    delivery_status: str | None = Field(default=None, max_length=20)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class RateBucket(SQLModel, table=True):
    """A shared GCRA bucket (PostgreSQL without Redis): the theoretical arrival time of the
    next send, in seconds since the epoch on the database's clock, for one key (a channel's
    global pace, its 429 pause, or one chat's pace)."""

    key: str = Field(primary_key=True, max_length=120)
    tat: float = 0.0
