"""slot search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 17:40:00

Slot search stays fast at a million slots:
- "any Tuesday evening" walks (service, weekday, minute of day, start) instead of every slot of
  the service, which matters most when few or no slots match;
- "near" reads each nearby location's slots of the service in time order.
On PostgreSQL, statistics over (service, weekday, minute) tell the planner which of those
combinations exist, so that it picks the walk above for rare ones and the (service, start) order
for common ones.
"""

from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.create_index('ix_slots_service_weekday_minute_start',
                              ['service_id', 'local_weekday', 'local_minute', 'start'], unique=False)
        batch_op.create_index('ix_slots_location_service_start', ['location_id', 'service_id', 'start'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS st_slots_service_weekday_minute (mcv, dependencies) "
                   "ON service_id, local_weekday, local_minute FROM slots")
        # Enough MCV entries for every (service, weekday, minute) a year of sessions produces.
        op.execute("ALTER STATISTICS st_slots_service_weekday_minute SET STATISTICS 1000")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS st_slots_service_weekday_minute")
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.drop_index('ix_slots_location_service_start')
        batch_op.drop_index('ix_slots_service_weekday_minute_start')
