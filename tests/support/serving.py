"""The bot's HTTP server in a test: on a free port, with the console's API token if asked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from pydantic import SecretStr

from app.runtime import Runtime
from app.wiring import App


def on_free_port(app: App, *, console: bool = False) -> None:
    """Let the server take a free port; `console` also sets the API token the console needs."""
    update: dict[str, object] = {"http_port": 0}
    if console:
        update["api_token"] = SecretStr("t" * 30)
    app.settings = app.settings.model_copy(update=update)


@asynccontextmanager
async def running(app: App, channels: Sequence[str] = (), *, console: bool = False
                  ) -> AsyncIterator[Runtime]:
    """`python -m bot run` with these channels, on a free port, stopped at the end."""
    on_free_port(app, console=console)
    rt = Runtime(app, list(channels))
    await rt.start()
    yield rt
    await rt.stop()
