"""patient practice

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 14:40:00

The GP practice a patient belongs to (`patients.practice_id`, an organisation), remembered against
their pseudonym. Nullable: every existing patient simply has none yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_patients_practice_id'), ['practice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_patients_practice_id_organisations'), 'organisations',
                                    ['practice_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_patients_practice_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_patients_practice_id'))
        batch_op.drop_column('practice_id')
