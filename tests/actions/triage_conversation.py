"""A triage conversation at tracker level: the form's validator, its ask actions and the outcome, run
turn by turn as Rasa's form loop runs them, with the slots carried over (no model, no servers)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_ask_triage_checklist import ActionAskTriageChecklist
from actions.action_ask_triage_confirmed import ActionAskTriageConfirmed
from actions.action_triage_outcome import ActionTriageOutcome
from actions.backend_results import UK, Location, PractitionerSummary, Slot
from actions.checklist_answers import ENTITY
from actions.validate_triage_form import ValidateTriageForm
from tests.actions.triage_trackers import domain

ASK_ACTIONS = {"triage_checklist": ActionAskTriageChecklist(), "triage_confirmed": ActionAskTriageConfirmed()}
FIXED_NOW = datetime(2026, 3, 10, 10, 30, tzinfo=UK)  # a Tuesday morning


class FakeSlotSearch:
    """Stands in for the backend client's slot search: free slots of any service at fixed times."""

    def __init__(self, starts: list[datetime] | None = None) -> None:
        self.starts = sorted(starts or [])
        self.queries: list[dict[str, Any]] = []

    async def search_slots(self, service: str | None = None, **query: Any) -> list[Slot]:
        self.queries.append({"service": service, **query})
        start, end = query.get("start"), query.get("end")
        return [fake_slot(number, at, service or "gp_routine") for number, at in enumerate(self.starts, start=1)
                if (start is None or at >= start) and (end is None or at < end)]


def fake_slot(slot_id: int, start: datetime, service: str) -> Slot:
    return Slot(id=slot_id, start=start, end=start + timedelta(minutes=10), service=service, channel="in_person",
                practitioner=PractitionerSummary(id=1, display_name="Dr A Example", role="gp"),
                location=Location(id=1, name="Example Surgery", postcode="ZZ99 9ZZ", organisation="Example Practice"))


@dataclass
class TriageChat:
    """One patient's triage: `say` a message or `tap` a button, then read what the bot sent back."""

    channel: str = "webchat"
    slots: dict[str, Any] = field(default_factory=lambda: {"triage_invalid_count": 0.0})
    sender_id: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex}")
    replies: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)  # each slot's last value before the outcome emptied it
    questions_asked: int = 0
    finished: bool = False

    def _tracker(self, text: str, intent: str, entities: list[dict[str, Any]]) -> Tracker:
        latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities,
                  "message_id": uuid.uuid4().hex}
        return Tracker.from_dict({
            "sender_id": self.sender_id, "slots": dict(self.slots), "latest_message": latest,
            "events": [{"event": "action", "name": "action_listen", "timestamp": time.time()},
                       {"event": "user", "text": text, "parse_data": latest, "timestamp": time.time(),
                        "input_channel": self.channel}],
            "paused": False, "followup_action": None, "active_loop": {"name": "triage_form"},
            "latest_action_name": "action_listen",
        })

    def _apply(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
                if event["value"] is not None:
                    self.seen[event["name"]] = event["value"]

    async def say(self, text: str, intent: str = "inform", entities: list[dict[str, Any]] | None = None
                  ) -> list[dict[str, Any]]:
        """One user turn through the form; returns the bot's messages (each with its `response`)."""
        assert not self.finished, "the triage is over"
        dispatcher = CollectingDispatcher()
        tracker = self._tracker(text, intent, entities or [])
        self._apply(await ValidateTriageForm().run(dispatcher, tracker, domain()))
        requested = self.slots.get("requested_slot")
        after = self._tracker(text, intent, entities or [])
        if requested in ASK_ACTIONS:
            self._apply(await ASK_ACTIONS[requested].run(dispatcher, after, domain()))
        elif requested:
            dispatcher.utter_message(response=f"utter_ask_{requested}")
        else:
            self._apply(await ActionTriageOutcome().run(dispatcher, after, domain()))
            self.finished = True
        self.questions_asked += 1 if requested else 0
        self.replies = dispatcher.messages
        return self.replies

    async def tap(self, title_prefix: str) -> list[dict[str, Any]]:
        """Tap the button whose title starts with `title_prefix`, as the web chat and Telegram send it."""
        buttons = [button for reply in self.replies for button in reply.get("buttons") or []]
        chosen = next((b for b in buttons if b["title"].startswith(title_prefix)), None)
        assert chosen is not None, f"no button {title_prefix!r} in {[b['title'] for b in buttons]}"
        return await self.press(chosen["payload"])

    async def press(self, payload: str) -> list[dict[str, Any]]:
        """Send a button payload (`/inform{"slot": "value"}`) as Rasa parses it."""
        intent, _, body = payload.lstrip("/").partition("{")
        entities = []
        if body:
            entities = [{"entity": key, "value": value} for key, value in json.loads("{" + body).items()]
        return await self.say(payload, intent, entities)

    async def answer_checklist(self, value: str) -> list[dict[str, Any]]:
        """Answer the checklist with a button payload value (a question id, "none" or "not_sure")."""
        return await self.press(f'/inform{{"{ENTITY}": "{value}"}}')

    @property
    def responses(self) -> list[str]:
        return [message.get("response") or "" for message in self.replies]

    @property
    def shown(self) -> list[str]:
        return list(self.slots.get("triage_checklist_shown") or [])

    @property
    def requested(self) -> str | None:
        return self.slots.get("requested_slot")
