"""The triage engine: emergencies, escalation only upwards, questions, answers and routing."""

import itertools
import logging

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage

EMERGENCY = Disposition.EMERGENCY_999


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("crushing chest pain", "E999-CHEST-PAIN"),
        ("pain down my left arm and into my jaw", "E999-PAIN-SPREADING"),
        ("cant breath, lips going blue", "E999-CANNOT-BREATHE"),
        ("dads face has dropped and hes slurring", "E999-STROKE"),
        ("lips swelling after peanuts", "E999-ANAPHYLAXIS"),
        ("cut wont stop bleeding", "E999-SEVERE-BLEEDING"),
        ("my baby is floppy and wont wake up", "E999-UNCONSCIOUS"),
        ("my son is having a fit", "E999-SEIZURE"),
        ("worst headache of my life", "E999-THUNDERCLAP-HEADACHE"),
        ("rash that doesnt fade under a glass", "E999-NON-BLANCHING-RASH"),
        ("stiff neck and a high temperature", "E999-MENINGITIS-SIGNS"),
        ("skin is mottled and not weed all day", "E999-SEPSIS-SIGNS"),
        ("nan is suddenly really confused", "E999-SUDDEN-CONFUSION"),
        ("want to end it all and i have a plan", "E999-SUICIDE-PLAN"),
        ("im going to jump off the bridge", "E999-SUICIDE-INTENT"),
        ("took all my tablets", "E999-OVERDOSE"),
    ],
)
def test_triage_emergency_class_calls_999(text: str, rule_id: str) -> None:
    result = triage(text)
    assert result.disposition is EMERGENCY
    assert result.is_emergency and result.is_complete and result.service is None
    assert rule_id in {rule.id for rule in result.fired_rules}
    assert "999" in result.advice


@pytest.mark.parametrize(
    "text",
    ["vomiting blood", "sudden pain in my testicle", "think ive broken my wrist",
     "back pain and numb between my legs", "my 3 week old has a temperature of 38"],
)
def test_triage_a_and_e_class_goes_to_a_and_e(text: str) -> None:
    assert triage(text).disposition is Disposition.A_AND_E


def test_triage_crisis_with_plan_gives_999_111_option_2_and_samaritans() -> None:
    result = triage("i want to kill myself, got the tablets ready")
    assert result.disposition is EMERGENCY
    for line in ("999", "NHS 111 and choose option 2", "Samaritans", "116 123"):
        assert line in result.advice


def test_triage_suicidal_thoughts_without_plan_is_urgent_with_crisis_lines() -> None:
    result = triage("i dont want to be here anymore")
    assert result.disposition is Disposition.URGENT_111
    assert "option 2" in result.advice and "116 123" in result.advice


def test_triage_low_mood_goes_to_mental_health() -> None:
    result = triage("feeling really low lately")
    assert result.disposition is Disposition.MENTAL_HEALTH
    assert result.service == "mental_health"


@pytest.mark.parametrize(
    "text",
    ["no chest pain just a cold", "not breathless just a runny nose", "denies chest pain, just coughing",
     "no lip swelling just hives", "no suicidal thoughts, just stressed",
     "had chest pain last year, need a repeat prescription"],
)
def test_triage_negated_or_past_red_flags_do_not_escalate(text: str) -> None:
    assert not triage(text).is_emergency


def test_triage_final_is_most_acute_of_all_fired_rules() -> None:
    result = triage("toothache and a sore throat and chest pain")
    fired = {rule.disposition for rule in result.fired_rules}
    assert {Disposition.DENTAL, Disposition.PHARMACIST, EMERGENCY} <= fired
    assert result.disposition is EMERGENCY
    assert result.fired_rules[0].disposition is EMERGENCY  # most acute listed first


SAMPLE = ["sore throat", "back pain", "toothache", "feeling low", "need a smear test", "cough",
          "blood in my poo", "short of breath", "cut wont stop bleeding", "hay fever"]


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(SAMPLE, 2)))
def test_triage_more_text_never_lowers_acuity(first: str, second: str) -> None:
    alone = max(triage(first).disposition.acuity, triage(second).disposition.acuity)
    assert triage(f"{first}. {second}").disposition.acuity >= alone


