"""Read Rasa's SQL tracker store into the staff transcripts, redacting personal data on the way in.

Why the tracker store and not Rasa's SQL event broker: the tracker store already holds every event
of every conversation (completed, abandoned, ended by an emergency, on every channel, including the
events after the last action), in its `events` table with increasing ids. Reading it costs the bot
nothing per message; the broker would publish each event synchronously, a second database write on
the bot's hot path, into a table of the same name that needs a database of its own. What staff see
is still Rasa's own record, not copies the actions make by hand.

Ids from a PostgreSQL sequence can commit out of order when Rasa runs several replicas, so each
read starts `OVERLAP` ids before the cursor; a message is stored once (its event id is unique) and
slot and action events set the same values again, so reading an event twice changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.orm import Session

from booking_backend.transcripts.models import Conversation, TranscriptCursor, TranscriptMessage
from booking_backend.transcripts.redaction import redact

logger = logging.getLogger(__name__)

SOURCE = "rasa_tracker_store"
OVERLAP = 500
BATCH = 2000
EMERGENCY_DISPOSITIONS = frozenset({"emergency_999", "a_and_e"})

# Rasa 3.6's SQLTrackerStore.SQLEvent, as much of it as is read here.
_rasa = MetaData()
RASA_EVENTS = Table(
    "events", _rasa,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class IngestResult:
    """What one read did: new events read, messages stored, conversations touched, the cursor after it."""

    events: int
    messages: int
    conversations: int
    cursor: int


def _time(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0.0), tz=UTC)


def _bot_text(event: Mapping[str, Any]) -> str:
    """What the assistant sent: its text, then the buttons it offered."""
    text = str(event.get("text") or "")
    buttons = (event.get("data") or {}).get("buttons") or []
    titles = [str(b.get("title")) for b in buttons if isinstance(b, Mapping) and b.get("title")]
    return "\n".join(part for part in (text, " | ".join(f"[{t}]" for t in titles)) if part)


class _Batch:
    """The conversations of one read, loaded once and updated event by event."""

    def __init__(self, session: Session, sender_keys: set[str]) -> None:
        self.session = session
        found = session.scalars(select(Conversation).where(Conversation.sender_key.in_(sender_keys))).all()
        self.conversations = {c.sender_key: c for c in found}
        self.touched: set[str] = set()

    def conversation(self, sender_key: str, at: datetime) -> Conversation:
        conversation = self.conversations.get(sender_key)
        if conversation is None:
            conversation = Conversation(sender_key=sender_key, started_at=at, last_event_at=at, fired_rules=[],
                                        red_flag=False, booking_made=False, message_count=0)
            self.session.add(conversation)
            self.conversations[sender_key] = conversation
        conversation.last_event_at = max(conversation.last_event_at, at)
        self.touched.add(sender_key)
        return conversation


def _apply(conversation: Conversation, event: Mapping[str, Any]) -> None:
    """What a slot or action event says about the conversation's triage and booking."""
    kind = event.get("event")
    if kind == "user" and event.get("input_channel"):
        conversation.channel = str(event["input_channel"])[:40]
    elif kind == "action" and event.get("name") == "action_emergency":
        conversation.red_flag = True
    elif kind == "slot":
        name, value = event.get("name"), event.get("value")
        if name == "triage_disposition" and value:
            conversation.disposition = str(value)
            conversation.red_flag = conversation.red_flag or value in EMERGENCY_DISPOSITIONS
        elif name == "triage_rules" and isinstance(value, list):
            conversation.fired_rules = [str(rule) for rule in value]
        elif name == "triage_rules_version" and value:
            conversation.rules_version = str(value)
        elif name == "booking_outcome" and value == "booked":
            conversation.booking_made = True


def _message(event: Mapping[str, Any], event_id: int, conversation: Conversation) -> TranscriptMessage | None:
    kind = event.get("event")
    if kind == "user":
        text = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        speaker = "patient"
    elif kind == "bot":
        text, intent, speaker = _bot_text(event), None, "assistant"
    else:
        return None
    if not text:
        return None
    return TranscriptMessage(conversation_id=conversation.id, source_event_id=event_id, sent_at=_time(event),
                             speaker=speaker, text=redact(text), intent=str(intent)[:100] if intent else None)


def _rows(source: Engine, after: int, limit: int) -> list[tuple[int, str, str]]:
    if not inspect(source).has_table("events"):
        return []  # Rasa has not written anything yet
    with source.connect() as connection:
        query = (select(RASA_EVENTS.c.id, RASA_EVENTS.c.sender_id, RASA_EVENTS.c.data)
                 .where(RASA_EVENTS.c.id > after).order_by(RASA_EVENTS.c.id).limit(limit))
        return [(int(row.id), str(row.sender_id), str(row.data or "{}")) for row in connection.execute(query)]


def _stored_ids(session: Session, ids: Iterable[int]) -> set[int]:
    wanted = list(ids)
    if not wanted:
        return set()
    query = select(TranscriptMessage.source_event_id).where(TranscriptMessage.source_event_id.in_(wanted))
    return set(session.scalars(query).all())


def ingest(source: Engine, session: Session, *, batch: int = BATCH) -> IngestResult:
    """Read the tracker store's events after the cursor (less the overlap) into the transcripts; commit."""
    cursor = session.get(TranscriptCursor, SOURCE) or TranscriptCursor(source=SOURCE, last_event_id=0)
    seen = cursor.last_event_id
    start = max(0, seen - OVERLAP)
    rows = _rows(source, start, batch + (seen - start))  # the overlap again, then up to `batch` new events
    new_events = sum(1 for event_id, _, _ in rows if event_id > seen)
    if not new_events and not rows:
        return IngestResult(0, 0, 0, seen)
    stored = _stored_ids(session, (event_id for event_id, _, _ in rows))
    conversations = _Batch(session, {sender for _, sender, _ in rows})
    messages = 0
    for event_id, sender_key, data in rows:
        try:
            event = json.loads(data)
        except ValueError:
            logger.warning("Tracker store event %d is not JSON; skipped", event_id)
            continue
        conversation = conversations.conversation(sender_key, _time(event))
        _apply(conversation, event)
        if event_id in stored or event.get("event") not in ("user", "bot"):
            continue
        session.flush()  # the conversation needs its id before its messages
        message = _message(event, event_id, conversation)
        if message is not None:
            session.add(message)
            conversation.message_count += 1
            messages += 1
    cursor.last_event_id = max(seen, rows[-1][0])
    session.merge(cursor)
    session.commit()
    return IngestResult(new_events, messages, len(conversations.touched), cursor.last_event_id)


def ingest_all(source: Engine, session: Session, *, batch: int = BATCH) -> IngestResult:
    """Read until the tracker store has nothing newer than the cursor."""
    total = IngestResult(0, 0, 0, 0)
    while True:
        result = ingest(source, session, batch=batch)
        total = IngestResult(total.events + result.events, total.messages + result.messages,
                             total.conversations + result.conversations, result.cursor)
        if result.events < batch:
            return total
