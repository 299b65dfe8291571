"""Logging set-up: one line per event, text or JSON, national IDs masked in every record.

The standard library's `logging` stays the API (every module logs through
`logging.getLogger(__name__)`); `GHIMAR_LOG_FORMAT=json` only swaps the formatter for
python-json-logger's, so each record becomes one JSON object on one line. The internal id of
the channel identity a turn is for (never a name, number or text) is added to every record
logged during that turn (`bind_identity`). APScheduler's routine lines ("Running job",
"executed successfully", every tick) are logged at DEBUG instead of INFO.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Literal

from pythonjsonlogger.json import JsonFormatter

from bot.security.redact import RedactingFilter

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("httpx", "aiosqlite", "alembic.runtime.migration")
DEMOTED = ("apscheduler",)  # INFO lines of these loggers (and their children) become DEBUG
_identity: contextvars.ContextVar[int | None] = contextvars.ContextVar("identity", default=None)


def bind_identity(identity_id: int | None) -> None:
    """Tag the records logged from now on in this task with the identity's internal id."""
    _identity.set(identity_id)


@contextlib.contextmanager
def identity_scope() -> Iterator[None]:
    """Within it, `bind_identity` holds; the previous identity (usually none) comes back after."""
    token = _identity.set(_identity.get())
    try:
        yield
    finally:
        _identity.reset(token)


class IdentityFilter(logging.Filter):
    """Adds `identity_id` (the bound one, or None) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "identity_id"):
            record.identity_id = _identity.get()
        return True


class DemoteInfo(logging.Filter):
    """A handler filter: INFO records of `DEMOTED` loggers are treated as DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and record.name.startswith(DEMOTED):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


class TextFormatter(logging.Formatter):
    """The plain format, with ` identity=N` when a turn's identity is bound, on one line
    (a message's own line breaks are escaped; a traceback follows on its own lines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record).replace("\n", "\\n")
        identity = getattr(record, "identity_id", None)
        return f"{line} identity={identity}" if identity is not None else line


def formatter(kind: LogFormat) -> logging.Formatter:
    """The formatter of GHIMAR_LOG_FORMAT: `text` or `json` (one object per line)."""
    if kind == "json":
        return JsonFormatter(["levelname", "name", "message"], timestamp="time",
                             rename_fields={"levelname": "level", "name": "logger"})
    return TextFormatter(TEXT_FORMAT)


def setup_logging(level: str = "INFO", log_format: LogFormat = "text") -> None:
    """Log to stderr in `log_format`, masking anything that looks like a national ID."""
    handler = logging.StreamHandler()
    for log_filter in (IdentityFilter(), DemoteInfo(), RedactingFilter()):
        handler.addFilter(log_filter)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
