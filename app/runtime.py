"""`python -m bot run`: the enabled channels, one HTTP server for webhooks and health, the outbox.

The server also answers /healthz and /readyz (app/health.py) and, when configured, /metrics
(app/metrics_http.py).

Each server channel has a factory in app/channels.py (CHANNELS) returning a ChannelRuntime:
`setup` registers its webhook routes and its outbox sender, `run` does its long-lived work
(long polling, for instance) until asked to stop, `close` releases its resources. Staff desks
built by a channel are handed to the scheduler; a decision recorded by a desk or the HTTP API
kicks the scheduler's due-messages job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

import web as web_console
from app import health, http_api, metrics_http
from app.channels import RuntimeLinks, channel_factory
from app.console import console_deps
from app.scheduler import SchedulerService
from app.wiring import App, build_app
from bot.config import ConfigError
from bot.settings import Settings
from handlers.base import MAX_BODY

log = logging.getLogger(__name__)


class Runtime:
    """The running bot: HTTP server, channels, dispatcher; start() and stop() for tests too."""

    def __init__(self, app: App, channels: list[str]) -> None:
        self.app = app
        self.scheduler: SchedulerService | None = None
        self.links = RuntimeLinks(on_decision=self.kick)
        self.channels = [channel_factory(name)(app, self.links) for name in channels]
        self.stop_event = asyncio.Event()
        self.web_app = web.Application(client_max_size=MAX_BODY)
        health.register(self.web_app, app, self.loops)
        self._runner: web.AppRunner | None = None
        self._metrics_runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.port: int | None = None

    def loops(self) -> dict[str, asyncio.Task[None] | None]:
        """The long-lived tasks by name (None before start): each channel, the dispatcher."""
        names = [channel.name for channel in self.channels] + ["dispatcher"]
        tasks: list[asyncio.Task[None] | None] = list(self._tasks) or [None] * len(names)
        return dict(zip(names, tasks, strict=True))

    def kick(self) -> None:
        """A decision was recorded: run the scheduler's due-messages job now (once started)."""
        if self.scheduler is not None:
            self.scheduler.kick()

    async def start(self) -> None:
        """Set up every channel, open the HTTP port, start the background loops."""
        metrics_http.check(self.app)
        for channel in self.channels:
            await channel.setup(self.web_app)
        metrics_http.register(self.web_app, self.app)
        http_api.register(self.app, self.web_app, on_recorded=self.kick)
        web_console.register(self.web_app, console_deps(self.app, on_decision=self.kick,
                                                        desks=self.links.desks))
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        settings = self.app.settings
        site = web.TCPSite(self._runner, settings.http_host, settings.http_port,
                           reuse_port=settings.reuse_port or None)
        await site.start()
        server = site._server  # to learn the port when 0 was asked for
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else settings.http_port
        log.info("HTTP on %s:%s", settings.http_host, self.port)
        self._metrics_runner = await metrics_http.start_local(self.app)
        self._tasks = [asyncio.create_task(c.run(self.stop_event)) for c in self.channels]
        self._tasks.append(asyncio.create_task(self.app.dispatcher.run(self.stop_event)))
        self.scheduler = SchedulerService(self.app, desks=self.links.desks)
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop the loops, close the channels and the HTTP server."""
        self.stop_event.set()
        self.app.dispatcher.wake()
        if self.scheduler is not None:
            await self.scheduler.shutdown()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                try:
                    await asyncio.wait_for(task, timeout=10)
                except TimeoutError:
                    task.cancel()
                except Exception:  # a loop that died must not keep the rest from closing
                    log.exception("a background loop had failed")
        for channel in self.channels:
            await channel.close()
        for runner in (self._runner, self._metrics_runner):
            if runner is not None:
                await runner.cleanup()


async def serve(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM."""
    app = await build_app(settings)
    channels = [c for c in (settings.channels or app.config.channels) if c != "terminal"]
    if not channels:
        raise ConfigError("no server channel enabled (GHIMAR_CHANNELS / config.yaml channels); "
                          "try `python -m bot chat` for the terminal")
    runtime = Runtime(app, channels)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, runtime.stop_event.set)
    try:
        await runtime.start()
        log.info("running channels: %s", ", ".join(channels))
        await runtime.stop_event.wait()
    finally:
        await runtime.stop()
        await app.close()
