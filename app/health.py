"""`/healthz` (liveness) and `/readyz` (readiness) on the bot's HTTP server, JSON bodies.

Liveness only says the process answers: a database outage must not make an orchestrator
restart a bot that will recover by itself. Readiness says whether the bot can do its work
now: the database answers, every channel loop and the outbox dispatcher run, and the oldest
due outbox message has waited less than `health.outbox_stuck_seconds`. 503 when not ready.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from app.wiring import App
from bot.repo import health

log = logging.getLogger(__name__)
DB_TIMEOUT = 3.0  # seconds the database may take to answer a readiness probe
Loops = Callable[[], Mapping[str, "asyncio.Task[Any] | None"]]  # name -> task (None: not yet)


def register(web_app: web.Application, app: App, loops: Loops) -> None:
    """Add /healthz and /readyz; `loops` tells the runtime's long-lived tasks."""
    started = time.monotonic()

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok",
                                  "uptime_seconds": round(time.monotonic() - started, 1)})

    async def readyz(request: web.Request) -> web.Response:
        checks = {"database": await _database(app), "loops": _loops(loops())}
        checks["outbox"] = await _outbox(app) if checks["database"]["ok"] else {
            "ok": False, "error": "database unreachable"}
        ready = all(check["ok"] for check in checks.values())
        return web.json_response({"ready": ready, "checks": checks},
                                 status=200 if ready else 503)

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)


async def _database(app: App) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with app.sessions() as session:
            await asyncio.wait_for(health.ping(session), timeout=DB_TIMEOUT)
    except Exception as exc:  # any failure means not ready; the reason is in the body
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "seconds": round(time.perf_counter() - started, 4)}


def _loops(tasks: Mapping[str, asyncio.Task[Any] | None]) -> dict[str, Any]:
    """Each loop: running, done (a channel with nothing long-lived), failed or not started."""
    states: dict[str, Any] = {name: _state(task) for name, task in tasks.items()}
    ok = bool(tasks) and all(state in ("running", "done") for state in states.values())
    return {"ok": ok, **states}


def _state(task: asyncio.Task[Any] | None) -> str:
    if task is None:
        return "not started"
    if not task.done():
        return "running"
    if task.cancelled():
        return "cancelled"
    exc = task.exception()
    return f"failed: {type(exc).__name__}" if exc is not None else "done"


async def _outbox(app: App) -> dict[str, Any]:
    """Due messages of the channels this process delivers, and the oldest one's wait."""
    now = app.services.clock.now()
    limit = app.config.health.outbox_stuck_seconds
    try:
        async with app.sessions() as session:
            due = await health.outbox_due(session, now=now)
    except Exception as exc:  # e.g. the schema is not there
        log.warning("readiness: outbox not read (%s)", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    served = [stats for channel, stats in due.items() if channel in app.dispatcher.senders]
    oldest = max((stats.age_seconds(now) for stats in served), default=0.0)
    return {"ok": oldest < limit, "due": sum(stats.count for stats in served),
            "oldest_due_seconds": round(oldest, 1), "threshold_seconds": limit}
