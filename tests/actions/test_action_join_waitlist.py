"""action_join_waitlist against a real backend process."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_join_waitlist import ActionJoinWaitlist
from tests.actions.booking_trackers import DOMAIN, responses, time_entities, tracker, unreachable_backend

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


def ended(outcome: str) -> list[dict[str, object]]:
    return [SlotSet("booking_outcome", outcome), *(SlotSet(name, None) for name in FLOW)]


async def test_join_waitlist_adds_the_patient_with_their_wishes(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()
    wishes = time_entities("tuesday or thursday mornings")

    events = await ActionJoinWaitlist().run(dispatcher, tracker(slots={
        "routed_service": "physiotherapist", "time_wishes": wishes, "booking_step": "offering_waitlist"},
        text="yes please", intent="affirm"), DOMAIN)

    assert events == ended("waitlisted")
    assert responses(dispatcher) == ["utter_waitlisted"]


async def test_join_waitlist_without_a_service_asks_what_for(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionJoinWaitlist().run(dispatcher, tracker(intent="join_waitlist"), DOMAIN)

    assert events == ended("needs_service")
    assert responses(dispatcher) == ["utter_ask_what_appointment_for"]


async def test_join_waitlist_backend_down(monkeypatch: pytest.MonkeyPatch) -> None:
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionJoinWaitlist().run(dispatcher, tracker(slots={"routed_service": "dental"},
                                                                intent="join_waitlist"), DOMAIN)

    assert events == ended("backend_down")
    assert responses(dispatcher) == ["utter_backend_down"]
