"""The console's casework on a request: internal notes, the step 2 checklist, corrections."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
from models.types import UTCDateTime, utcnow


class RequestNote(SQLModel, table=True):
    """A staff member's internal note on a request (never shown to the beneficiary)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", index=True)
    staff_key: str = Field(max_length=80)
    staff_name: str | None = Field(default=None, max_length=80)
    text: str = Field(sa_column=Column(EncryptedText, nullable=False))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class RequestCheck(SQLModel, table=True):
    """Step 2: where one answer or document of a request stands after the officer's check.

    `item` is "answer:<field>" or "document:<doc type>"; `state` is verified,
    needs_correction or missing.
    """

    __table_args__ = (UniqueConstraint("request_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", index=True)
    item: str = Field(max_length=60)
    state: str = Field(max_length=20)
    staff_key: str = Field(max_length=80)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class RequestCorrection(SQLModel, table=True):
    """One change to a recorded request: an answer corrected by the beneficiary when asked,
    or a committee decision corrected by an admin (`field` = "decision")."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", index=True)
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=Column(EncryptedText))
    new_value: str | None = Field(default=None, sa_column=Column(EncryptedText))
    actor: str = Field(max_length=80)  # "beneficiary" or console:<staff key>
    reason: str | None = Field(default=None, sa_column=Column(EncryptedText))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
