"""Failure classes fixed in rules 2025.5.0 / vocabulary 5 (the holdout review).

Every example is invented for this test; none is taken from an evaluation set. Each class is
caught by what people see and feel in lay words, shorthand and minimising language included.
"""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage

EMERGENCY = {Disposition.EMERGENCY_999, Disposition.A_AND_E}


def _rule_ids(text: str) -> list[str]:
    return [rule.id for rule in triage(text).fired_rules]


@pytest.mark.parametrize(("text", "rule_id"), [
    # a fit described by what it looks like, "had fit" without "a"
    ("my 2 yr old had fit with a high temp, went stiff and jerked, now very sleepy", "E999-SEIZURE"),
    ("little one had a first fit tonight, shaking all over for 2 mins", "E999-SEIZURE"),
    # overdose: number words, "about", "a lot of"
    ("I swallowed about fifteen of my sleeping tablets an hour ago", "E999-OVERDOSE"),
    ("took 30ish paracetamol last night, feel fine", "E999-OVERDOSE"),
    ("it's probably nothing but I took a lot of co-codamol earlier", "E999-OVERDOSE"),
    # low blood sugar and not alert
    ("mum's having a hypo and she's too drowsy to eat anything", "E999-HYPO-NOT-ALERT"),
    ("his blood sugar is low and he's confused and not making sense", "E999-HYPO-NOT-ALERT"),
    # head injury with fluid from the nose or blood from the ear
    ("fell off a ladder and banged my head, now watery fluid is coming out of my nose",
     "AE-HEAD-INJURY-FLUID-OR-EAR-BLEED"),
    ("he's concussed from rugby and there's blood coming from his ear", "AE-HEAD-INJURY-FLUID-OR-EAR-BLEED"),
    # a rash that blisters or peels with sore mouth or eyes or after a new medicine
    ("my skin is peeling off in sheets since the new tablets and my mouth is raw", "AE-BLISTERING-PEELING-RASH"),
    ("rash is blistering, sore eyes and mouth sores, started a new antibiotic", "AE-BLISTERING-PEELING-RASH"),
    # nosebleed with feeling faint, or still going despite pinching
    ("nose bleeding for ages and I feel dizzy and weak", "AE-NOSEBLEED-FAINT"),
    ("on warfarin, nosebleed, been pinching it for twenty minutes", "AE-PROLONGED-NOSEBLEED"),
    # in pregnancy, a gush or trickle of fluid
    ("I'm 30 weeks pregnant and there's a trickle of water that won't stop", "AE-FLUID-GUSH-PREGNANT-MENTIONED"),
    # cannot wee at all
    ("can't get any pee out and my lower tummy is bursting", "AE-URINARY-RETENTION"),
    ("I haven't weed since yesterday morning and my belly is swollen", "AE-URINARY-RETENTION"),
    # a shadow or curtain coming across the sight
    ("there's a grey shadow creeping in from the edge of my eye", "AE-VISION-LOSS"),
    # a hard tummy that hurts, or hurts to touch all over
    ("2 days after my c-section my belly has gone hard and really painful", "AE-SEVERE-ABDOMINAL-PAIN"),
    ("stomach hurts when I press anywhere, it's tender all over", "AE-SEVERE-ABDOMINAL-PAIN"),
    # after a birth: hallucinations or a fixed strange belief about the baby
    ("she had the baby 4 days ago and now she's seeing things", "AE-POSTPARTUM-PSYCHOSIS"),
    ("since giving birth last week my wife is convinced the baby has been swapped", "AE-POSTPARTUM-PSYCHOSIS"),
])
def test_class_is_caught(text: str, rule_id: str) -> None:
    result = triage(text)
    assert result.disposition in EMERGENCY
    assert rule_id in _rule_ids(text)


def test_fluid_gush_asks_about_pregnancy_first() -> None:
    result = triage("sudden gush of clear fluid from down below")
    assert "pregnant" in result.questions_needed
    assert triage("sudden gush of clear fluid from down below", {"pregnant": "yes"}).disposition \
        == Disposition.A_AND_E


@pytest.mark.parametrize("text", [
    "I need a fit note for work",
    "I'm fit and well, had a cough for 3 days",
    "my sugar was low earlier, had some jelly babies and feel fine now",
    "clear fluid running from my nose with a cold for 3 days",
    "the doctor saw a shadow on my lung x-ray and wants to talk about it",
    "burning when I wee and needing to go all the time",
    "I get the odd nosebleed when the heating dries my nose out",
    "I get flashing lights and zigzags before my migraines",
    "new mum, baby is 2 weeks old, I'm exhausted and weepy",
])
def test_lookalikes_are_not_emergencies(text: str) -> None:
    assert triage(text).disposition not in EMERGENCY


@pytest.mark.parametrize("text", [
    "I think bed bugs",
    "itchy bites every morning, I think bed bugs are after me",
])
def test_bed_bugs_are_not_psychosis(text: str) -> None:
    assert "psychosis" not in {match.concept for match in triage(text).concepts}


def test_stinging_when_peeing_is_a_urine_infection_not_retention_or_a_sting() -> None:
    # "can't pee without it stinging": every wee stings; neither retention (A&E) nor an insect sting.
    result = triage("I can't pee without it stinging, female 30")
    assert result.disposition == Disposition.PHARMACIST
    assert {c.concept for c in result.concepts} == {"uti_symptoms"}


def test_cannot_pee_at_all_is_still_an_emergency() -> None:
    assert triage("i cant pee").disposition == Disposition.A_AND_E
    assert triage("stung by a wasp and now my throat feels tight").disposition == Disposition.EMERGENCY_999
