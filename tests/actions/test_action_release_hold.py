"""action_release_hold: a "no" or a stop lets the held slot go, with the reply for the step it came at."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_release_hold import ActionReleaseHold
from actions.backend_client import get_client
from actions.booking_state import stored
from actions.patient_ref import patient_ref
from tests.actions.booking_trackers import DOMAIN, hold_for, new_sender, responses, soonest, tracker, turn

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")
RELEASED = [SlotSet("booking_outcome", "released"), *(SlotSet(name, None) for name in FLOW),
            SlotSet("dependant_label", None)]


async def test_release_hold_at_the_confirm_step_lets_the_slot_go(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionReleaseHold().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot), "booking_step": "confirming_booking"}, intent="deny"), DOMAIN)

    assert events == RELEASED
    assert responses(dispatcher) == ["utter_booking_not_made"]
    other = await get_client().hold(slot.id, patient_ref(turn('other')), idempotency_key=turn("hold"))
    assert other.slot_id == slot.id


@pytest.mark.parametrize(("step", "response"), [
    ("confirming_cancel", "utter_cancel_not_done"),
    ("confirming_reschedule", "utter_reschedule_not_done"),
    ("choosing_appointment", "utter_appointments_unchanged"),
    ("choosing_slot", "utter_booking_stopped"),
    (None, "utter_booking_stopped"),
])
async def test_release_hold_replies_for_the_step(shared_client_on_backend: str, step: str | None,
                                                 response: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionReleaseHold().run(dispatcher, tracker(slots={"booking_step": step}, intent="deny"), DOMAIN)

    assert events == RELEASED
    assert responses(dispatcher) == [response]


async def test_release_hold_already_gone_still_ends_the_flow(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("dental", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    [other] = await soonest("dental", count=1, days_ahead=3)
    await hold_for(sender, other)  # holding another lets the first go
    dispatcher = CollectingDispatcher()

    events = await ActionReleaseHold().run(dispatcher, tracker(sender, slots={"hold_id": held}, intent="stop"),
                                           DOMAIN)

    assert events == RELEASED
