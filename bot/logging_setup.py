"""Logging set-up: one format, national IDs masked in every record."""

from __future__ import annotations

import logging

from bot.security.redact import RedactingFilter


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr, masking anything that looks like a national ID."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "aiosqlite", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
