"""action_hold_slot on real trackers against a real backend process."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_hold_slot import ActionHoldSlot
from actions.booking_state import stored
from actions.slot_presenter import appointment_line, slot_summary
from tests.actions.booking_trackers import (
    DOMAIN,
    book_for,
    new_sender,
    option,
    responses,
    someone_else_holds,
    soonest,
    stored_all,
    tracker,
    unreachable_backend,
)

pytestmark = pytest.mark.anyio


async def test_hold_slot_holds_the_chosen_option_and_reads_back_the_summary(shared_client_on_backend: str) -> None:
    offered = await soonest("physiotherapist", count=3, days_ahead=1)
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered), "booking_step": "choosing_slot"},
        text="2", intent="choose_option", entities=option(2)), DOMAIN)

    hold_id = events[0]["value"]
    assert isinstance(hold_id, int)
    assert events == [SlotSet("hold_id", hold_id), SlotSet("held_slot", stored(offered[1])),
                      SlotSet("booking_step", "confirming_booking"), SlotSet("booking_outcome", "held")]
    assert dispatcher.messages == [{**dispatcher.messages[0], "response": "utter_confirm_booking",
                                    "summary": slot_summary(offered[1])}]
    assert "(UK time)" in dispatcher.messages[0]["summary"]


async def test_hold_slot_typed_number_without_entity_picks_that_option(shared_client_on_backend: str) -> None:
    offered = await soonest("mental_health", count=2, days_ahead=1)
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered)}, text="1", intent="choose_option"), DOMAIN)

    assert events[1] == SlotSet("held_slot", stored(offered[0]))


async def test_hold_slot_includes_who_it_is_for_in_the_summary(shared_client_on_backend: str) -> None:
    offered = await soonest("gp_routine", count=1, days_ahead=1)
    dispatcher = CollectingDispatcher()

    await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered), "dependant_label": "JS"}, intent="choose_option",
        entities=option(1)), DOMAIN)

    assert dispatcher.messages[0]["summary"].endswith(", for JS")


async def test_hold_slot_out_of_range_option_asks_again(shared_client_on_backend: str) -> None:
    offered = await soonest("gp_routine", count=3, days_ahead=1)
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered)}, text="7", intent="choose_option", entities=option(7)), DOMAIN)

    assert events == [SlotSet("booking_outcome", "invalid_option")]
    assert dispatcher.messages[0]["response"] == "utter_invalid_option" and dispatcher.messages[0]["count"] == 3


async def test_hold_slot_taken_in_between_says_so_and_offers_others(shared_client_on_backend: str) -> None:
    offered = await soonest("dental", count=3, days_ahead=3)
    await someone_else_holds(shared_client_on_backend, offered[0])
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered), "booking_step": "choosing_slot"}, intent="choose_option",
        entities=option(1)), DOMAIN)

    assert responses(dispatcher) == ["utter_slot_taken", "utter_offer_slots"]
    reoffered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert offered[0].id not in {s["id"] for s in reoffered} and len(reoffered) == 5
    assert events[-3:] == [SlotSet("hold_id", None), SlotSet("held_slot", None),
                           SlotSet("booking_outcome", "slot_taken")]
    assert SlotSet("booking_step", "choosing_slot") in events


async def test_hold_slot_for_a_reschedule_asks_to_confirm_the_move(shared_client_on_backend: str) -> None:
    sender = new_sender()
    old, new = await soonest("practice_nurse", count=2, days_ahead=5)
    booking = await book_for(sender, old)
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(sender, slots={
        "offered_slots": stored_all([new]), "change_kind": "reschedule", "chosen_appointment": stored(booking)},
        intent="choose_option", entities=option(1)), DOMAIN)

    assert events[2:] == [SlotSet("booking_step", "confirming_reschedule"), SlotSet("booking_outcome", "held")]
    [message] = dispatcher.messages
    assert (message["response"], message["summary"], message["old_summary"]) == (
        "utter_confirm_reschedule", slot_summary(new), appointment_line(booking))


async def test_hold_slot_backend_down_ends_the_flow(shared_client_on_backend: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    offered = await soonest("gp_routine", count=1, days_ahead=1)
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionHoldSlot().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered)}, intent="choose_option", entities=option(1)), DOMAIN)

    assert responses(dispatcher) == ["utter_backend_down"]
    assert events[0] == SlotSet("booking_outcome", "backend_down")
    assert SlotSet("booking_step", None) in events and SlotSet("hold_id", None) in events
