"""Failure classes fixed after the request-set review (rules 2025.7.0, vocabulary 8).

Every example is invented for this test; none is taken from an evaluation set. Each class is caught
by lay words and a mechanism (any person, any method, any order), and each has look-alikes that must
not become emergencies.
"""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage

EMERGENCY = {Disposition.EMERGENCY_999, Disposition.A_AND_E}


def _rule_ids(text: str) -> list[str]:
    return [rule.id for rule in triage(text).fired_rules]


@pytest.mark.parametrize("text", [
    # stated intent, any person, any method
    "my son has just said he is going to hang himself tonight",
    "she texted that she's gonna drown herself in the canal",
    "they keep saying they're going to kill themselves",
    "my flatmate is threatening to throw himself off the multi storey",
    "I'm going to overdose myself on everything in the cupboard",
    "he said he is about to step in front of a train",
    "my wife told me she's going to jump off the bridge by the station",
    "he wants to hang himself, he keeps looking at the loft beam",
])
def test_suicide_intent_any_person_any_method_is_999(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", [
    "I'm sitting on the ledge of the car park roof",
    "my brother rang me, he's standing on the edge of the cliff at the beach",
    "she is stood on the edge of the platform and won't come back",
    "I'm on the bridge right now and I can't do this",
])
def test_at_a_place_to_jump_from_is_999(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", [
    "I've been so low for weeks, cancel my appointments please, I won't need them anymore",
    "suicidal again and I won't be needing any appointments",
])
def test_farewell_words_with_low_mood_are_999(text: str) -> None:
    assert "E999-SUICIDE-FAREWELL-WORDS" in _rule_ids(text)


@pytest.mark.parametrize("text", [
    "cancel my physio sessions please, I won't need them, the knee is much better",
    "I need to hang the washing out but my shoulder hurts when I lift my arm",
    "I feel on edge all the time and can't relax",
    "sitting on the edge of the bed my lower back aches",
    "I'm standing on the platform waiting for a delayed train, can I move my appointment",
    "the bridge of my nose is sore since I started wearing new glasses",
    "he's going to the gym to get himself fit, can he have a health check",
])
def test_suicide_look_alikes_are_not_emergencies(text: str) -> None:
    assert triage(text).disposition not in EMERGENCY


@pytest.mark.parametrize("text", [
    "my dad got a sudden horrible headache an hour ago and now he's very drowsy",
    "sudden awful headache and my wife is now confused and not making much sense",
    "my sister had a sudden blinding headache and I can't get any sense out of her",
])
def test_sudden_severe_headache_with_drowsiness_or_confusion_is_999(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999


def test_ordinary_headache_is_not_an_emergency() -> None:
    assert triage("headache after a long day staring at screens, fine with paracetamol").disposition not in EMERGENCY


@pytest.mark.parametrize("text", [
    "my husband fell off a ladder, his neck hurts and he can't move his legs",
    "builder fell from the scaffold, back is agony and he can't feel his feet",
])
def test_fall_with_spinal_pain_and_lost_leg_feeling_is_999(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999


@pytest.mark.parametrize("text", [
    "stung by a bee ten minutes ago and now my breathing is really fast and I feel faint",
    "my daughter got stung by a wasp, she's come up in swelling all over her body",
])
def test_sting_with_anaphylaxis_signs_is_999(text: str) -> None:
    assert triage(text).disposition is Disposition.EMERGENCY_999


def test_sting_with_local_swelling_only_is_not_an_emergency() -> None:
    assert triage("wasp sting on my hand, a bit swollen and itchy, otherwise fine").disposition not in EMERGENCY


@pytest.mark.parametrize("text", [
    "my mum thinks it's indigestion in her chest but she's sweating and looks grey",
    "heartburn in my chest that won't settle and I'm cold and clammy",
])
def test_chest_indigestion_with_clamminess_is_999(text: str) -> None:
    assert "E999-CHEST-INDIGESTION-CLAMMY" in _rule_ids(text)


@pytest.mark.parametrize("text", [
    "indigestion in my chest after a curry, settles with gaviscon",
    "bad indigestion after meals for weeks, what can I take",
])
def test_indigestion_alone_is_not_an_emergency(text: str) -> None:
    assert triage(text).disposition not in EMERGENCY


def test_baby_with_big_head_swelling_after_a_fall_goes_to_a_and_e() -> None:
    text = "my 6 month old rolled off the sofa and now has a big squishy lump on his forehead"
    result = triage(text)
    assert result.disposition in EMERGENCY
    assert "AE-INFANT-HEAD-SWELLING" in _rule_ids(text)


def test_older_child_small_bump_is_not_an_emergency() -> None:
    text = "my 6 year old bumped his head on the table, small lump, playing happily"
    assert triage(text).disposition not in EMERGENCY


@pytest.mark.parametrize("text", [
    "my husband collapsed during his parkrun, he came round after a minute",
    "she passed out while playing netball, seems fine now",
    "during the rugby match my son suddenly collapsed",
])
def test_collapse_during_exercise_goes_to_a_and_e(text: str) -> None:
    assert "AE-EXERCISE-COLLAPSE" in _rule_ids(text)


@pytest.mark.parametrize("text", [
    "she exercises a lot and fainted at the hairdresser today",
    "fainted when I had my blood taken, always happens with needles",
])
def test_fainting_not_during_exercise_is_not_exercise_collapse(text: str) -> None:
    assert "AE-EXERCISE-COLLAPSE" not in _rule_ids(text)


def test_unable_to_pee_at_all_is_retention() -> None:
    assert "AE-URINARY-RETENTION" in _rule_ids("grandad hasn't been able to pee at all today and his belly is swollen")


def test_cannot_feel_when_the_bladder_is_full_is_cauda_equina() -> None:
    text = "since my spinal surgery my legs feel weak and I can't feel when I need to wee"
    assert triage(text).disposition in EMERGENCY


def test_a_later_headache_after_a_head_knock_on_anticoagulants_goes_to_a_and_e() -> None:
    text = "still got a headache three days after whacking my head on the shelf, I take apixaban"
    assert "AE-HEAD-INJURY-ANTICOAGULATED" in _rule_ids(text)


def test_bloody_diarrhoea_stays_urgent_not_emergency() -> None:
    # NHS: bloody diarrhoea -> urgent GP appointment or NHS 111; A&E only for heavy bleeding.
    result = triage("diarrhoea with blood in it several times today and I feel rough")
    assert result.disposition not in EMERGENCY
    assert result.disposition.acuity >= Disposition.GP_URGENT_SAME_DAY.acuity
