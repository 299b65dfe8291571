"""Server-sent events without a web framework: headers, framing, Last-Event-ID, waiting.

Both event streams (the staff console's live case feed, `web/live.py`, and the website chat,
`handlers/webchat/stream.py`) write these bytes to an aiohttp `StreamResponse` of their own, so
the core stays free of aiohttp. The format is a few lines (`event:`, `id:`, `data:`, a blank
line); aiohttp-sse would add a dependency for the framing alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
           "X-Accel-Buffering": "no", "X-Content-Type-Options": "nosniff"}
RETRY = b"retry: 2000\n\n"  # how soon a browser reconnects after a drop
HEARTBEAT = b": keep-alive\n\n"  # a comment: keeps proxies open, and finds a closed connection


def frame(data: dict[str, Any], *, event_id: int | str | None = None, name: str | None = None
          ) -> bytes:
    """One event (JSON on a single `data:` line), named and with an id when given."""
    lines = []
    if name:
        lines.append(f"event: {name}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def last_event_id(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """Where the page resumes: the Last-Event-ID header, or `?after=` for a page opened by hand."""
    return headers.get("Last-Event-ID") or query.get("after")


async def wait(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `event` (a wake-up or the server's stop); whether it is set."""
    with contextlib.suppress(TimeoutError):  # asyncio.timeout: no task per wait, as wait_for
        async with asyncio.timeout(seconds):
            await event.wait()
    return event.is_set()
