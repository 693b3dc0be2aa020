"""action_offer_slots on real trackers against a real backend process."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_offer_slots import ActionOfferSlots
from actions.backend_client import UK, Slot, get_client
from actions.patient_ref import patient_ref
from bot.nlu.time_wishes import Wish, to_filters, wish_from
from tests.actions.booking_trackers import (
    DOMAIN,
    book_for,
    hold_for,
    new_sender,
    responses,
    soonest,
    time_entities,
    tracker,
    turn,
    unreachable_backend,
)

pytestmark = pytest.mark.anyio
FLOW_CLEARED = [SlotSet(name, None) for name in ("booking_step", "offered_slots", "held_slot", "hold_id",
                                                 "change_kind", "upcoming_appointments", "chosen_appointment")]


async def test_offer_slots_offers_five_spread_times_soonest_first_as_numbered_buttons(
        shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()
    [first] = await soonest("practice_nurse", count=1)

    events = await ActionOfferSlots().run(dispatcher, tracker(slots={"routed_service": "practice_nurse"},
                                                              text="I need a smear test"), DOMAIN)

    offered = [Slot.parse_obj(s) for s in next(e["value"] for e in events if e["name"] == "offered_slots")]
    assert offered[0] == first
    assert len({s.start for s in offered}) == 5, "five different times, not one minute at five places"
    assert [s.start for s in offered] == sorted(s.start for s in offered)
    assert SlotSet("time_wishes", None) in events
    assert SlotSet("booking_step", "choosing_slot") in events and SlotSet("booking_outcome", "slots_offered") in events
    [message] = dispatcher.messages
    assert message["response"] == "utter_offer_slots"
    assert [b["payload"] for b in message["buttons"]] == [f'/choose_option{{"option": "{n}"}}' for n in range(1, 6)]
    assert message["buttons"][0]["title"].startswith("1. ")
    assert first.practitioner.display_name in message["buttons"][0]["title"]


async def test_offer_slots_keeps_to_after_4pm_next_week_and_says_so(shared_client_on_backend: str) -> None:
    now = datetime.now(UK)
    wishes = time_entities("next week after 4pm", now)
    wish = wish_from(wishes, now)
    filters = to_filters(wish)
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(
        dispatcher, tracker(slots={"routed_service": "practice_nurse"}, text="next week after 4pm", intent="inform",
                            entities=wishes), DOMAIN)

    offered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert responses(dispatcher) == ["utter_offer_wished_slots"]
    assert dispatcher.messages[0]["wish"].startswith("between ") and "after 4pm" in dispatcher.messages[0]["wish"]
    assert 1 <= len(offered) <= 5
    for slot in offered:
        start = datetime.fromisoformat(slot["start"]).astimezone(UK)
        assert start.hour >= 16 and filters.start is not None and filters.end is not None
        assert filters.start <= start < filters.end
    assert SlotSet("time_wishes", wish.to_json()) in events


async def test_offer_slots_with_nothing_on_the_wished_day_offers_the_nearest(shared_client_on_backend: str) -> None:
    wishes = time_entities("any Sunday")  # GP surgeries in the demo do not open on Sundays
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(
        dispatcher, tracker(slots={"routed_service": "gp_routine"}, text="any Sunday", entities=wishes), DOMAIN)

    assert responses(dispatcher) == ["utter_offer_nearest"]
    assert dispatcher.messages[0]["wish"] == "on Sundays"
    assert SlotSet("booking_step", "choosing_slot") in events
    assert SlotSet("booking_outcome", "other_days_offered") in events
    assert len(dispatcher.messages[0]["buttons"]) == 5


async def test_offer_slots_keeps_earlier_time_wishes_when_the_message_has_none(shared_client_on_backend: str) -> None:
    wishes = time_entities("any Saturday")  # pharmacists see people in person on Saturdays
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(
        dispatcher, tracker(slots={"routed_service": "pharmacist", "time_wishes": wishes}, text="yes",
                            intent="affirm"), DOMAIN)

    offered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert {datetime.fromisoformat(s["start"]).astimezone(UK).weekday() for s in offered} == {5}
    assert SlotSet("time_wishes", Wish(weekdays=("sat",)).to_json()) in events


async def test_offer_slots_without_a_service_asks_what_the_appointment_is_for(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(dispatcher, tracker(text="can I book an appointment"), DOMAIN)

    assert responses(dispatcher) == ["utter_ask_what_appointment_for"]
    assert events == [SlotSet("time_wishes", None), SlotSet("preferred_practitioner", None),
                      SlotSet("booking_outcome", "needs_service"), *FLOW_CLEARED]


async def test_offer_slots_for_someone_else_asks_who_first(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(
        dispatcher, tracker(slots={"routed_service": "gp_routine", "for_dependant": True}), DOMAIN)

    assert dispatcher.messages == []
    assert events == [SlotSet("time_wishes", None), SlotSet("preferred_practitioner", None),
                      SlotSet("booking_step", "naming_dependant")]


async def test_offer_slots_again_lets_the_held_slot_go(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("dental", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(
        dispatcher, tracker(sender, slots={"routed_service": "dental", "hold_id": held}, intent="inform"), DOMAIN)

    assert SlotSet("hold_id", None) in events and SlotSet("held_slot", None) in events
    someone = patient_ref(new_sender())
    again = await get_client().hold(slot.id, someone, idempotency_key=turn("hold"))
    assert again.slot_id == slot.id  # free again for anyone else


async def test_offer_slots_backend_down_says_how_else_to_book(monkeypatch: pytest.MonkeyPatch) -> None:
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()
    started = datetime.now(UK)

    events = await ActionOfferSlots().run(dispatcher, tracker(slots={"routed_service": "gp_routine"}), DOMAIN)

    assert responses(dispatcher) == ["utter_backend_down"]
    assert events == [SlotSet("booking_outcome", "backend_down"), *FLOW_CLEARED]
    assert datetime.now(UK) - started < timedelta(seconds=9)


async def test_offer_slots_for_a_practitioner_asked_for_by_name(shared_client_on_backend: str) -> None:
    [someone] = await soonest("physiotherapist", count=1, days_ahead=2)
    person = someone.practitioner
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(dispatcher, tracker(
        text=f"i'd like to see {person.display_name} please", intent="book_appointment"), DOMAIN)

    assert responses(dispatcher) == ["utter_offer_practitioner_slots"], (events, dispatcher.messages)
    offered = [Slot.parse_obj(s) for s in next(e["value"] for e in events if e["name"] == "offered_slots")]
    assert offered and {s.practitioner.id for s in offered} == {person.id}
    assert responses(dispatcher) == ["utter_offer_practitioner_slots"]
    assert dispatcher.messages[0]["name"] == person.display_name
    assert SlotSet("routed_service", "physiotherapist") in events
    assert SlotSet("preferred_practitioner", {**person.dict(), "why": "named"}) in events


async def test_offer_slots_without_a_title_before_a_surname_asks_for_nobody(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(dispatcher, tracker(slots={"routed_service": "gp_routine"},
                                                              text="book my young son in"), DOMAIN)

    assert SlotSet("preferred_practitioner", None) in events
    assert responses(dispatcher) == ["utter_offer_slots"]


async def test_offer_slots_offers_the_same_practitioner_first_and_anyone_on_request(
        shared_client_on_backend: str) -> None:
    sender = new_sender()
    [seen] = await soonest("gp_routine", count=1, days_ahead=3)
    await book_for(sender, seen)
    person = seen.practitioner
    assert [b.slot.id for b in await get_client().booking_history(patient_ref(sender), "gp_routine")] == [seen.id]
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(dispatcher, tracker(
        sender, slots={"routed_service": "gp_routine"}, text="can i book another gp appointment"), DOMAIN)

    offered = [Slot.parse_obj(s) for s in next(e["value"] for e in events if e["name"] == "offered_slots")]
    assert responses(dispatcher) == ["utter_offer_same_practitioner_slots"]
    assert offered and {s.practitioner.id for s in offered} == {person.id}
    kept = next(e["value"] for e in events if e["name"] == "preferred_practitioner")
    assert (kept["id"], kept["why"]) == (person.id, "continuity")

    dispatcher = CollectingDispatcher()
    events = await ActionOfferSlots().run(dispatcher, tracker(
        sender, slots={"routed_service": "gp_routine", "preferred_practitioner": kept, "booking_step": "choosing_slot"},
        text="anyone is fine", intent="inform"), DOMAIN)

    assert responses(dispatcher) == ["utter_offer_slots"]
    assert SlotSet("preferred_practitioner", "anyone") in events


async def test_continuity_keeps_a_childs_appointments_apart_from_the_parents(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [seen] = await soonest("gp_routine", count=1, days_ahead=3)
    await book_for(sender, seen)  # the parent's own appointment
    dispatcher = CollectingDispatcher()

    await ActionOfferSlots().run(dispatcher, tracker(sender, slots={
        "routed_service": "gp_routine", "for_dependant": True, "dependant_label": "son"},
        text="can i book my son in"), DOMAIN)

    assert responses(dispatcher) == ["utter_offer_slots"]


async def test_offer_slots_with_a_service_no_code_matches_asks_what_it_is_for(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionOfferSlots().run(dispatcher, tracker(slots={"routed_service": "pill review"},
                                                              text="i need a pill review"), DOMAIN)

    assert responses(dispatcher) == ["utter_ask_what_appointment_for"]
    assert SlotSet("routed_service", None) in events
    assert SlotSet("booking_outcome", "needs_service") in events
