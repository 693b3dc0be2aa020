"""Helpers for the booking action tests: real trackers, a patient per test, and the backend as the actions see it."""

from __future__ import annotations

import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import UK, BackendClient, Booking, Slot, close_client, get_client
from actions.booking_state import stored
from actions.patient_ref import patient_ref
from bot.nlu.time_parser import TimeParser

DOMAIN: dict[str, Any] = {}


def new_sender() -> str:
    """A pseudonymous sender id of the kind the channels produce (never a phone number)."""
    return f"test-{uuid.uuid4().hex}"


def tracker(sender: str | None = None, *, slots: dict[str, Any] | None = None, text: str = "",
            intent: str = "book_appointment", entities: list[dict[str, Any]] | None = None) -> Tracker:
    """A tracker whose latest event is the user message being answered."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
              "message_id": uuid.uuid4().hex}
    return Tracker.from_dict({
        "sender_id": sender or new_sender(),
        "slots": slots or {},
        "latest_message": latest,
        "events": [{"event": "action", "name": "action_listen", "timestamp": time.time()},
                   {"event": "user", "text": text, "parse_data": latest, "timestamp": time.time()}],
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    })


def option(number: int) -> list[dict[str, Any]]:
    return [{"entity": "option", "value": str(number), "start": 0, "end": 1}]


def time_entities(text: str, now: datetime | None = None) -> list[dict[str, Any]]:
    """What the real TimeParser adds to a message with this text."""
    return TimeParser({}).entities(text, (now or datetime.now(UK)).astimezone(UK))


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["response"] for message in dispatcher.messages]


async def point_client_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `get_client()` (what the actions use) talk to `url` from now on."""
    await close_client()
    monkeypatch.setenv("BOOKING_BACKEND_URL", url)


async def unreachable_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the actions at a port nobody listens on: the backend is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await point_client_at(f"http://127.0.0.1:{port}", monkeypatch)


def turn(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex}"


async def soonest(service: str, count: int = 5, days_ahead: int = 0) -> list[Slot]:
    start = datetime.now(UK) + timedelta(days=days_ahead)
    return (await get_client().search_slots(service, start=start, limit=60))[:count]


async def hold_for(sender: str, slot: Slot) -> int:
    hold = await get_client().hold(slot.id, patient_ref(sender), idempotency_key=turn("hold"))
    return hold.id


async def book_for(sender: str, slot: Slot, label: str | None = None) -> Booking:
    hold_id = await hold_for(sender, slot)
    return await get_client().book(hold_id, patient_ref(sender), dependant_label=label,
                                   idempotency_key=turn("book"))


async def someone_else_holds(url: str, slot: Slot) -> None:
    async with BackendClient(url) as other:
        await other.hold(slot.id, patient_ref(new_sender()), idempotency_key=turn("other"))


def stored_all(models: list[Slot] | list[Booking]) -> list[dict[str, Any]]:
    return [stored(model) for model in models]
