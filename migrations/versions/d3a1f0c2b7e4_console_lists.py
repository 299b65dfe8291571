"""console lists: status, assignee and notes of volunteer applications and feedback

Revision ID: d3a1f0c2b7e4
Revises: d3a1c5e7f901
Create Date: 2026-12-01 04:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = 'd3a1f0c2b7e4'
down_revision = 'd3a1c5e7f901'
branch_labels = None
depends_on = None

_STRING = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('volunteerapplication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', _STRING(length=20), nullable=False,
                                      server_default='new'))
        batch_op.add_column(sa.Column('assigned_to', _STRING(length=80), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_volunteerapplication_status'), ['status'],
                              unique=False)
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', _STRING(length=20), nullable=False,
                                      server_default='new'))
        batch_op.add_column(sa.Column('assigned_to', _STRING(length=80), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('replied_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('closed_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_status'))
        for column in ('closed_at', 'replied_at', 'notes', 'assigned_to', 'status'):
            batch_op.drop_column(column)
    with op.batch_alter_table('volunteerapplication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteerapplication_status'))
        for column in ('updated_at', 'notes', 'assigned_to', 'status'):
            batch_op.drop_column(column)
