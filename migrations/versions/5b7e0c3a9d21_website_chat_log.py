"""website chat: the log a visitor's browser resumes from (SSE ids)

Revision ID: 5b7e0c3a9d21
Revises: d1a7c0e5b3f2
Create Date: 2026-12-01 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '5b7e0c3a9d21'
down_revision = 'd1a7c0e5b3f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chatlogentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    op.create_index('ix_chatlog_address', 'chatlogentry', ['channel', 'address', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_chatlog_address', table_name='chatlogentry')
    op.drop_table('chatlogentry')
