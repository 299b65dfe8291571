"""inbound throttle: per-identity counts shared by every worker (PostgreSQL without Redis)

Revision ID: e27c4b9d1f30
Revises: d13e1a7b0c5d
Create Date: 2026-12-01 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'e27c4b9d1f30'
down_revision = 'd13e1a7b0c5d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inboundthrottle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('seen_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('inboundthrottle') as batch_op:
        batch_op.create_index(batch_op.f('ix_inboundthrottle_seen_at'), ['seen_at'])


def downgrade() -> None:
    with op.batch_alter_table('inboundthrottle') as batch_op:
        batch_op.drop_index(batch_op.f('ix_inboundthrottle_seen_at'))
    op.drop_table('inboundthrottle')
