"""Progress of a key rotation, so an interrupted `python -m bot keys rotate` resumes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class KeyRotation(SQLModel, table=True):
    """The last row id re-encrypted in a table, under the key with this fingerprint."""

    table_name: str = Field(primary_key=True, max_length=40)
    key_fingerprint: str = Field(max_length=16)
    last_id: int = 0
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
