"""The conversation log of a channel that the person pulls from (the website chat)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedJSON
from models.types import UTCDateTime, utcnow


class ChatLogEntry(SQLModel, table=True):
    """One message shown in a pulled conversation, in the order it became visible.

    Rows of one address are appended one at a time (a per-address lock on PostgreSQL), so
    `id` grows in commit order for that address: a reader resuming after an id misses nothing.
    `dedupe_key` (`out:<outbox id>`, `in:<message id>`) makes a re-delivery append nothing.
    """

    __table_args__ = (Index("ix_chatlog_address", "channel", "address", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    address: str = Field(max_length=64)
    direction: str = Field(max_length=3)  # "in" from the person, "out" from the bot
    dedupe_key: str = Field(max_length=160, unique=True)
    outbox_id: int | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(EncryptedJSON))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
