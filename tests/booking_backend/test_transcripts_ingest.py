"""Transcripts read from Rasa's SQL tracker store: redacted, complete, and never stored twice.

The tracker store here is an SQLite file with Rasa 3.6's `events` table; the events in
data/rasa_tracker_events.json were serialised by Rasa itself (`Event.as_dict()`), with fake people.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, select
from sqlalchemy.orm import Session

from booking_backend.transcripts.ingest import RASA_EVENTS, ingest, ingest_all
from booking_backend.transcripts.models import Conversation, TranscriptMessage
from tests.booking_backend.conftest import run_cli

EVENTS = json.loads((Path(__file__).parent / "data" / "rasa_tracker_events.json").read_text(encoding="utf-8"))
EMERGENCY = "p_" + "a" * 64
PHARMACY = "p_" + "b" * 64


@pytest.fixture
def tracker_store(tmp_path: Path) -> Iterator[Engine]:
    source = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    RASA_EVENTS.metadata.create_all(source)
    yield source
    source.dispose()


def _write(source: Engine, rows: list[dict[str, object]], first_id: int = 1) -> None:
    with source.begin() as connection:
        for number, row in enumerate(rows, start=first_id):
            data = row["data"]
            assert isinstance(data, dict)
            connection.execute(insert(RASA_EVENTS).values(
                id=number, sender_id=row["sender_id"], type_name=data["event"], timestamp=data["timestamp"],
                intent_name=None, action_name=data.get("name"), data=json.dumps(data)))


def _conversation(session: Session, sender: str) -> Conversation:
    return session.scalars(select(Conversation).where(Conversation.sender_key == sender)).one()


def _texts(session: Session, conversation: Conversation) -> list[tuple[str, str]]:
    query = (select(TranscriptMessage.speaker, TranscriptMessage.text)
             .where(TranscriptMessage.conversation_id == conversation.id).order_by(TranscriptMessage.source_event_id))
    return [(speaker, text) for speaker, text in session.execute(query)]


def test_transcripts_ingest_every_conversation_with_its_triage_and_booking(tracker_store: Engine,
                                                                         session: Session) -> None:
    _write(tracker_store, EVENTS)
    result = ingest(tracker_store, session)
    assert (result.events, result.messages, result.conversations, result.cursor) == (16, 7, 2, 16)

    emergency = _conversation(session, EMERGENCY)
    assert (emergency.channel, emergency.disposition, emergency.red_flag, emergency.booking_made) == (
        "webchat", "emergency_999", True, False)
    assert emergency.fired_rules == ["E999-CHEST-PAIN", "E999-PAIN-SPREADING"]
    pharmacy = _conversation(session, PHARMACY)
    assert (pharmacy.channel, pharmacy.disposition, pharmacy.red_flag, pharmacy.booking_made,
            pharmacy.rules_version, pharmacy.message_count) == ("twilio", "pharmacist", False, True, "2025.4.0", 5)
    # The events after the last action (the patient's "thanks") are there too, and the buttons shown.
    assert _texts(session, pharmacy)[-1] == ("patient", "thanks")
    assert ("assistant", "Who is this for?\n[Me] | [Someone else]") in _texts(session, pharmacy)


def test_transcripts_are_redacted_before_they_are_stored(tracker_store: Engine, session: Session) -> None:
    _write(tracker_store, EVENTS)
    ingest(tracker_store, session)
    stored = " ".join(text for (text,) in session.execute(select(TranscriptMessage.text)))
    for personal in ("Sam", "Taylor", "07700 900123", "jo@example.com"):
        assert personal not in stored
    assert "my name is [NAME], I have chest pain spreading to my left arm, call [PHONE]" in stored
    assert "sore throat for 3 days, email me at [EMAIL]" in stored


def test_transcripts_reading_again_stores_nothing_twice(tracker_store: Engine, session: Session) -> None:
    _write(tracker_store, EVENTS)
    ingest(tracker_store, session)
    again = ingest(tracker_store, session)
    assert again.messages == 0
    assert session.scalar(select(TranscriptMessage.id).order_by(TranscriptMessage.id.desc()).limit(1)) is not None
    assert len(session.scalars(select(TranscriptMessage)).all()) == 7
    assert _conversation(session, PHARMACY).message_count == 5


def test_transcripts_an_event_committed_late_with_a_lower_id_is_still_read(tracker_store: Engine,
                                                                          session: Session) -> None:
    # A second Rasa replica's event (id 5) commits after this reader has already seen id 6 and beyond.
    late, others = EVENTS[4], EVENTS[:4] + EVENTS[5:]
    _write(tracker_store, others[:4])
    _write(tracker_store, others[4:], first_id=6)
    first = ingest(tracker_store, session)
    _write(tracker_store, [late], first_id=5)
    second = ingest(tracker_store, session)
    assert first.messages + second.messages == 7
    assert second.messages == (1 if late["data"]["event"] in ("user", "bot") else 0)


def test_transcripts_read_in_batches_until_nothing_is_left(tracker_store: Engine, session: Session) -> None:
    _write(tracker_store, EVENTS)
    total = ingest_all(tracker_store, session, batch=4)
    assert len(session.scalars(select(TranscriptMessage)).all()) == 7
    assert total.cursor == 16


def test_transcripts_before_rasa_has_written_anything(tmp_path: Path, session: Session) -> None:
    empty = create_engine(f"sqlite:///{tmp_path / 'nothing-yet.db'}")
    assert ingest(empty, session).events == 0
    empty.dispose()


def test_transcripts_an_unreadable_event_is_skipped_not_fatal(tracker_store: Engine, session: Session) -> None:
    with tracker_store.begin() as connection:
        connection.execute(insert(RASA_EVENTS).values(id=1, sender_id=PHARMACY, type_name="user", data="{not json"))
    _write(tracker_store, EVENTS, first_id=2)
    result = ingest(tracker_store, session)
    assert result.messages == 7 and result.cursor == 17


def test_transcripts_command_reads_the_tracker_store_named_in_settings(tmp_path: Path) -> None:
    source = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    RASA_EVENTS.metadata.create_all(source)
    _write(source, EVENTS)
    source.dispose()
    done = run_cli("ingest-transcripts", database=tmp_path / "booking.db", ENVIRONMENT="test",
                   TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'tracker.db'}")
    assert done.returncode == 0, done.stderr
    assert "16 new events, 7 messages stored, cursor at 16" in done.stderr
    assert "07700" not in done.stderr + done.stdout


def test_transcripts_command_without_a_tracker_store_says_what_to_set(tmp_path: Path) -> None:
    done = run_cli("ingest-transcripts", database=tmp_path / "booking.db", ENVIRONMENT="test")
    assert done.returncode == 4
    assert "TRACKER_STORE_URL must name Rasa's tracker store" in done.stderr
