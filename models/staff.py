"""The staff web console: password accounts, one-time sign-in links, sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class StaffUser(SQLModel, table=True):
    """A member of staff who signs in with a password (argon2 hash), not through Telegram."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=80)
    failed_logins: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class StaffLoginLink(SQLModel, table=True):
    """A one-time sign-in link sent to a staff member's private Telegram chat (token hashed)."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_key: str = Field(max_length=80)
    role: str = Field(max_length=20)
    expires_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class StaffSession(SQLModel, table=True):
    """A signed-in browser: the cookie's token hashed, its CSRF token, when last seen."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_key: str = Field(max_length=80)
    role: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=80)
    csrf: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    last_seen: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    last_list_visit: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
