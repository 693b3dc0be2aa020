"""action_confirm_booking on real trackers against a real backend process."""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx
import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_confirm_booking import BOOKED_RESPONSES, ActionConfirmBooking, reminders_enabled
from actions.backend_client import Slot, get_client
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
BOOKING_YML = Path(__file__).parents[2] / "bot" / "domain" / "booking.yml"
BOOKING_RESPONSES = yaml.safe_load(BOOKING_YML.read_text(encoding="utf-8"))["responses"]
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
    assert dispatcher.messages[0]["response"] == BOOKED_RESPONSES.get(slot.channel, "utter_booked")
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


async def slot_delivered_by(channel: str) -> Slot:
    """A free slot seen by phone, by video or in person (the demo has each, in these services)."""
    for service in ("gp_routine", "pharmacist", "mental_health", "practice_nurse"):
        found = [slot for slot in await soonest(service, count=60, days_ahead=2) if slot.channel == channel]
        if found:
            return found[0]
    raise AssertionError(f"no {channel} slot in the demo data")


def confirmation_text(dispatcher: CollectingDispatcher) -> str:
    """The patient's confirmation as the domain words it."""
    return " ".join(BOOKING_RESPONSES[message["response"]][0]["text"].format(**message)
                    for message in dispatcher.messages)


@pytest.mark.parametrize(("channel", "response", "words"), [
    ("phone", "utter_booked_phone", "The practice will phone you at the time of the appointment."),
    ("video", "utter_booked_video", "The practice will text you a link to join the video call."),
    ("in_person", "utter_booked", None),
])
async def test_confirm_booking_says_how_the_practice_gets_in_touch(
    shared_client_on_backend: str, monkeypatch: pytest.MonkeyPatch, channel: str, response: str, words: str | None,
) -> None:
    monkeypatch.delenv("REMINDERS_ENABLED", raising=False)
    sender = new_sender()
    slot = await slot_delivered_by(channel)
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot)}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == [response]
    text = confirmation_text(dispatcher)
    assert text.startswith(f"Done, you're booked: {slot_summary(slot)}.")
    assert (words in text) if words else ("phone you" not in text and "link" not in text)
    assert "reminder" not in text


async def test_confirm_booking_promises_a_reminder_only_when_reminders_are_on(
    shared_client_on_backend: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REMINDERS_ENABLED", "1")
    sender = new_sender()
    slot = await slot_delivered_by("in_person")
    held = await hold_for(sender, slot)
    dispatcher = CollectingDispatcher()

    await ActionConfirmBooking().run(dispatcher, tracker(sender, slots={
        "hold_id": held, "held_slot": stored(slot)}, intent="affirm"), DOMAIN)

    assert responses(dispatcher) == ["utter_booked", "utter_booked_reminder"]
    assert confirmation_text(dispatcher).endswith("I'll send you a reminder before the day.")


@pytest.mark.parametrize(("value", "enabled"), [
    (None, False), ("", False), ("0", False), ("off", False), ("false", False),
    ("1", True), ("true", True), ("ON", True), (" yes ", True),
])
def test_reminders_enabled_is_off_unless_switched_on(value: str | None, enabled: bool) -> None:
    assert reminders_enabled({} if value is None else {"REMINDERS_ENABLED": value}) is enabled


def test_no_confirmation_promises_a_reminder_by_itself() -> None:
    for name in ("utter_booked", *BOOKED_RESPONSES.values()):
        assert "remind" not in BOOKING_RESPONSES[name][0]["text"], name
