"""action_choose_appointment: a cancel asks to confirm, a reschedule offers new times of the same service."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_choose_appointment import ActionChooseAppointment
from actions.booking_state import stored
from actions.slot_presenter import appointment_line
from tests.actions.booking_trackers import DOMAIN, book_for, new_sender, option, responses, soonest, tracker

pytestmark = pytest.mark.anyio


async def test_choose_appointment_to_cancel_asks_to_confirm(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=3)
    booking = await book_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionChooseAppointment().run(dispatcher, tracker(sender, slots={
        "upcoming_appointments": [stored(booking)], "change_kind": "cancel"}, intent="choose_option",
        entities=option(1)), DOMAIN)

    assert events == [SlotSet("chosen_appointment", stored(booking)), SlotSet("booking_step", "confirming_cancel"),
                      SlotSet("booking_outcome", "appointment_chosen")]
    [message] = dispatcher.messages
    assert (message["response"], message["summary"]) == ("utter_confirm_cancel", appointment_line(booking))


async def test_choose_appointment_to_reschedule_offers_times_of_the_same_service(
    shared_client_on_backend: str,
) -> None:
    sender = new_sender()
    [slot] = await soonest("physiotherapist", count=1, days_ahead=3)
    booking = await book_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionChooseAppointment().run(dispatcher, tracker(sender, slots={
        "upcoming_appointments": [stored(booking)], "change_kind": "reschedule", "routed_service": "dental"},
        intent="choose_option", entities=option(1)), DOMAIN)

    assert responses(dispatcher) == ["utter_offer_slots"]
    offered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert {s["service"] for s in offered} == {"physiotherapist"}
    assert events[:2] == [SlotSet("chosen_appointment", stored(booking)),
                          SlotSet("routed_service", "physiotherapist")]
    assert events[-2:] == [SlotSet("booking_step", "choosing_slot"), SlotSet("booking_outcome", "slots_offered")]


async def test_choose_appointment_unknown_number_asks_again(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionChooseAppointment().run(dispatcher, tracker(
        slots={"upcoming_appointments": []}, text="3", intent="choose_option", entities=option(3)), DOMAIN)

    assert events == [SlotSet("booking_outcome", "invalid_option")]
    assert responses(dispatcher) == ["utter_invalid_option"]
