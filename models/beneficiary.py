"""Beneficiaries and the channel identities they write from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
from models.types import UTCDateTime, utcnow


class Beneficiary(SQLModel, table=True):
    """A person served by the association; one person may write from several channels."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str | None = Field(default=None, sa_column=Column(EncryptedText))
    mobile: str | None = Field(default=None, sa_column=Column(EncryptedText))
    mobile_hash: str | None = Field(default=None, max_length=64, index=True)
    national_id_hash: str | None = Field(default=None, max_length=64, index=True)
    national_id_enc: str | None = None
    language: str = Field(default="ar", max_length=5)
    consent_version: str | None = Field(default=None, max_length=40)
    consent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class ChannelIdentity(SQLModel, table=True):
    """A (channel, platform user id) pair that belongs to one beneficiary."""

    __table_args__ = (UniqueConstraint("channel", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    channel: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=64)
    display_name: str | None = Field(default=None, sa_column=Column(EncryptedText))
    unreachable: bool = False
    last_inbound_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
