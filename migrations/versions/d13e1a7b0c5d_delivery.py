"""delivery: shared rate buckets (PostgreSQL without Redis), the inbound inbox, multi-part progress

Revision ID: d13e1a7b0c5d
Revises: 5b7e0c3a9d21
Create Date: 2026-12-01 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.encrypted
import models.types

revision = 'd13e1a7b0c5d'
down_revision = '5b7e0c3a9d21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratebucket',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('inboundreceipt') as batch_op:
        batch_op.add_column(sa.Column('payload', models.encrypted.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('handled_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('claimed_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_inbound_unhandled', ['handled_at', 'claimed_at'])
    with op.batch_alter_table('outboxmessage') as batch_op:
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False,
                                      server_default='0'))
    # every receipt so far was written by the turn that handled it
    op.execute("UPDATE inboundreceipt SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage') as batch_op:
        batch_op.drop_column('parts_sent')
    with op.batch_alter_table('inboundreceipt') as batch_op:
        batch_op.drop_index('ix_inbound_unhandled')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('handled_at')
        batch_op.drop_column('payload')
    op.drop_table('ratebucket')
