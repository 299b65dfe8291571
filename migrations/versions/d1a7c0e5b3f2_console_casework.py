"""console casework: request notes, the step 2 checklist, corrections, case referral

Revision ID: d1a7c0e5b3f2
Revises: d3a1f0c2b7e4
Create Date: 2026-12-01 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = 'd1a7c0e5b3f2'
down_revision = 'd3a1f0c2b7e4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('requestnote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('staff_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('staff_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['supportrequest.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requestnote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestnote_request_id'), ['request_id'], unique=False)
    op.create_table('requestcheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('staff_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['supportrequest.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'item')
    )
    with op.batch_alter_table('requestcheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestcheck_request_id'), ['request_id'], unique=False)
    op.create_table('requestcorrection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['supportrequest.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requestcorrection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestcorrection_request_id'), ['request_id'], unique=False)
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_escalation_assigned_to'), ['assigned_to'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_assigned_to'))
        batch_op.drop_column('assigned_to')
    for table in ('requestcorrection', 'requestcheck', 'requestnote'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_request_id'))
        op.drop_table(table)
