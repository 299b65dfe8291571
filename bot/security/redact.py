"""Masking of national IDs and phone numbers in logs and transcripts."""

from __future__ import annotations

import logging
import re

_NATIONAL_ID = re.compile(
    r"(?<!\d)[12]\d{5}(\d{4})(?!\d)"  # ASCII digits
    r"|(?<![\d٠-٩])[١٢][٠-٩]{5}([٠-٩]{4})(?![\d٠-٩])"  # Arabic-Indic digits
)


def mask_national_id(value: str) -> str:
    """Keep only the last four digits: ••••••1234."""
    return "••••••" + value[-4:]


def mask_mobile(value: str) -> str:
    """Keep the country code and the last three digits."""
    return value[:4] + "•" * max(0, len(value) - 7) + value[-3:] if len(value) > 7 else "•••"


def redact(text: str) -> str:
    """Replace anything that looks like a national ID with its masked form."""
    return _NATIONAL_ID.sub(lambda m: "••••••" + (m.group(1) or m.group(2)), text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks national IDs in every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
