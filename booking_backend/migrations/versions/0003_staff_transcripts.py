"""staff transcripts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 05:39:25

Conversations read from Rasa's tracker store for staff review (booking_backend/transcripts/), their
messages with personal data already redacted, and how far the store has been read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking_backend.timezone import UtcDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transcript_conversations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sender_key', sa.String(length=255), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('started_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_event_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('disposition', sa.String(length=40), nullable=True),
    sa.Column('fired_rules', sa.JSON(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=True),
    sa.Column('red_flag', sa.Boolean(), nullable=False),
    sa.Column('booking_made', sa.Boolean(), nullable=False),
    sa.Column('message_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_conversations')),
    sa.UniqueConstraint('sender_key', name=op.f('uq_transcript_conversations_sender_key'))
    )
    with op.batch_alter_table('transcript_conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcript_conversations_booking_made'), ['booking_made'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_conversations_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_conversations_disposition'), ['disposition'], unique=False)
        batch_op.create_index('ix_transcript_conversations_last_event_at_id', ['last_event_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_conversations_red_flag'), ['red_flag'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_conversations_rules_version'), ['rules_version'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_conversations_started_at'), ['started_at'], unique=False)

    op.create_table('transcript_cursor',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('last_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_transcript_cursor'))
    )
    op.create_table('transcript_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('conversation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sent_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('speaker', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intent', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['transcript_conversations.id'], name=op.f('fk_transcript_messages_conversation_id_transcript_conversations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_messages')),
    sa.UniqueConstraint('source_event_id', name=op.f('uq_transcript_messages_source_event_id'))
    )
    with op.batch_alter_table('transcript_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcript_messages_conversation_id'), ['conversation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('transcript_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transcript_messages_conversation_id'))

    op.drop_table('transcript_messages')
    op.drop_table('transcript_cursor')
    with op.batch_alter_table('transcript_conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_started_at'))
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_rules_version'))
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_red_flag'))
        batch_op.drop_index('ix_transcript_conversations_last_event_at_id')
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_disposition'))
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_channel'))
        batch_op.drop_index(batch_op.f('ix_transcript_conversations_booking_made'))

    op.drop_table('transcript_conversations')
