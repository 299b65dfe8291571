"""Human references such as GH-2026-000123: PREFIX-YEAR-NNNNNN, built and read in one place."""

from __future__ import annotations

import re

from bot.text import clean

_TYPED = re.compile(r"^([A-Z]{1,5})[-\s]?(\d{4})[-\s]?(\d{1,6})$", re.ASCII)


def format_reference(prefix: str, year: int, number: int) -> str:
    """The reference of record `number` made in `year`, e.g. GH-2026-000123."""
    return f"{prefix}-{year}-{number:06d}"


def parse_reference(text: str) -> str | None:
    """A typed reference in its stored form (any case, spaces, Arabic-Indic digits), or None."""
    match = _TYPED.match(clean(text).upper())
    if not match:
        return None
    prefix, year, number = match.groups()
    return format_reference(prefix, int(year), int(number))
