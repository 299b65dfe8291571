"""`python -m bot run`: start the enabled channels and the outbox dispatcher."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.app import App, build_app
from bot.config import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)
ChannelStarter = Callable[[App, asyncio.Event], Awaitable[None]]

# Channel name -> "module:function" that starts it; each channel issue adds its own.
CHANNEL_STARTERS: dict[str, str] = {}


def _starter(name: str) -> ChannelStarter:
    target = CHANNEL_STARTERS.get(name)
    if target is None:
        raise ConfigError(f"channel {name!r} cannot be started by `run` (available: "
                          f"{', '.join(sorted(CHANNEL_STARTERS)) or 'none yet'}); "
                          "the terminal channel runs with `python -m bot chat`")
    module, func = target.split(":")
    return getattr(__import__(module, fromlist=[func]), func)  # type: ignore[no-any-return]


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM."""
    app = await build_app(settings)
    channels = [c for c in (settings.channels or app.config.channels) if c != "terminal"]
    if not channels:
        raise ConfigError("no server channel enabled (GHIMAR_CHANNELS / config.yaml channels); "
                          "try `python -m bot chat` for the terminal")
    starters = [_starter(name) for name in channels]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        tasks = [asyncio.create_task(start(app, stop)) for start in starters]
        tasks.append(asyncio.create_task(app.dispatcher.run(stop)))
        log.info("running channels: %s", ", ".join(channels))
        await asyncio.gather(*tasks)
    finally:
        await app.close()
