"""staff desk in the browser: the storage key of a file relayed in a case (staffaction.file_key)

Revision ID: d3a1c5e7f901
Revises: c99fadc8ee91
Create Date: 2026-12-01 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'd3a1c5e7f901'
down_revision = 'c99fadc8ee91'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staffaction') as batch:
        batch.add_column(sa.Column('file_key', sqlmodel.sql.sqltypes.AutoString(length=80),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staffaction') as batch:
        batch.drop_column('file_key')
