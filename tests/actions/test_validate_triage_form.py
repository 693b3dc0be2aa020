"""validate_triage_form: only the questions the rules need, branching, the red-flag checklist, help after two
misses, confirm or correct."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_triage_form import ValidateTriageForm
from bot.triage.engine import triage
from tests.actions.triage_trackers import domain, sent, tracker

pytestmark = pytest.mark.anyio
UTI = "burning when i wee"
UTI_RED_FLAGS = ["RF-CANNOT-PEE", "RF-KIDNEY-PAIN", "RF-UTI-FEVER", "RF-UTI-VOMITING", "RF-BLOOD-IN-URINE"]


async def run(text: str, intent: str = "inform", **kwargs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateTriageForm().run(dispatcher, tracker(text, intent, **kwargs), domain())
    return events, sent(dispatcher)


def asked(slot: str | None) -> dict[str, Any]:
    return SlotSet("requested_slot", slot)


async def test_validate_triage_form_symptoms_start_it_and_ask_who_is_ill() -> None:
    events, said = await run(UTI, "describe_symptoms")
    assert events == [SlotSet("triage_complaint", UTI), SlotSet("triage_invalid_count", 0.0), asked("who_is_ill")]
    assert said == []


async def test_validate_triage_form_someone_else_sets_for_dependant_then_asks_their_age() -> None:
    events, _ = await run("its for my son", "for_someone_else",
                          slots={"triage_complaint": UTI, "requested_slot": "who_is_ill"})
    assert events == [SlotSet("who_is_ill", "someone_else"), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("for_dependant", True), asked("age_band")]


async def test_validate_triage_form_asks_pregnancy_only_for_women() -> None:
    base = {"triage_complaint": UTI, "who_is_ill": "self", "age_band": "16_to_64", "requested_slot": "sex"}
    female, _ = await run("", entities=[{"entity": "sex", "value": "female"}], slots=base)
    male, _ = await run("male", slots=base)
    assert female[-1] == asked("pregnant")
    assert male == [SlotSet("sex", "male"), SlotSet("triage_invalid_count", 0.0), asked("triage_checklist")]


async def test_validate_triage_form_asks_nothing_the_rules_do_not_need() -> None:
    events, _ = await run("for me", slots={"triage_complaint": "i need my blood pressure checked",
                                           "requested_slot": "who_is_ill"})
    assert events[-1] == asked("triage_checklist")  # no rule needs an answer: only the red-flag checklist


async def test_validate_triage_form_checklist_answered_goes_to_the_confirm_step() -> None:
    slots = {"triage_complaint": UTI, "who_is_ill": "self", "age_band": "16_to_64", "sex": "male",
             "requested_slot": "triage_checklist", "triage_checklist_shown": UTI_RED_FLAGS}
    events, _ = await run("/inform", entities=[{"entity": "triage_checklist", "value": "none"}], slots=slots)
    assert events == [SlotSet("triage_checklist", None), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("triage_red_flags", dict.fromkeys(UTI_RED_FLAGS, "no")), asked("triage_confirmed")]


async def test_validate_triage_form_checklist_yes_to_an_emergency_ends_the_form() -> None:
    slots = {"triage_complaint": "I've had a cough", "who_is_ill": "self", "age_band": "16_to_64",
             "duration": "1_to_3_days", "requested_slot": "triage_checklist",
             "triage_checklist_shown": ["RF-CANNOT-BREATHE", "RF-CHEST-PAIN"]}
    events, _ = await run("/inform", entities=[{"entity": "triage_checklist", "value": "RF-CANNOT-BREATHE"}],
                          slots=slots)
    assert events[-2:] == [SlotSet("triage_red_flags", {"RF-CANNOT-BREATHE": "yes"}), asked(None)]


async def test_validate_triage_form_typed_answers_are_read() -> None:
    slots = {"triage_complaint": UTI, "who_is_ill": "self", "requested_slot": "age_band"}
    events, _ = await run("im 72", slots=slots)
    assert events[0] == SlotSet("age_band", "65_plus")


async def test_validate_triage_form_unreadable_answer_is_asked_again_then_explained_with_a_way_out() -> None:
    slots = {"triage_complaint": UTI, "who_is_ill": "self", "requested_slot": "age_band"}
    first, said_first = await run("purple", slots=slots)
    second, said_second = await run("banana", slots={**slots, "triage_invalid_count": 1.0})
    assert first == [SlotSet("age_band", None), SlotSet("triage_invalid_count", 1.0), asked("age_band")]
    assert said_first == ["utter_triage_not_understood"]
    assert second == [SlotSet("age_band", None), SlotSet("triage_invalid_count", 2.0), asked("age_band")]
    assert said_second == ["utter_triage_help", "utter_triage_offer_stop"]


@pytest.mark.parametrize("intent", ["stop", "ask_help"])
async def test_validate_triage_form_stop_and_help_are_never_answers(intent: str) -> None:
    events, said = await run("stop", intent, slots={"triage_complaint": UTI, "requested_slot": "who_is_ill"})
    assert events == [asked("who_is_ill")]  # nothing filled: the form rejects and the rules act
    assert said == []


async def test_validate_triage_form_an_emergency_from_the_answers_ends_the_form() -> None:
    events, _ = await run("really bad", slots={"triage_complaint": "short of breath", "who_is_ill": "self",
                                               "requested_slot": "severity"})
    assert events == [SlotSet("severity", "severe"), SlotSet("triage_invalid_count", 0.0), asked(None)]


CONFIRMING = {"triage_complaint": UTI, "who_is_ill": "self", "age_band": "16_to_64", "sex": "male",
              "triage_red_flags": dict.fromkeys(UTI_RED_FLAGS, "no"), "requested_slot": "triage_confirmed"}


async def test_validate_triage_form_confirmed_ends_the_form() -> None:
    events, _ = await run("yes", "affirm", slots=CONFIRMING)
    assert events == [SlotSet("triage_confirmed", True), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("triage_correcting", False), asked(None)]


async def test_validate_triage_form_no_at_the_confirm_step_asks_what_to_change() -> None:
    events, _ = await run("no", "deny", slots=CONFIRMING)
    assert events == [SlotSet("triage_confirmed", None), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("triage_correcting", True), asked("triage_confirmed")]


async def test_validate_triage_form_changing_a_field_asks_it_again() -> None:
    events, _ = await run("", entities=[{"entity": "triage_field", "value": "age_band"}],
                          slots={**CONFIRMING, "triage_correcting": True})
    assert events == [SlotSet("triage_confirmed", None), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("age_band", None), SlotSet("triage_correcting", False),
                      SlotSet("triage_reask", "age_band"), asked("age_band")]


async def test_validate_triage_form_a_re_asked_answer_goes_back_to_the_summary() -> None:
    events, _ = await run("", entities=[{"entity": "age_band", "value": "65_plus"}],
                          slots={**CONFIRMING, "age_band": None, "triage_reask": "age_band",
                                 "requested_slot": "age_band"})
    assert events == [SlotSet("age_band", "65_plus"), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("triage_reask", None), asked("triage_confirmed")]


async def test_validate_triage_form_typed_correction_is_taken_and_summarised_again() -> None:
    events, _ = await run("no, i'm 70", slots=CONFIRMING)
    assert events == [SlotSet("triage_confirmed", None), SlotSet("triage_invalid_count", 0.0),
                      SlotSet("age_band", "65_plus"), SlotSet("triage_correcting", False),
                      asked("triage_confirmed")]


async def test_validate_triage_form_answers_in_the_complaint_are_not_asked_again() -> None:
    if not hasattr(triage("x"), "answers_from_text"):
        pytest.skip("the engine does not read answers from the text yet")
    events, _ = await run("I'm 67 and I've had a cough for 2 days", "describe_symptoms")
    assert SlotSet("age_band", "65_plus") in events and SlotSet("duration", "1_to_3_days") in events
    assert events[-1] == asked("who_is_ill")
