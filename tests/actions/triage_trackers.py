"""Helpers for the triage action tests: real trackers mid-conversation and the real domain."""

from __future__ import annotations

import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    """The assistant's domain as the action server receives it."""
    loaded: dict[str, Any] = Domain.load(str(ROOT / "bot" / "domain")).as_dict()
    return loaded


def tracker(text: str, intent: str, *, slots: dict[str, Any] | None = None,
            entities: list[dict[str, Any]] | None = None, active_loop: str | None = "triage_form",
            extra: dict[str, Any] | None = None) -> Tracker:
    """A tracker whose latest event is the user message being answered (a pseudonymous sender)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
              "message_id": uuid.uuid4().hex, **(extra or {})}
    return Tracker.from_dict({
        "sender_id": f"test-{uuid.uuid4().hex}",
        "slots": {"triage_invalid_count": 0.0, **(slots or {})},
        "latest_message": latest,
        "events": [{"event": "action", "name": "action_listen", "timestamp": time.time()},
                   {"event": "user", "text": text, "parse_data": latest, "timestamp": time.time()}],
        "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {}, "latest_action_name": "action_listen",
    })


def sent(dispatcher: CollectingDispatcher) -> list[str]:
    """The responses the action asked for, in order."""
    return [message["response"] for message in dispatcher.messages]
