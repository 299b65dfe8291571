"""The inbound throttle's counts shared by every worker (PostgreSQL without Redis)."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class InboundThrottle(SQLModel, table=True):
    """One identity's recent inbound messages (`bot/engine/throttle.py`'s ThrottleState as
    JSON) under a key of channel and internal identity id; `seen_at`, in seconds since the
    epoch, lets quiet rows be deleted."""

    key: str = Field(primary_key=True, max_length=120)
    state: str = Field(default="", sa_column=Column(Text, nullable=False))
    seen_at: float = Field(default=0.0, index=True)
