"""action_confirm_booking on real trackers against a real backend process."""

from __future__ import annotations

import anyio
import httpx
import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_confirm_booking import ActionConfirmBooking
from actions.backend_client import get_client
from actions.booking_state import stored
from actions.patient_ref import patient_ref
from actions.slot_presenter import slot_summary
from tests.actions.booking_trackers import (
    DOMAIN,
    hold_for,
    new_sender,
    point_client_at,
    responses,
    soonest,
    tracker,
    turn,
    unreachable_backend,
)

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


def ended(outcome: str) -> list[dict[str, object]]:
    return [SlotSet("booking_outcome", outcome), *(SlotSet(name, None) for name in FLOW)]


async def test_confirm_booking_books_the_held_slot_for_the_dependant(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot), "dependant_label": "Ollie", "booking_step": "confirming_booking"},
        text="yes", intent="affirm"), DOMAIN)

    assert events == [*ended("booked"), SlotSet("dependant_label", None), SlotSet("time_wishes", None)]
    assert dispatcher.messages[0]["response"] == "utter_booked"
    assert dispatcher.messages[0]["summary"] == slot_summary(slot, "Ollie")
    [booking] = await get_client().upcoming(patient_ref(sender))
    assert (booking.slot.id, booking.dependant_label) == (slot.id, "Ollie")


async def test_confirm_booking_replayed_turn_books_once(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("pharmacist", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    answer = tracker(sender, slots={"hold_id": held, "held_slot": stored(slot)}, intent="affirm")

    for _ in range(2):  # the action server retried after a timeout: same turn, same key
        events = await ActionConfirmBooking().run(CollectingDispatcher(), answer, DOMAIN)
        assert events[0] == SlotSet("booking_outcome", "booked")
    assert len(await get_client().upcoming(patient_ref(sender))) == 1


async def test_confirm_booking_after_the_hold_went_offers_times_again(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("dental", count=1, days_ahead=4)
    held = await hold_for(sender, slot)
    await get_client().release_hold(held, patient_ref(sender), idempotency_key=turn("release"))
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot), "booking_step": "confirming_booking"}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_hold_expired", "utter_offer_slots"]
    assert events[-3:] == [SlotSet("hold_id", None), SlotSet("held_slot", None),
                           SlotSet("booking_outcome", "hold_expired")]
    assert SlotSet("booking_step", "choosing_slot") in events
    assert await get_client().upcoming(patient_ref(sender)) == []


async def test_confirm_booking_quota_used_explains_and_lets_the_slot_go(
    shared_client_on_backend: str, admin_key: str,
) -> None:
    sender = new_sender()
    quota = httpx.post(f"{shared_client_on_backend}/v1/admin/patients/quota",
                       json={"patient_ref": patient_ref(sender), "quota": 0},
                       headers={"X-API-Key": admin_key, "Idempotency-Key": turn("quota")})
    assert quota.status_code == 200, quota.text
    [slot] = await soonest("physiotherapist", count=1, days_ahead=3)
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot)}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_quota_used"]
    assert events == [*ended("quota_used"), SlotSet("dependant_label", None)]
    other = await get_client().hold(slot.id, patient_ref(turn('other')), idempotency_key=turn("hold"))
    assert other.slot_id == slot.id  # nothing left held


async def test_confirm_booking_backend_down_says_how_else_to_book(shared_client_on_backend: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot)}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_backend_down"]
    assert events == [*ended("backend_down"), SlotSet("dependant_label", None)]


async def test_confirm_booking_with_nothing_held_says_so(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_nothing_to_confirm"]
    assert events == ended("hold_expired")


async def test_confirm_booking_after_the_hold_lapsed_offers_times_again(strict_backend_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await point_client_at(strict_backend_url, monkeypatch)  # holds lapse after 5 s there
    sender = new_sender()
    [slot] = await soonest("practice_nurse", count=1, days_ahead=2)
    held = await hold_for(sender, slot)
    await anyio.sleep(6)
    dispatcher = CollectingDispatcher()

    events = await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot)}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_hold_expired", "utter_offer_slots"]
    assert events[-1] == SlotSet("booking_outcome", "hold_expired")
    assert SlotSet("booking_step", "choosing_slot") in events
    other = await get_client().hold(slot.id, patient_ref(turn('other')), idempotency_key=turn("hold"))
    assert other.slot_id == slot.id  # the lapsed time is free for anyone again
