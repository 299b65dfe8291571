"""What every server channel offers the runtime, and the limits shared by their webhooks."""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiohttp import web

MAX_BODY = 2 * 1024 * 1024  # webhooks larger than this are refused with 413


class ChannelRuntime(Protocol):
    """A server channel's life cycle inside `python -m bot run`."""

    name: str

    async def setup(self, web_app: web.Application) -> None:
        """Register routes and the outbox sender."""

    async def run(self, stop: asyncio.Event) -> None:
        """Long-lived work until `stop` is set (return at once if there is none)."""

    async def close(self) -> None:
        """Release sessions and connections."""
