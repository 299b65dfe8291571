"""Statement helpers the list queries share: equal-to filters given or not, a period."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import Select

S = TypeVar("S", bound=Select[Any])


def where_given(stmt: S, *pairs: tuple[Any, object]) -> S:
    """`stmt` narrowed to each (column, value) pair whose value is given (neither None nor
    empty): the column equals the value."""
    for column, value in pairs:
        if value:
            stmt = stmt.where(column == value)
    return stmt


def within(column: Any, since: dt.datetime, until: dt.datetime) -> Any:
    """The column's moment lies in [since, until)."""
    return (column >= since) & (column < until)
