"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 17:24:58.976801
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking_backend.timezone import UtcDateTime


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# One live (held or booked) appointment per slot: the no-double-booking guarantee.
LIVE = "status IN ('held', 'booked')"

# Bookable services, coded to match the triage dispositions that route to them.
SERVICES = [
    ("gp_routine", "GP appointment", "A routine appointment with a GP for a problem that can wait a few days."),
    ("gp_urgent_same_day", "Urgent GP appointment", "A same-day appointment with a GP for a problem that cannot wait."),
    ("practice_nurse", "Practice nurse", "Dressings, injections, smear tests, blood pressure and long-term condition reviews."),
    ("pharmacist", "Pharmacist", "Advice and treatment for common conditions, and medicines reviews."),
    ("physiotherapist", "Physiotherapist", "Joint, muscle and back problems."),
    ("mental_health", "Mental health practitioner", "Low mood, anxiety, stress and other mental health support."),
    ("dental", "Dentist", "Toothache, dental infections and other problems with teeth or gums."),
]

# The audit log is append-only: the database itself refuses to change or remove an event.
AUDIT_GUARDS = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
    ],
}
AUDIT_GUARDS_DROP = {
    "sqlite": ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_events_no_truncate ON audit_events",
        "DROP TRIGGER audit_events_no_change ON audit_events",
        "DROP FUNCTION audit_events_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.SmallInteger(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_records'))
    )
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_records_created_at'), ['created_at'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ods_code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('ods_code', name=op.f('uq_organisations_ods_code'))
    )
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=128), nullable=False),
    sa.Column('episode_quota', sa.Integer(), nullable=True),
    sa.Column('episode_started_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('ref', name=op.f('uq_patients_ref'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Enum('gp_routine', 'gp_urgent_same_day', 'practice_nurse', 'pharmacist', 'physiotherapist', 'mental_health', 'dental', name='servicecode', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('code', name=op.f('uq_services_code'))
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_locations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations'))
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('practitioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('gp', 'nurse', 'pharmacist', 'physiotherapist', 'mental_health_practitioner', 'dentist', name='practitionerrole', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('photo_url', sa.String(length=500), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_practitioners_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioners'))
    )
    with op.batch_alter_table('practitioners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practitioners_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practitioners_role'), ['role'], unique=False)

    op.create_table('waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('preferences', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_waitlist_entries_patient_id_patients')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_waitlist_entries_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries'))
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_waitlist_service_status', ['service_id', 'status', 'created_at'], unique=False)

    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=30), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.SmallInteger(), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'phone', 'video', name='deliverychannel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('bookable_online', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_sessions_location_id_locations')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_sessions_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_sessions_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessions_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('session_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_exceptions_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_exceptions'))
    )
    with op.batch_alter_table('session_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_exceptions_session_id'), ['session_id'], unique=False)

    op.create_table('slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'phone', 'video', name='deliverychannel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('start', UtcDateTime(timezone=True), nullable=False),
    sa.Column('end', UtcDateTime(timezone=True), nullable=False),
    sa.Column('local_weekday', sa.SmallInteger(), nullable=False),
    sa.Column('local_minute', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('bookable_online', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_slots_location_id_locations')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_slots_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_slots_service_id_services')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_slots_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slots')),
    sa.UniqueConstraint('session_id', 'start', name='uq_slots_session_start')
    )
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.create_index('ix_slots_practitioner_start', ['practitioner_id', 'start'], unique=False)
        batch_op.create_index('ix_slots_service_start', ['service_id', 'start'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('held', 'booked', 'cancelled', 'fulfilled', 'noshow', 'expired', name='appointmentstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('dependant_label', sa.String(length=40), nullable=True),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('booked_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_appointments_patient_id_patients')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['appointments.id'], name=op.f('fk_appointments_replaced_by_id_appointments')),
    sa.ForeignKeyConstraint(['slot_id'], ['slots.id'], name=op.f('fk_appointments_slot_id_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_patient_status', ['patient_id', 'status'], unique=False)
        batch_op.create_index('uq_appointments_live_slot', ['slot_id'], unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))

    services = sa.table("services", sa.column("code"), sa.column("name"), sa.column("description"))
    op.bulk_insert(services, [{"code": c, "name": n, "description": d} for c, n, d in SERVICES])
    for statement in AUDIT_GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in AUDIT_GUARDS_DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('uq_appointments_live_slot', sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
        batch_op.drop_index('ix_appointments_patient_status')

    op.drop_table('appointments')
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.drop_index('ix_slots_service_start')
        batch_op.drop_index('ix_slots_practitioner_start')

    op.drop_table('slots')
    with op.batch_alter_table('session_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_exceptions_session_id'))

    op.drop_table('session_exceptions')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessions_practitioner_id'))

    op.drop_table('sessions')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_service_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_patient_id'))

    op.drop_table('waitlist_entries')
    with op.batch_alter_table('practitioners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practitioners_role'))
        batch_op.drop_index(batch_op.f('ix_practitioners_organisation_id'))

    op.drop_table('practitioners')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_organisation_id'))

    op.drop_table('locations')
    op.drop_table('services')
    op.drop_table('patients')
    op.drop_table('organisations')
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_records_created_at'))

    op.drop_table('idempotency_records')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))

    op.drop_table('audit_events')
