"""action_reschedule_appointment against a real backend process: atomic move, minimum notice, slot taken."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_reschedule_appointment import ActionRescheduleAppointment
from actions.backend_client import get_client
from actions.booking_state import stored
from actions.patient_ref import patient_ref
from actions.slot_presenter import slot_summary
from tests.actions.booking_trackers import (
    DOMAIN,
    book_for,
    hold_for,
    new_sender,
    point_client_at,
    responses,
    someone_else_holds,
    soonest,
    tracker,
)

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


def ended(outcome: str) -> list[dict[str, object]]:
    return [SlotSet("booking_outcome", outcome), *(SlotSet(name, None) for name in FLOW)]


async def test_reschedule_appointment_moves_it_to_the_held_slot(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [old] = await soonest("practice_nurse", count=1, days_ahead=3)
    [new] = await soonest("practice_nurse", count=1, days_ahead=9)
    booking = await book_for(sender, old, label="KT")
    held = await hold_for(sender, new)
    dispatcher = CollectingDispatcher()

    events = await ActionRescheduleAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking), "hold_id": held, "held_slot": stored(new),
        "change_kind": "reschedule", "booking_step": "confirming_reschedule"}, intent="affirm"), DOMAIN)

    assert events == ended("rescheduled")
    assert dispatcher.messages[0]["response"] == "utter_rescheduled"
    assert dispatcher.messages[0]["summary"] == slot_summary(new, "KT")
    [now_booked] = await get_client().upcoming(patient_ref(sender))
    assert (now_booked.slot.id, now_booked.dependant_label) == (new.id, "KT")


async def test_reschedule_appointment_new_slot_taken_offers_others(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [old] = await soonest("dental", count=1, days_ahead=3)
    [new] = await soonest("dental", count=1, days_ahead=10)
    booking = await book_for(sender, old)
    await someone_else_holds(shared_client_on_backend, new)  # our hold lapsed and someone took it
    dispatcher = CollectingDispatcher()

    events = await ActionRescheduleAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking), "held_slot": stored(new), "change_kind": "reschedule"},
        intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_slot_taken", "utter_offer_slots"]
    assert events[-3:] == [SlotSet("hold_id", None), SlotSet("held_slot", None),
                           SlotSet("booking_outcome", "slot_taken")]
    [still] = await get_client().upcoming(patient_ref(sender))
    assert still.id == booking.id


async def test_reschedule_appointment_inside_the_minimum_notice_explains_and_lets_go(
    strict_backend_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    await point_client_at(strict_backend_url, monkeypatch)
    sender = new_sender()
    [old] = await soonest("gp_routine", count=1, days_ahead=2)
    [new] = await soonest("gp_routine", count=1, days_ahead=20)
    booking = await book_for(sender, old)
    held = await hold_for(sender, new)
    dispatcher = CollectingDispatcher()

    events = await ActionRescheduleAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking), "hold_id": held, "held_slot": stored(new)}, intent="affirm"), DOMAIN)

    assert events == [*ended("too_late_to_change"), SlotSet("dependant_label", None)]
    assert responses(dispatcher) == ["utter_too_late_to_change"]
    [still] = await get_client().upcoming(patient_ref(sender))
    assert still.id == booking.id
