"""delivery: shared rate buckets (PostgreSQL without Redis)

Revision ID: d13e1a7b0c5d
Revises: c99fadc8ee91
Create Date: 2026-12-01 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'd13e1a7b0c5d'
down_revision = 'c99fadc8ee91'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratebucket',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('ratebucket')
