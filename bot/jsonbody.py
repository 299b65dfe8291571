"""Parsing an untrusted JSON request body: bad bytes, bad JSON and deep nesting are one error."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # no webhook or API body we accept nests deeper than this


class BadBody(ValueError):
    """The body is not acceptable JSON (the caller answers 400)."""


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed value (iterative: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def parse_json_body(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed body; BadBody for invalid UTF-8 or JSON, or nesting beyond `max_depth`."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadBody(f"not JSON: {type(exc).__name__}") from None
    if depth(value) > max_depth:
        raise BadBody(f"nested deeper than {max_depth} levels")
    return value
