"""reference counters: suggestions and complaints numbered per kind and year

Revision ID: 5e1f0c2a9b7d
Revises: 68a4c0a26a72
Create Date: 2026-12-01 01:20:00.000000
"""

from __future__ import annotations

import re

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '5e1f0c2a9b7d'
down_revision = '68a4c0a26a72'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = op.create_table(
        'referencecounter',
        sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('prefix', 'year'),
    )
    # Existing references (numbered by row id) stay valid: each sequence continues after them.
    last: dict[tuple[str, int], int] = {}
    for (reference,) in op.get_bind().execute(sa.text('SELECT reference FROM feedback')):
        match = re.fullmatch(r'([A-Z]+)-(\d{4})-(\d+)', reference or '')
        if match:
            key = (match.group(1), int(match.group(2)))
            last[key] = max(last.get(key, 0), int(match.group(3)))
    if last:
        op.bulk_insert(counters, [{'prefix': p, 'year': y, 'last': n}
                                  for (p, y), n in sorted(last.items())])


def downgrade() -> None:
    op.drop_table('referencecounter')
