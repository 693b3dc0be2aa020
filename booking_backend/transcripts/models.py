"""What staff will review: conversations read from Rasa's tracker store, redacted before they are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking_backend.database import Base
from booking_backend.timezone import UtcDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")


class Conversation(Base):
    """One Rasa conversation (one sender), with what triage decided and whether it ended in a booking."""

    __tablename__ = "transcript_conversations"
    __table_args__ = (Index("ix_transcript_conversations_last_event_at_id", "last_event_at", "id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    # Rasa's sender id: the channels' keyed pseudonym (channels/pseudonym.py), never a phone number or chat id.
    sender_key: Mapped[str] = mapped_column(String(255), unique=True)
    channel: Mapped[str | None] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_event_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disposition: Mapped[str | None] = mapped_column(String(40), index=True)
    fired_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str | None] = mapped_column(String(40), index=True)
    red_flag: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    booking_made: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)


class TranscriptMessage(Base):
    """One message of a conversation, as the patient or the assistant sent it, with personal data redacted."""

    __tablename__ = "transcript_messages"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("transcript_conversations.id"), index=True)
    # The tracker store's event id: reading an event twice never stores it twice.
    source_event_id: Mapped[int] = mapped_column(_ID, unique=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    speaker: Mapped[str] = mapped_column(String(10))  # "patient" or "assistant"
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(100))


class TranscriptCursor(Base):
    """How far the tracker store has been read (its highest event id seen)."""

    __tablename__ = "transcript_cursor"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(_ID, default=0)
