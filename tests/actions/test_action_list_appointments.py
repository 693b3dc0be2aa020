"""action_list_appointments against a real backend process."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_list_appointments import ActionListAppointments
from actions.backend_client import get_client
from actions.patient_ref import patient_ref
from actions.slot_presenter import appointment_line
from tests.actions.booking_trackers import (
    DOMAIN,
    book_for,
    new_sender,
    responses,
    soonest,
    stored_all,
    tracker,
    unreachable_backend,
)

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


def ended(outcome: str) -> list[dict[str, object]]:
    return [SlotSet("booking_outcome", outcome), *(SlotSet(name, None) for name in FLOW)]


async def test_list_appointments_to_cancel_numbers_them_soonest_first(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [first] = await soonest("gp_routine", count=1, days_ahead=3)
    [second] = await soonest("gp_routine", count=1, days_ahead=8)
    await book_for(sender, second)
    await book_for(sender, first, label="AB")
    upcoming = await get_client().upcoming(patient_ref(sender))
    dispatcher = CollectingDispatcher()

    events = await ActionListAppointments().run(
        dispatcher, tracker(sender, text="I need to cancel my appointment", intent="cancel_appointment"), DOMAIN)

    assert events == [*ended("appointments_listed"), SlotSet("change_kind", "cancel"),
                      SlotSet("upcoming_appointments", stored_all(upcoming)),
                      SlotSet("booking_step", "choosing_appointment"), SlotSet("time_wishes", None)]
    [message] = dispatcher.messages
    assert message["response"] == "utter_list_appointments_cancel"
    assert [b["title"] for b in message["buttons"]] == [f"{n}. {appointment_line(b)}"
                                                        for n, b in enumerate(upcoming, start=1)]
    assert message["buttons"][0]["title"].endswith(", for AB")


async def test_list_appointments_to_reschedule_uses_the_reschedule_wording(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("practice_nurse", count=1, days_ahead=3)
    await book_for(sender, slot)
    dispatcher = CollectingDispatcher()

    events = await ActionListAppointments().run(dispatcher, tracker(sender, intent="reschedule_appointment"), DOMAIN)

    assert responses(dispatcher) == ["utter_list_appointments_reschedule"]
    assert SlotSet("change_kind", "reschedule") in events


async def test_list_appointments_with_none_booked_says_so(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionListAppointments().run(dispatcher, tracker(intent="cancel_appointment"), DOMAIN)

    assert events == ended("no_appointments")
    assert responses(dispatcher) == ["utter_no_appointments"]


async def test_list_appointments_backend_down(monkeypatch: pytest.MonkeyPatch) -> None:
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionListAppointments().run(dispatcher, tracker(intent="cancel_appointment"), DOMAIN)

    assert events == ended("backend_down")
    assert responses(dispatcher) == ["utter_backend_down"]
