"""action_triage_outcome: where to go and why, the routing slots, and an empty form afterwards."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_triage_outcome import ActionTriageOutcome
from actions.triage_state import reset_form
from bot.triage.engine import default_rules
from tests.actions.triage_trackers import domain, tracker

pytestmark = pytest.mark.anyio


async def outcome(slots: dict[str, object]) -> tuple[list[dict[str, object]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionTriageOutcome().run(dispatcher, tracker("yes", "affirm", slots=slots, active_loop=None),
                                             domain())
    return events, dispatcher


async def test_action_triage_outcome_routes_a_bookable_disposition() -> None:
    events, dispatcher = await outcome({"triage_complaint": "burning when i wee", "who_is_ill": "self",
                                        "age_band": "16_to_64", "sex": "female", "pregnant": "no"})
    assert events == [SlotSet("triage_disposition", "pharmacist"), SlotSet("triage_rules", ["PHARM-PHARMACY-FIRST"]),
                      SlotSet("triage_rules_version", default_rules().version),
                      SlotSet("routed_service", "pharmacist"), SlotSet("triage_outcome", "bookable"), *reset_form()]
    [message] = dispatcher.messages
    assert message["response"] == "utter_triage_outcome_pharmacist"
    assert "Pharmacy First" in message["advice"] and message["why"]


async def test_action_triage_outcome_answers_raise_the_disposition() -> None:
    events, dispatcher = await outcome({"triage_complaint": "burning when i wee", "sex": "male"})
    assert SlotSet("triage_disposition", "gp_urgent_same_day") in events or \
        SlotSet("triage_disposition", "gp_routine") in events
    assert dispatcher.messages[0]["response"].startswith("utter_triage_outcome_gp")


async def test_action_triage_outcome_urgent_offers_nothing_to_book() -> None:
    events, dispatcher = await outcome({"triage_complaint": "short of breath", "severity": "moderate"})
    assert SlotSet("triage_outcome", "urgent") in events and SlotSet("routed_service", None) in events
    assert dispatcher.messages[0]["response"] == "utter_triage_outcome_urgent_111"


async def test_action_triage_outcome_emergency_from_the_answers_gives_999() -> None:
    events, dispatcher = await outcome({"triage_complaint": "short of breath", "severity": "severe"})
    assert SlotSet("triage_disposition", "emergency_999") in events
    assert SlotSet("triage_outcome", "emergency") in events
    assert dispatcher.messages[0]["response"] == "utter_emergency_999"
    assert "999" in dispatcher.messages[0]["advice"]


async def test_action_triage_outcome_self_care_still_offers_a_routine_gp() -> None:
    events, _ = await outcome({"triage_complaint": "i've got a cold", "age_band": "16_to_64"})
    assert SlotSet("triage_outcome", "self_care") in events
    assert SlotSet("routed_service", "gp_routine") in events
