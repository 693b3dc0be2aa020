"""action_emergency: the advice first, the form stopped, the booking ended and any held slot let go."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_emergency import ActionEmergency
from actions.backend_client import close_client, get_client
from actions.booking_reset import abandon_booking
from actions.patient_ref import patient_ref
from actions.triage_state import reset_form
from bot.nlu.clinical_entities import CRISIS
from channels.sms_text import SMS_MAX_SEGMENTS, segment_count, sms_messages, to_gsm7
from tests.actions.triage_trackers import domain, tracker

pytestmark = pytest.mark.anyio


def red_flag(value: str) -> list[dict[str, Any]]:
    return [{"entity": "red_flag", "value": value, "start": 0, "end": 5}]


async def after_advice(disposition: str) -> list[dict[str, Any]]:
    ended = await abandon_booking(tracker("", "describe_symptoms"), "action_emergency")  # no hold: no HTTP
    return [ActiveLoop(None), SlotSet("requested_slot", None), *ended, *reset_form(),
            SlotSet("triage_disposition", disposition), SlotSet("triage_outcome", "emergency"),
            SlotSet("routed_service", None)]


async def test_action_emergency_in_a_form_gives_999_and_stops_the_form() -> None:
    dispatcher = CollectingDispatcher()
    hint = {"triage": {"emergency": True, "advice": "Call 999 now. Face drooping can be a stroke."}}
    events = await ActionEmergency().run(dispatcher, tracker("my face has dropped", "describe_symptoms",
                                                             entities=red_flag("emergency_999"), extra=hint,
                                                             slots={"requested_slot": "age_band"}), domain())
    assert dispatcher.messages[0]["response"] == "utter_emergency_999"
    assert dispatcher.messages[0]["advice"] == "Call 999 now. Face drooping can be a stroke."
    assert events == await after_advice("emergency_999")


async def test_action_emergency_crisis_gives_the_crisis_lines() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker("...", "describe_symptoms", active_loop=None,
                                                             entities=red_flag("mental_health_crisis")), domain())
    [message] = dispatcher.messages
    assert message["response"] == "utter_emergency_crisis"
    assert "116 123" in message["advice"] and "option 2" in message["advice"]
    assert events == await after_advice("emergency_999")
    crisis = domain()["responses"]["utter_emergency_crisis"][0]["text"].format(advice=message["advice"])
    assert all(line in crisis for line in ("999", "NHS 111 and choose option 2", "Samaritans free on 116 123"))
    assert crisis.count("116 123") == 1  # the lines are given once


async def test_action_emergency_a_and_e() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker("coughing up blood", "describe_symptoms",
                                                             entities=red_flag("a_and_e")), domain())
    assert dispatcher.messages[0]["response"] == "utter_emergency_a_and_e"
    assert events == await after_advice("a_and_e")


async def test_action_emergency_releases_a_held_slot(shared_client_on_backend: str) -> None:
    state = tracker("crushing chest pain", "describe_symptoms", entities=red_flag("emergency_999"))
    slot = (await get_client().search_slots("gp_routine", limit=1))[0]
    hold = await get_client().hold(slot.id, patient_ref(state.sender_id), idempotency_key="test-emergency-hold")
    state.slots.update({"hold_id": hold.id, "booking_step": "confirming_booking"})

    events = await ActionEmergency().run(CollectingDispatcher(), state, domain())

    assert SlotSet("hold_id", None) in events and SlotSet("booking_step", None) in events
    other = await get_client().hold(slot.id, patient_ref("someone else entirely"), idempotency_key="test-other-hold")
    assert other.slot_id == slot.id  # the slot is free again at once, not after the hold lapses


async def test_action_emergency_with_the_backend_down_still_gives_the_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKING_BACKEND_URL", "http://127.0.0.1:9")  # nothing listens there
    dispatcher = CollectingDispatcher()
    state = tracker("chest pain", "describe_symptoms", entities=red_flag("emergency_999"), slots={"hold_id": 7})
    await close_client()
    try:
        events = await ActionEmergency().run(dispatcher, state, domain())
    finally:
        await close_client()
    assert dispatcher.messages[0]["response"] == "utter_emergency_999"
    assert SlotSet("hold_id", None) in events


@pytest.mark.parametrize("flag", ["emergency_999", "a_and_e", CRISIS])
async def test_action_emergency_advice_is_one_text_saying_what_to_do_once(flag: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker("...", "describe_symptoms", active_loop=None,
                                                    entities=red_flag(flag)), domain())
    [message] = dispatcher.messages
    text = domain()["responses"][message["response"]][0]["text"].format(advice=message["advice"])

    assert segment_count(to_gsm7(text)) <= SMS_MAX_SEGMENTS and sms_messages(text) == [to_gsm7(text)]
    assert text.count("Call 999 now") <= 1 and text.count("Go to A&E now") <= 1
    assert "999" in text
