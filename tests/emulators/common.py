"""Shared pieces of the platform emulators: recorded calls, clocks, waiting, fixture paths."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


@dataclass
class UploadedFile:
    """A file part received in a multipart body."""

    field: str
    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclass
class RecordedCall:
    """One API call seen by an emulator, with the answer it got."""

    method: str
    params: dict[str, Any]
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @property
    def ok(self) -> bool:
        """True when the emulator answered with a 2xx status."""
        return 200 <= self.status < 300

    @property
    def result(self) -> Any:
        """The `result` of a Telegram answer (None for errors)."""
        return self.response.get("result")

    @property
    def error_code(self) -> int | None:
        """Error code of a failed answer (Telegram error_code or Graph error.code)."""
        if "error_code" in self.response:
            return int(self.response["error_code"])
        err = self.response.get("error")
        return int(err["code"]) if isinstance(err, dict) and "code" in err else None

    @property
    def chat_id(self) -> Any:
        """The chat_id parameter, if any."""
        return self.params.get("chat_id")


class FakeClock:
    """Manually advanced clock, usable wherever an emulator takes a `now`/`clock` callable."""

    def __init__(self, start: float | None = None) -> None:
        """Start at `start` (default: the current unix time)."""
        self.value = time.time() if start is None else float(start)

    def __call__(self) -> float:
        """Current fake time in seconds."""
        return self.value

    def advance(self, seconds: float) -> float:
        """Move the clock forward and return the new time."""
        self.value += seconds
        return self.value

    def set(self, value: float) -> None:
        """Jump to an absolute time."""
        self.value = float(value)


class CallLog:
    """List of recorded calls with an async wait helper."""

    def __init__(self) -> None:
        """Create an empty log."""
        self.calls: list[RecordedCall] = []
        self._changed = asyncio.Event()

    def add(self, call: RecordedCall) -> None:
        """Append a call and wake waiters."""
        self.calls.append(call)
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[RecordedCall], bool], timeout: float = 5.0, since: int = 0
    ) -> RecordedCall:
        """Return the first call (index >= since) matching predicate, waiting up to timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.calls):
                if predicate(self.calls[index]):
                    return self.calls[index]
                index += 1
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{c.method}->{c.status}" for c in self.calls[-10:])
                raise TimeoutError(f"no matching call within {timeout}s; last calls: {recent}")
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


def fixtures_dir() -> Path:
    """Locate the shared fixtures folder (env GHIMAR_FIXTURES_DIR, repo sibling, /work/shared)."""
    env = os.environ.get("GHIMAR_FIXTURES_DIR")
    candidates = [Path(env)] if env else []
    repo = Path(__file__).resolve().parents[2]
    candidates += [repo.parent / "shared" / "fixtures", Path("/work/shared/fixtures")]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def random_id(prefix: str = "", nbytes: int = 12) -> str:
    """Unique url-safe identifier with an optional prefix."""
    return prefix + base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


class ServerMixin:
    """aiohttp AppRunner lifecycle shared by the emulators."""

    host: str
    port: int
    _runner: web.AppRunner | None = None

    def build_app(self) -> web.Application:
        """Return the aiohttp application (implemented by subclasses)."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start listening on host:port (port 0 picks a free one)."""
        if self._runner is not None:
            return
        self._runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop the server and release the port."""
        if self._runner is not None:
            await self.before_stop()
            await self._runner.cleanup()
            self._runner = None

    async def before_stop(self) -> None:
        """Hook run before the runner is cleaned up."""

    @property
    def base_url(self) -> str:
        """Root URL of the emulator, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Any:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop on exit."""
        await self.stop()
