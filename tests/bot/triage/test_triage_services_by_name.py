"""Services asked for by name (rules 2025.8.0, vocabulary 9) route to the service that does them.

Every example is written in our own words (not taken from an evaluation set or a public vignette).
"""

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage

NURSE = Disposition.PRACTICE_NURSE
ROUTINE = Disposition.GP_ROUTINE
DENTAL = Disposition.DENTAL


def _routed(text: str) -> tuple[Disposition, list[str]]:
    result = triage(text)
    return result.disposition, [rule.id for rule in result.fired_rules]


@pytest.mark.parametrize("text", [
    "need my smear done",
    "got my smear letter through, can I book it",
    "I got a letter about my cervical screening",
    "the reminder for my smear came today",
    "can I have a pap test please",
    "booking in for my hpv test",
    "I'm overdue my cervical smear",
])
def test_cervical_screening_goes_to_the_nurse(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is NURSE and "NURSE-CERVICAL-SCREENING" in rules, text


@pytest.mark.parametrize("text", [
    "the hospital want me to have a blood test",
    "need to get my bloods taken",
    "got a blood form from the consultant",
    "need some blood work done before my clinic appointment",
    "fasting blood test please",
])
def test_blood_tests_go_to_the_nurse(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is NURSE and "NURSE-BLOOD-TEST" in rules, text


@pytest.mark.parametrize("text", [
    "the dressing on my shin needs changing",
    "need a new dressing on my leg ulcer",
    "my stitches need to come out on friday",
    "can the nurse check my wound after my op",
    "staples out from my knee op",
])
def test_dressings_and_wound_checks_go_to_the_nurse(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is NURSE and "NURSE-WOUND-CARE" in rules, text


@pytest.mark.parametrize("text", [
    "the nurse for my jabs",
    "flu jab please",
    "going to Kenya in March, what jabs do I need",
    "my little one is due her 12 month immunisations",
    "can I get my covid booster here",
    "34 weeks pregnant and need my whooping cough jab",
])
def test_vaccinations_go_to_the_nurse(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is NURSE and "NURSE-VACCINATION" in rules, text


@pytest.mark.parametrize("text", [
    "due a pill review",
    "need my contraceptive pill check",
    "my depo injection is due next week",
    "would like some contraception advice",
])
def test_contraception_reviews_go_to_the_nurse(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is NURSE and "NURSE-CONTRACEPTION" in rules, text


@pytest.mark.parametrize("text", [
    "I'd like a coil fitting",
    "need my coil changed, it's been 5 years",
    "want my implant out of my arm",
    "my nexplanon needs replacing",
    "can I get a mirena",
])
def test_coils_and_implants_go_to_a_routine_gp_appointment(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is ROUTINE and "GPR-COIL-OR-IMPLANT" in rules, text


def test_coil_fitting_is_not_a_fit() -> None:
    assert triage("booked for a coil fitting, can I move it").disposition is not Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", ["my son is fitting", "fitting for 3 minutes now", "she won't stop fitting"])
def test_fitting_is_still_a_seizure(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999, text


def test_not_fitting_stays_negated() -> None:
    assert triage("he is not fitting any more, just sleepy").disposition is not Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", [
    "my meds need reviewing",
    "can someone review my tablets",
    "due my annual medication review",
    "need a review of my medicines",
])
def test_medication_reviews_go_to_a_routine_gp_appointment(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is ROUTINE and "GPR-MEDICATION-REVIEW" in rules, text


@pytest.mark.parametrize("text", [
    "a filling's come out",
    "bit of my tooth fell out",
    "my filling dropped out while eating",
    "half my back tooth has snapped off",
    "my crown came off last night",
    "chipped a front tooth on a bottle",
    "my dentures have cracked",
])
def test_lost_fillings_and_broken_teeth_go_to_a_dentist(text: str) -> None:
    disposition, rules = _routed(text)
    assert disposition is DENTAL and rules == ["DENTAL-PROBLEM"], text


def test_a_filling_with_a_swollen_face_and_trouble_swallowing_is_still_urgent() -> None:
    result = triage("filling came out, now my face is swollen and I can't swallow")
    assert result.disposition.is_emergency


def test_dental_advice_names_the_dentist_and_nhs_111() -> None:
    advice = triage("a filling's come out").advice
    assert "dentist" in advice and "NHS 111" in advice
