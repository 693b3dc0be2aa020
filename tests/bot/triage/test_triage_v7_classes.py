"""Failure classes fixed in the contrast-set review (pairs of messages one detail apart).

Every example is invented for this test; none is taken from an evaluation set. Each class is
caught by what people see and feel in lay words, and each has a twin one detail away that must
not be pushed up (a denied or resolved detail stays denied).
"""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage
from bot.triage.text_answers import read_answers

EMERGENCY = {Disposition.EMERGENCY_999, Disposition.A_AND_E}


def _rule_ids(text: str) -> list[str]:
    return [rule.id for rule in triage(text).fired_rules]


def _current(text: str) -> set[str]:
    return {m.concept for m in triage(text).concepts if m.is_current}


@pytest.mark.parametrize(("text", "rule_id"), [
    # torn Achilles: a snap or a kick felt at the heel, no tiptoe
    ("jumping for a rebound I heard a pop at my heel, like a kick from behind, can't go up on my toes",
     "AE-ACHILLES-RUPTURE"),
    # memory loss after a blow or a crash
    ("my son fell off the climbing frame, he doesn't remember falling and keeps asking the same thing again",
     "AE-HEAD-INJURY-MEMORY-LOSS"),
    # the glass test told with the glass far from the spots
    ("she's boiling and has little spots on her tummy and back that do not fade when I press a tumbler",
     "E999-NON-BLANCHING-RASH"),
    # loin-to-groin pain with a temperature
    ("stabbing pain from my back round into my groin since lunch and I'm shivering", "AE-LOIN-GROIN-PAIN-FEVER"),
    # orbital cellulitis
    ("his eyelid is puffy and red and it hurts him to look sideways, he's got a fever", "AE-ORBITAL-CELLULITIS"),
    # a bite with puncture wounds
    ("a cat bit my wrist this morning, two deep puncture marks", "AE-BITE-BROKEN-SKIN"),
    # farewells in someone who is low
    ("my brother has been really low since the divorce and has given away his guitar and said his goodbyes",
     "E999-SUICIDE-WARNING-SIGNS"),
    # delirium after stopping heavy drinking
    ("he quit drinking on monday after years on cider, now he's confused and hearing voices",
     "AE-ALCOHOL-WITHDRAWAL-DELIRIUM"),
    # blood pressure in the crisis range read from numbers, with symptoms
    ("bp machine said 210/125 twice, I've got a thumping headache", "AE-HYPERTENSIVE-CRISIS-SYMPTOMS"),
    # a swollen face with trouble swallowing
    ("toothache for days, now my jaw is really swollen and it's difficult to swallow", "AE-DENTAL-SWELLING-SWALLOWING"),
    # a knee that locked after a twist
    ("went over on my knee skiing, it's locked and I can't straighten it", "AE-KNEE-LOCKED-OR-UNUSABLE"),
    # a crash is trauma: neck pain with tingling arms
    ("rear-ended on the motorway an hour ago, neck hurts and both arms are tingling", "E999-NECK-INJURY-NEURO"),
])
def test_each_class_reaches_an_emergency(text: str, rule_id: str) -> None:
    result = triage(text)
    assert result.disposition in EMERGENCY
    assert rule_id in _rule_ids(text)


def test_a_hypo_read_from_a_number_with_drowsiness_is_999() -> None:
    result = triage("she's type 1, her sugar is 2.9 and she's too sleepy to eat anything")
    assert result.disposition == Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", [
    # a bite that did not break the skin
    "the dog nipped my ankle but didn't break the skin, just a pink mark",
    # spots that do fade
    "he has a temperature and some spots on his arms that fade when I press a glass on them",
    # the glass test stated as reassurance with nothing that stays
    "no spots anywhere, I looked all over him, he's eating and playing",
    # low mood with no farewells
    "my wife has been low for a few weeks, she says she isn't thinking of hurting herself",
    # cuts that are not deep and have stopped bleeding are not severe bleeding
    "scraped my knee on the path, it's not deep and has stopped bleeding",
])
def test_twins_are_not_emergencies(text: str) -> None:
    assert triage(text).disposition not in EMERGENCY


@pytest.mark.parametrize(("text", "concept"), [
    ("the dog nipped my ankle but didn't break the skin", "bite_broken_skin"),
    ("I feel ok in between the fevers", "cauda_equina"),
    ("the grass is cut every week and my eyes stream", "self_harm"),
    ("a burning ache on the left of my ribs", "serious_burn"),
    ("burning feeling coming up into my throat after a curry", "fever"),
])
def test_misread_words_are_not_current(text: str, concept: str) -> None:
    assert concept not in _current(text)


def test_denied_broken_skin_is_negated_with_its_spread_out_words() -> None:
    statuses = {m.status for m in triage("the dog nipped my ankle, no puncture wounds at all").concepts
                if m.concept == "bite_broken_skin"}
    assert statuses == {"negated"}


@pytest.mark.parametrize(("text", "concepts"), [
    ("bp is 190/100", {"very_high_bp"}),
    ("blood pressure 150/95 this morning", set()),
    ("pain is 8/10", set()),
    ("sugar is 3.1", {"hypoglycaemia"}),
    ("sugars are 7.8 after tea", set()),
    ("sugar was 2.8 but he's had juice and is fine now", set()),
])
def test_readings_from_numbers(text: str, concepts: set[str]) -> None:
    found = {m.concept for m in read_answers(text).mentions} - {"fever", "very_high_fever"}
    assert found == concepts


def test_very_high_bp_without_symptoms_is_seen_the_same_day() -> None:
    result = triage("home monitor keeps reading 185/122, I feel fine")
    assert result.disposition == Disposition.GP_URGENT_SAME_DAY


def test_heartburn_told_in_lay_words_goes_to_the_pharmacist() -> None:
    result = triage("acid taste and a burning feeling behind my breastbone after big meals, antacids help")
    assert result.disposition == Disposition.PHARMACIST
