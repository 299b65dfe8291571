"""Prometheus `/metrics`: off unless config.yaml `metrics.enabled`.

Served either on the bot's HTTP server behind a bearer token (GHIMAR_METRICS_TOKEN), or,
with `metrics.local_port`, on a listener of its own bound to 127.0.0.1 only (a reverse proxy
in front of the bot's port then cannot expose it). A token, when set, is asked for on both.
The database gauges (outbox due, open cases) are read at each scrape.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from app.wiring import App
from bot import metrics
from bot.config import ConfigError

log = logging.getLogger(__name__)
LOCALHOST = "127.0.0.1"


def check(app: App) -> None:
    """Refuse to start with metrics enabled but neither a token nor a localhost port."""
    cfg = app.config.metrics
    if cfg.enabled and cfg.local_port is None and app.settings.metrics_token is None:
        raise ConfigError("metrics.enabled needs GHIMAR_METRICS_TOKEN (a bearer token for "
                          "/metrics on the bot's port) or metrics.local_port (127.0.0.1 only)")


def handler(app: App) -> web.Handler:
    """The /metrics handler: 403 without the right token (when one is set)."""
    token = app.settings.metrics_token
    expected = f"Bearer {token.get_secret_value()}".encode() if token is not None else None

    async def serve(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            return web.json_response({"error": "forbidden"}, status=403)
        try:
            await metrics.refresh(app.sessions, app.services.clock.now())
        except Exception as exc:  # the counters are still worth a scrape
            log.warning("metrics: database gauges not read (%s)", type(exc).__name__)
        return web.Response(body=metrics.exposition(),
                            headers={"Content-Type": metrics.CONTENT_TYPE})

    return serve


def register(web_app: web.Application, app: App) -> None:
    """/metrics on the bot's server, when enabled without a local port."""
    if app.config.metrics.enabled and app.config.metrics.local_port is None:
        web_app.router.add_get("/metrics", handler(app))


async def start_local(app: App) -> web.AppRunner | None:
    """The 127.0.0.1-only listener, when `metrics.local_port` is set; None otherwise."""
    cfg = app.config.metrics
    if not cfg.enabled or cfg.local_port is None:
        return None
    local = web.Application()
    local.router.add_get("/metrics", handler(app))
    runner = web.AppRunner(local, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, LOCALHOST, cfg.local_port).start()
    log.info("metrics on http://%s:%s/metrics", LOCALHOST, cfg.local_port)
    return runner
