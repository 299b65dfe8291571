"""Who may call the chat and how often: the origin check and per-visitor and per-IP limits."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from bot.config import WebChatConfig

WINDOW_SECONDS = 60.0
_MAX_KEYS = 100_000  # counters kept in memory before the old windows are dropped


def own_origin(request: web.Request) -> str:
    """The origin the bot's own pages are served from."""
    return f"{request.scheme}://{request.host}"


class Guard:
    """The origin allow-list and fixed one-minute request windows (in this process)."""

    def __init__(self, config: WebChatConfig,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self._counts: dict[str, tuple[float, int]] = {}

    def origin_ok(self, request: web.Request, *, required: bool) -> bool:
        """True for the bot's own origin or an allowed one; a missing Origin header passes only
        when not `required` (a same-origin GET carries none; every browser POST does)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return not required
        return origin == own_origin(request) or origin in self.config.allowed_origins

    def admit(self, visitor: str | None, ip: str | None) -> bool:
        """Count one request of the visitor and of the IP address; False over either limit."""
        now = self.clock()
        if len(self._counts) > _MAX_KEYS:
            self._counts = {k: v for k, v in self._counts.items()
                            if now - v[0] < WINDOW_SECONDS}
        ok = self._count(f"ip:{ip}", self.config.ip_per_minute, now)
        if visitor is not None:
            ok = self._count(f"v:{visitor}", self.config.visitor_per_minute, now) and ok
        return ok

    def _count(self, key: str, limit: int, now: float) -> bool:
        start, count = self._counts.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, count = now, 0
        self._counts[key] = (start, count + 1)
        return count < limit
