"""Proof that a channel identity belongs to a request's owner: one-time codes and links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class LinkCode(SQLModel, table=True):
    """A one-time code asked for by an identity to join the owner of a request.

    The code goes to an identity the owner already uses; only its keyed hash is kept. A row is
    written for every ask, even for an unknown reference (request_id None, nothing sent), so
    the limits per identity count every try and the asker cannot tell the cases apart."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id", index=True)
    identity_id: int = Field(foreign_key="channelidentity.id", index=True)  # who asked
    sent_to_id: int | None = Field(default=None, foreign_key="channelidentity.id")
    code_hash: str = Field(max_length=64)
    attempts: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    expires_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class IdentityLink(SQLModel, table=True):
    """A channel identity that joined a beneficiary with proof (a code or a staff member).

    Only identities that submitted a request, or hold an active link, receive a request's
    notices. `previous_beneficiary_id` is where the identity goes back when the link is undone."""

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="channelidentity.id", index=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    previous_beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id")
    request_id: int | None = Field(default=None, foreign_key="supportrequest.id")
    method: str = Field(max_length=10)  # code | staff
    actor: str = Field(max_length=60)  # identity:<id> that got the code, or staff:<user id>
    linked_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    unlinked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    unlinked_by: str | None = Field(default=None, max_length=60)
