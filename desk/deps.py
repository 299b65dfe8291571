"""What the staff desk uses of the core, handed to it by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import AppConfig
from bot.engine.context import Services
from bot.messages import Outbound
from models import ChannelIdentity


class Push(Protocol):
    """Queue business-initiated messages to a beneficiary in the caller's transaction."""

    async def __call__(self, session: AsyncSession, *, identity: ChannelIdentity,
                       messages: list[Outbound], dedupe_key: str) -> None:
        """The engine's `push`."""


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class DeskDeps:
    """The desk's collaborators: the database, services, the engine's push, the outbox's wake."""

    sessions: async_sessionmaker[AsyncSession]
    config: AppConfig
    services: Services
    push: Push
    wake: Callable[[], None]  # the dispatcher: new rows are in the outbox
    on_decision: Callable[[], None] = _nothing  # a committee decision was recorded
