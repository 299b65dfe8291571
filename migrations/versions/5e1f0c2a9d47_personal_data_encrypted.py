"""personal data encrypted at rest: names, mobiles, transcript, outbox payloads

Revision ID: 5e1f0c2a9d47
Revises: c4145ac16b94
Create Date: 2026-12-01 01:30:00

The values themselves are encrypted by `python -m bot keys rotate` (rows written before this
revision are read as they are until then); this revision adds the keyed mobile hashes, the
rotation's progress table, and on PostgreSQL widens the columns to text (a Fernet token is
longer than a name).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '5e1f0c2a9d47'
down_revision = 'c4145ac16b94'
branch_labels = None
depends_on = None

_TO_TEXT = [
    ("beneficiary", "full_name", 120, True),
    ("beneficiary", "mobile", 20, True),
    ("channelidentity", "display_name", 120, True),
    ("supportrequest", "full_name", 120, False),
    ("supportrequest", "mobile", 20, False),
    ("declaration", "signed_name", 120, False),
    ("volunteerapplication", "full_name", 120, False),
    ("volunteerapplication", "mobile", 20, False),
]


def upgrade() -> None:
    op.create_table('keyrotation',
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('key_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('table_name')
    )
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_beneficiary_mobile'))
        batch_op.create_index(batch_op.f('ix_beneficiary_mobile_hash'), ['mobile_hash'], unique=False)
    with op.batch_alter_table('supportrequest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_supportrequest_mobile_hash'), ['mobile_hash'], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # SQLite does not enforce lengths
        for table, column, length, nullable in _TO_TEXT:
            op.alter_column(table, column, type_=sa.Text(), existing_nullable=nullable,
                            existing_type=sa.String(length))
        op.alter_column("outboxmessage", "payload", type_=sa.Text(),
                        existing_type=sa.JSON(), postgresql_using="payload::text")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("outboxmessage", "payload", type_=sa.JSON(),
                        existing_type=sa.Text(), postgresql_using="payload::json")
        for table, column, length, nullable in _TO_TEXT:
            op.alter_column(table, column, type_=sa.String(length), existing_nullable=nullable,
                            existing_type=sa.Text())
    with op.batch_alter_table('supportrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supportrequest_mobile_hash'))
        batch_op.drop_column('mobile_hash')
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beneficiary_mobile_hash'))
        batch_op.create_index(batch_op.f('ix_beneficiary_mobile'), ['mobile'], unique=False)
        batch_op.drop_column('mobile_hash')
    op.drop_table('keyrotation')
