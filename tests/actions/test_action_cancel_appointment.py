"""action_cancel_appointment against a real backend process, including the minimum notice."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_cancel_appointment import ActionCancelAppointment
from actions.backend_client import get_client
from actions.booking_state import stored
from actions.patient_ref import patient_ref
from actions.slot_presenter import appointment_line
from tests.actions.booking_trackers import (
    DOMAIN,
    book_for,
    new_sender,
    point_client_at,
    responses,
    soonest,
    tracker,
    unreachable_backend,
)

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


def ended(outcome: str) -> list[dict[str, object]]:
    return [SlotSet("booking_outcome", outcome), *(SlotSet(name, None) for name in FLOW)]


async def test_cancel_appointment_cancels_the_chosen_one(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=3)
    booking = await book_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionCancelAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking), "booking_step": "confirming_cancel"}, intent="affirm"), DOMAIN)

    assert events == ended("cancelled")
    assert dispatcher.messages[0]["response"] == "utter_cancelled"
    assert dispatcher.messages[0]["summary"] == appointment_line(booking)
    assert await get_client().upcoming(patient_ref(sender)) == []


async def test_cancel_appointment_already_cancelled_says_nothing_more_to_do(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("dental", count=1, days_ahead=3)
    booking = await book_for(sender, slot)
    chosen = tracker(sender, slots={"chosen_appointment": stored(booking)}, intent="affirm")
    await ActionCancelAppointment().run(CollectingDispatcher(), chosen, DOMAIN)
    dispatcher = CollectingDispatcher()

    events = await ActionCancelAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking)}, intent="affirm"), DOMAIN)

    assert events == ended("not_changeable")
    assert responses(dispatcher) == ["utter_not_changeable"]


async def test_cancel_appointment_inside_the_minimum_notice_explains(strict_backend_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    await point_client_at(strict_backend_url, monkeypatch)  # changes close 14 days before
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=2)
    booking = await book_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionCancelAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking)}, intent="affirm"), DOMAIN)

    assert events == ended("too_late_to_change")
    assert responses(dispatcher) == ["utter_too_late_to_change"]
    assert [b.id for b in await get_client().upcoming(patient_ref(sender))] == [booking.id]


async def test_cancel_appointment_backend_down_leaves_it_unchanged(shared_client_on_backend: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=3)
    booking = await book_for(sender, slot)
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionCancelAppointment().run(dispatcher, tracker(sender, slots={
        "chosen_appointment": stored(booking)}, intent="affirm"), DOMAIN)

    assert events == ended("backend_down")
    assert responses(dispatcher) == ["utter_backend_down_change"]
