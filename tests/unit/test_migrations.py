"""The Alembic migrations and the SQLModel tables describe the same schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)


def test_models_match_the_migrated_schema(sqlite_template: Path) -> None:
    engine = create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == [], "run `python -m bot db revision -m ...` to add a migration"