@pytest.mark.parametrize("text", ["headache", "burning when i wee", "tummy ache", "cough", "back pain"])
@pytest.mark.parametrize(("key", "value"), [("age_band", "65_plus"), ("severity", "severe"),
                                            ("sex", "male"), ("duration", "over_3_weeks"),
                                            ("onset", "sudden"), ("age_band", "16_to_64")])
def test_triage_answers_never_lower_acuity(text: str, key: str, value: str) -> None:
    assert triage(text, {key: value}).disposition.acuity >= triage(text).disposition.acuity


def test_triage_ml_proposal_cannot_lower() -> None:
    result = triage("crushing chest pain", ml_proposal="self_care")
    assert result.disposition is EMERGENCY


def test_triage_ml_proposal_can_raise_and_is_recorded() -> None:
    result = triage("sore throat", ml_proposal="gp_urgent_same_day")
    assert result.disposition is Disposition.GP_URGENT_SAME_DAY
    assert "ML-PROPOSAL" in {rule.id for rule in result.fired_rules}


def test_triage_unsure_answer_means_more_acute() -> None:
    sure = triage("headache", {"onset": "gradual", "severity": "mild"})
    unsure = triage("headache", {"onset": "unsure", "severity": "severe"})
    assert sure.disposition is Disposition.PHARMACIST
    assert unsure.disposition is EMERGENCY


def test_triage_questions_needed_lists_only_answers_that_could_raise() -> None:
    assert triage("crushing chest pain").questions_needed == ()
    first = triage("headache")
    assert "severity" in first.questions_needed and not first.is_complete
    answered = triage("headache", {"severity": "mild", "sex": "male", "duration": "1_to_3_days"})
    assert answered.questions_needed == () and answered.is_complete


def test_triage_pregnancy_asked_only_when_a_rule_needs_it() -> None:
    assert "pregnant" not in triage("burning when i wee").questions_needed
    assert "pregnant" in triage("burning when i wee", {"sex": "female"}).questions_needed
    assert "pregnant" not in triage("burning when i wee", {"sex": "male"}).questions_needed
    assert "pregnant" not in triage("back pain").questions_needed


def test_triage_uti_routes_by_sex_and_age() -> None:
    woman = {"sex": "female", "age_band": "16_to_64", "pregnant": "no"}
    assert triage("burning when i wee", woman).disposition is Disposition.PHARMACIST
    assert triage("burning when i wee", {**woman, "sex": "male"}).disposition is Disposition.GP_URGENT_SAME_DAY


def test_triage_never_asks_for_identity() -> None:
    asked = set()
    for text in [*SAMPLE, "headache", "burning when i wee", "tummy ache", ""]:
        asked.update(triage(text).questions_needed)
    assert asked <= {"age_band", "sex", "pregnant", "severity", "onset", "duration"}


def test_triage_invalid_answer_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="age_band"):
        triage("cough", {"age_band": "forty"})
    with pytest.raises(ValueError, match="nhs_number"):
        triage("cough", {"nhs_number": "123"})


def test_triage_unrecognised_text_goes_to_a_gp_not_self_care() -> None:
    result = triage("hello i need an appointment")
    assert result.disposition is Disposition.GP_ROUTINE
    assert [rule.id for rule in result.fired_rules] == ["FALLBACK-UNRECOGNISED"]


@pytest.mark.parametrize(
    ("text", "service"),
    [("need a smear test", "practice_nurse"), ("sore throat", "pharmacist"), ("back pain", "physiotherapist"),
     ("toothache", "dental"), ("need a repeat prescription", "gp_routine"), ("blood in my poo", "gp_urgent_same_day"),
     ("i have a cold", None), ("short of breath", None)],
)
def test_triage_disposition_maps_to_backend_service(text: str, service: str | None) -> None:
    assert triage(text).service == service


def test_triage_result_json_has_disposition_and_spans() -> None:
    data = triage("no fever but chest pain").to_dict()
    assert data["disposition"] == "emergency_999"
    statuses = {(c["concept"], c["status"]) for c in data["concepts"]}
    assert statuses == {("fever", "negated"), ("chest_pain", "current")}
    assert data["rules_version"]


def test_triage_logs_no_message_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    triage("my neighbour Jane Smith has crushing chest pain")
    assert "Jane" not in caplog.text and "crushing" not in caplog.text
