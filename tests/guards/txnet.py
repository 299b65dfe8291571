"""A session-wide guard: no platform network call inside a database transaction.

Issue 13: "No network call inside a database transaction anywhere". A transaction held across
a round trip to Telegram or WhatsApp holds SQLite's writer lock (every other turn waits) or a
PostgreSQL connection idle in transaction (the pool runs dry) for as long as the platform takes.

How it tells:
- SQLAlchemy's `begin`, `commit` and `rollback` events on every `Engine` (the async engines'
  `sync_engine` included: their events fire in the greenlet of the awaiting asyncio task, which
  shares that task's context) note, in a context variable, the connections whose transaction
  this task opened, with the task that owns them.
- `aiohttp.ClientSession._request` (aiogram, the WhatsApp sender) and `httpx.AsyncClient.send`
  (python-telegram-bot, pywa) are wrapped: a call made while the *calling task* owns a
  connection that is still in a transaction is recorded with both stacks (where the transaction
  began, where the call was made). The call itself goes ahead, so product code that swallows
  errors behaves as it would; the test then fails at teardown with the stacks.

Not "inside": a transaction of another task (another turn, the dispatcher's claim), a task
spawned from inside a transaction (it inherits the context but not the ownership), the
emulators' server side (a server, not a client call) and the emulators' own clients (the
emulated platform pushing a webhook update).

Not seen: a call in a task that the transaction's task spawned and awaits (`asyncio.wait_for`
on Python 3.11, `gather`): asyncio does not say which task awaits which. The product code
wraps no send that way today (checked with grep when this guard was written).
"""

from __future__ import annotations

import asyncio
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

ROOT = str(Path(__file__).resolve().parents[2]) + "/"  # the repository
EXEMPT = (f"{ROOT}tests/emulators/",)  # clients of the emulators themselves (webhook pushes)
VENV = f"{ROOT}.venv/"


@dataclass(frozen=True)
class Violation:
    """A network call made while the same task held a database transaction."""

    call: str  # e.g. "aiohttp POST http://127.0.0.1:41234/bot123:abc/sendMessage"
    began: str  # where the transaction began (the first frames outside the libraries)
    stack: str  # where the network call was made

    def __str__(self) -> str:
        return (f"network call inside a database transaction: {self.call}\n"
                f"-- the transaction began at:\n{self.began}"
                f"-- the call was made at:\n{self.stack}")


class NetworkInsideTransaction(AssertionError):
    """A test made (through product code) a network call inside a database transaction."""


# The connections whose transaction the current task began: (owner, connection) pairs.
_open: ContextVar[tuple[tuple[object, weakref.ref[Connection]], ...]] = ContextVar(
    "ghimar_open_transactions", default=())
_began: weakref.WeakKeyDictionary[Connection, str] = weakref.WeakKeyDictionary()
_violations: list[Violation] = []


def _owner() -> object:
    """The asyncio task running now, else the thread (sync code, `asyncio.run` setup)."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    return task if task is not None else threading.get_ident()


def _ours(filename: str) -> bool:
    return filename.startswith(ROOT) and not filename.startswith(VENV) and filename != __file__


def _frames(frame: FrameType | None) -> Iterator[FrameType]:
    """`frame` and its callers, across SQLAlchemy's greenlet into the awaiting task's frames."""
    current = greenlet.getcurrent()
    while frame is not None:
        yield frame
        frame = frame.f_back
        if frame is None and current is not None:
            current = current.parent
            frame = current.gr_frame if current is not None else None


def _where(frame: FrameType, limit: int = 12) -> str:
    """The innermost `limit` frames of this repository's code, formatted."""
    frames = [(f, f.f_lineno) for f in _frames(frame) if _ours(f.f_code.co_filename)][:limit]
    return "".join(traceback.StackSummary.extract(reversed(frames)).format())


def _on_begin(conn: Connection) -> None:
    _began[conn] = _where(sys._getframe(1))
    owner = _owner()
    kept = (p for p in _open.get() if p[1]() is not None)
    _open.set((*kept, (owner, weakref.ref(conn))))


def _on_end(conn: Connection) -> None:
    _began.pop(conn, None)
    _open.set(tuple(p for p in _open.get() if p[1]() not in (conn, None)))


def held() -> list[Connection]:
    """The connections in a transaction that the running task began (and has not ended)."""
    owner, live = _owner(), []
    for who, ref in _open.get():
        conn = ref()
        if who is owner and conn is not None and conn in _began and not conn.closed \
                and conn.in_transaction():
            live.append(conn)
    return live


def _check(call: Callable[[], str]) -> None:
    conns = held()
    if not conns:
        return
    caller = next((f for f in _frames(sys._getframe(2)) if _ours(f.f_code.co_filename)), None)
    if caller is not None and caller.f_code.co_filename.startswith(EXEMPT):
        return  # an emulator's own client (the emulated platform calling the bot)
    _violations.append(Violation(call(), _began.get(conns[0], "?"), _where(sys._getframe(2))))


def _wrap_aiohttp() -> tuple[Any, str, Any]:
    import aiohttp

    original = aiohttp.ClientSession._request

    async def _request(self: Any, method: str, str_or_url: Any, *args: Any, **kw: Any) -> Any:
        _check(lambda: f"aiohttp {method} {str_or_url}")
        return await original(self, method, str_or_url, *args, **kw)

    return aiohttp.ClientSession, "_request", _request


def _wrap_httpx() -> tuple[Any, str, Any]:
    import httpx

    original = httpx.AsyncClient.send

    async def send(self: Any, request: Any, *args: Any, **kw: Any) -> Any:
        _check(lambda: f"httpx {request.method} {request.url}")
        return await original(self, request, *args, **kw)

    return httpx.AsyncClient, "send", send


@dataclass
class Guard:
    """The installed hooks; `take()` hands over (and forgets) what was recorded."""

    def take(self) -> list[Violation]:
        """The violations recorded since the last call."""
        found = list(_violations)
        _violations.clear()
        return found

    def check(self) -> None:
        """Raise NetworkInsideTransaction, with every stack, if anything was recorded."""
        found = self.take()
        if found:
            raise NetworkInsideTransaction("\n\n".join(str(v) for v in found))


def install() -> Iterator[Guard]:
    """Install the hooks for the whole session (a generator for a session fixture)."""
    listeners = [("begin", _on_begin), ("commit", _on_end), ("rollback", _on_end)]
    for name, fn in listeners:
        event.listen(Engine, name, fn)
    patches = [_wrap_aiohttp(), _wrap_httpx()]
    saved = [(owner, attr, owner.__dict__[attr]) for owner, attr, _ in patches]
    for owner, attr, fn in patches:
        setattr(owner, attr, fn)
    try:
        yield Guard()
    finally:
        for owner, attr, fn in saved:
            setattr(owner, attr, fn)
        for name, fn in listeners:
            event.remove(Engine, name, fn)
