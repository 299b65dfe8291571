"""Conversation state, inbound de-duplication and the redacted transcript."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedJSON, EncryptedText
from models.types import UTCDateTime, utcnow


class Conversation(SQLModel, table=True):
    """Where a channel identity stands in its flow; the answers are encrypted at rest."""

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="channelidentity.id", unique=True)
    flow: str | None = Field(default=None, max_length=40)
    step: str | None = Field(default=None, max_length=40)
    data_enc: str | None = Field(default=None, sa_column=Column(Text))
    language: str = Field(default="ar", max_length=5)
    failures: int = 0
    human_hold: bool = False
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class InboundReceipt(SQLModel, table=True):
    """One row per platform message id: a second delivery is ignored.

    It is also the inbound inbox: a webhook stores the raw update here (`payload`, encrypted)
    and commits before answering 200; the turn that handles it sets `handled_at` and clears
    the payload. A row without `handled_at` is work still to do (`claimed_at`: when a worker
    last took it, so another takes it over only once that lease ran out).
    """

    __table_args__ = (UniqueConstraint("channel", "message_id"),
                      Index("ix_inbound_unhandled", "handled_at", "claimed_at"))

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    message_id: str = Field(max_length=128)
    received_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    payload: Any = Field(default=None, sa_column=Column(EncryptedJSON, nullable=True))
    handled_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claimed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class TranscriptLine(SQLModel, table=True):
    """A line of conversation kept for staff context: redacted, and encrypted at rest."""

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="channelidentity.id", index=True)
    direction: str = Field(max_length=3)  # "in" | "out"
    text: str = Field(sa_column=Column(EncryptedText))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
