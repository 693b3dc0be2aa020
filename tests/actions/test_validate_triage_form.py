"""validate_triage_form: only the questions the rules need, branching, the red-flag checklist, help after two
misses, confirm or correct."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.triage_answers import who_from_complaint
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
                      SlotSet("for_dependant", True), SlotSet("dependant_label", "son"), asked("age_band")]


async def test_validate_triage_form_someone_else_by_button_clears_an_old_label() -> None:
    events, _ = await run("/inform", entities=[{"entity": "who_is_ill", "value": "someone_else"}],
                          slots={"triage_complaint": UTI, "requested_slot": "who_is_ill", "dependant_label": "Ollie"})
    assert SlotSet("for_dependant", True) in events and SlotSet("dependant_label", None) in events


async def test_validate_triage_form_for_me_clears_a_label_from_an_earlier_problem() -> None:
    events, _ = await run("for me", slots={"triage_complaint": UTI, "requested_slot": "who_is_ill",
                                           "dependant_label": "son"})
    assert SlotSet("for_dependant", False) in events and SlotSet("dependant_label", None) in events


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


@pytest.mark.parametrize(("text", "label", "age"), [
    ("my lad has had a rash since yesterday, my son is 7", "son", "5_to_15"),
    ("my daughter has earache, she's 6", "daughter", "5_to_15"),
    ("my husband has had a cough for a week", "husband", None),
    ("our baby has been sick twice today", "baby", None),
    ("my 3 year old has a temperature", "child", "1_to_4"),
    ("booking for my mum, she's 81 and has a chesty cough", "mum", "65_plus"),
])
async def test_validate_triage_form_first_message_for_someone_else_is_not_asked_again(
        text: str, label: str, age: str | None) -> None:
    events, _ = await run(text, "describe_symptoms")
    assert SlotSet("who_is_ill", "someone_else") in events
    assert SlotSet("for_dependant", True) in events and SlotSet("dependant_label", label) in events
    if age:
        assert SlotSet("age_band", age) in events
    assert events[-1] not in (asked("who_is_ill"), *([asked("age_band")] if age else []))


async def test_validate_triage_form_she_is_7_is_someone_else_without_a_label() -> None:
    events, _ = await run("she's 7 and keeps being sick", "describe_symptoms")
    assert SlotSet("who_is_ill", "someone_else") in events and SlotSet("age_band", "5_to_15") in events
    assert SlotSet("dependant_label", None) in events
    assert events[-1] not in (asked("who_is_ill"), asked("age_band"))


@pytest.mark.parametrize("text", [
    "I've had a sore throat for 3 days",
    "my husband thinks I have flu",
    "me and my son both have colds",
    "my mum had breast cancer and I've found a lump",
    "my son's cough is keeping me up at night",
])
async def test_validate_triage_form_asks_who_when_the_first_message_does_not_say_plainly(text: str) -> None:
    events, _ = await run(text, "describe_symptoms")
    assert not any(event.get("name") == "who_is_ill" for event in events)
    assert events[-1] == asked("who_is_ill")


@pytest.mark.parametrize(("text", "who", "label"), [
    ("my little girl has a cough", "someone_else", "daughter"),
    ("for my wife, she needs a smear", "someone_else", "wife"),
    ("I'm worried about my dad, he's very confused", "someone_else", "dad"),
    ("my son and daughter both have chickenpox", "someone_else", None),
    ("my 2 year old boy has diarrhoea", "someone_else", "son"),
    ("for him please, he's got a cough", "someone_else", None),
    ("my brother in law has a rash", None, None),
    ("my baby has stopped kicking", None, None),
    ("my baby is moving less than usual at 34 weeks", None, None),
    ("sore throat for 3 days", None, None),
])
def test_who_from_complaint_reads_only_what_is_plain(text: str, who: str | None, label: str | None) -> None:
    assert who_from_complaint(text) == (who, label)
