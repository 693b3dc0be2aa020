"""Context that raises acuity, one meaning per word, the reason shown, and whose problem it is."""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage


def _rule_ids(text: str, answers: dict[str, str] | None = None) -> list[str]:
    return [rule.id for rule in triage(text, answers).fired_rules]


# ---------------------------------------------------------------- context modifiers


@pytest.mark.parametrize(("text", "rule_id", "disposition"), [
    ("shivery with a temperature, I had chemo on tuesday", "AE-NEUTROPENIC-SEPSIS", Disposition.A_AND_E),
    ("running a temp and I had my spleen removed years back", "AE-NEUTROPENIC-SEPSIS", Disposition.A_AND_E),
    ("pain low in my tummy and pain at the tip of my shoulder", "AE-ECTOPIC-SHOULDER-TIP", Disposition.A_AND_E),
    ("cramping tummy pain and my period is late", "U111-ABDOMINAL-PAIN-LATE-PERIOD", Disposition.URGENT_111),
    ("bumped my head on a cupboard, I take warfarin", "AE-HEAD-INJURY-ANTICOAGULATED", Disposition.A_AND_E),
    ("out of breath going up stairs since my knee replacement last week",
     "AE-BREATHLESS-AFTER-SURGERY-OR-BIRTH", Disposition.A_AND_E),
    ("feverish a few days after my operation", "U111-FEVER-AFTER-SURGERY-OR-BIRTH", Disposition.URGENT_111),
    ("I have heart failure and now a fever", "GPU-FEVER-LONG-TERM-CONDITION", Disposition.GP_URGENT_SAME_DAY),
])
def test_context_modifier_raises_the_complaint(text: str, rule_id: str, disposition: Disposition) -> None:
    result = triage(text)
    assert result.disposition is disposition
    assert result.fired_rules[0].id == rule_id


def test_context_modifier_alone_does_not_fire_anything_acute() -> None:
    assert not triage("I had chemo last year and feel fine, need a repeat prescription").is_emergency


def test_context_very_young_baby_with_temperature_from_numbers_is_an_emergency() -> None:
    assert triage("my 3 week old feels warm, 38.1 on the thermometer").is_emergency


# ---------------------------------------------------------------- one word, one meaning


def test_spots_on_the_skin_are_not_vaginal_spotting() -> None:
    result = triage("a rash of little spots on his arms")
    assert "vaginal_bleeding" not in {m.concept for m in result.concepts}
    assert "GPU-VAGINAL-BLEEDING" not in {rule.id for rule in result.fired_rules}
    assert triage("she's all spotty on her tummy").fired_rules[0].id != "GPU-VAGINAL-BLEEDING"


def test_spotting_is_still_vaginal_bleeding() -> None:
    assert "GPU-VAGINAL-BLEEDING" in _rule_ids("a bit of spotting between periods")


# ---------------------------------------------------------------- the reason shown


def test_reason_is_the_rule_that_set_the_disposition() -> None:
    result = triage("spotty rash and a temperature of 38.5")
    top = result.fired_rules[0]
    assert top.disposition is result.disposition
    assert top.id == "GPU-SKIN-INFECTION-FEVER"


def test_reason_prefers_the_rule_the_patient_words_matched_most() -> None:
    # Both rules are A&E; the one naming both things the patient said comes first.
    result = triage("tummy pain and pain at the tip of my shoulder, I'm 12 weeks pregnant")
    assert result.disposition is Disposition.A_AND_E
    assert result.fired_rules[0].id in {"AE-ECTOPIC-SHOULDER-TIP", "AE-ABDOMINAL-PAIN-PREGNANT"}
    assert all(r.disposition.acuity <= result.fired_rules[0].disposition.acuity for r in result.fired_rules)


# ---------------------------------------------------------------- whose problem, and when


@pytest.mark.parametrize("text", ["my dad had a heart attack", "my mum had a stroke when she was 70",
                                  "what should I do if I get chest pain",
                                  "in case I ever get chest pain on the plane"])
def test_other_person_history_and_hypothetical_do_not_fire(text: str) -> None:
    assert not triage(text).is_emergency


def test_other_person_now_still_fires() -> None:
    assert triage("my dad is having a heart attack").is_emergency
    assert triage("my dad just had a stroke, his face is drooping").is_emergency


def test_inability_is_never_negation_even_with_hypothetical_words_nearby() -> None:
    assert triage("can't breathe, what should I do").is_emergency
    assert triage("cnt breeve properly").is_emergency


def test_family_history_does_not_hide_the_patients_own_symptom() -> None:
    result = triage("my dad had a heart attack at 50 and now I have crushing chest pain")
    assert result.is_emergency
