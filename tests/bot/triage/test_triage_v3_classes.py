"""Failure classes fixed in rules 2025.3.0 / vocabulary 3: red flags in lay words and in combination.

Every example is invented for this test; none is taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage


def _rule_ids(text: str) -> list[str]:
    return [rule.id for rule in triage(text).fired_rules]


@pytest.mark.parametrize(("text", "rule_id"), [
    # injuries: a fall or knock plus a swollen or useless limb; cannot get up; neck pain with tingling
    ("tripped on the kerb and my elbow is swollen and bruised", "AE-SUSPECTED-FRACTURE"),
    ("came off his scooter, now his forearm is swollen and he can't lift it", "AE-SUSPECTED-FRACTURE"),
    ("grandad has fallen in the garden and can't get up", "E999-FALL-CANNOT-GET-UP"),
    ("she fell down the stairs. her neck is sore and her fingers are numb", "E999-NECK-INJURY-NEURO"),
    # weakness creeping up from the feet
    ("numbness started in my toes and is creeping up to my knees", "AE-ASCENDING-WEAKNESS"),
    # context that turns a common complaint into an emergency
    ("known kidney stones and now shivering with a high temperature", "AE-KIDNEY-STONE-FEVER"),
    ("he has glandular fever and woke with a stabbing tummy ache", "AE-GLANDULAR-FEVER-TUMMY-PAIN"),
    ("two of his toes have turned black and he has a fever", "AE-GANGRENE-SIGNS"),
    ("the graze on my shin is infected and I'm shivering", "AE-INFECTION-WITH-RIGORS"),
    ("I used to inject heroin and I have back pain and a fever", "AE-BACK-PAIN-SPINAL-INFECTION"),
    ("prostate cancer in my bones, new lower back pain and my legs are numb",
     "AE-SPINAL-CORD-COMPRESSION-CANCER"),
    # eyes, ears, nose, throat
    ("some oven cleaner splashed into my eye", "AE-CHEMICAL-EYE"),
    ("a sliver of glass flew into my eye when the jar broke", "AE-PENETRATING-EYE-INJURY"),
    ("Bright light really bothers my eye. That eye looks all blurry",
     "AE-EYE-LIGHT-SENSITIVE-BLURRED"),
    ("my 4 year old pushed a pea up his nose and it's stuck", "AE-FOREIGN-BODY-EAR-NOSE"),
    ("a chicken bone is stuck in my throat", "AE-THROAT-FOREIGN-BODY"),
    ("there's a hot red lump behind her ear", "AE-MASTOIDITIS"),
    # tummy
    ("Nan hasn't opened her bowels in a week. Her tummy is bloated and hard", "AE-BOWEL-NOT-OPENED-DISTENDED"),
    ("30 weeks pregnant with tightenings coming every five minutes", "AE-PRETERM-LABOUR"),
    # allergy, drugs, suicide
    ("Had my booster jab an hour ago. Now my throat is tight and raspy", "E999-ANAPHYLAXIS-THROAT-AFTER-TRIGGER"),
    ("my friend took pills at a festival and her jaw is clenching", "E999-DRUG-TOXICITY"),
    ("I've written a letter to my kids to say goodbye", "E999-SUICIDE-PREPARATION"),
])
def test_v3_class_fires_its_rule(text: str, rule_id: str) -> None:
    assert rule_id in _rule_ids(text)
    assert triage(text).is_emergency


@pytest.mark.parametrize("text", [
    "my mum can't wake him properly, he's so drowsy",  # inability to wake: unconscious
    "blood is squirting out of the cut on his arm",  # arterial bleed in lay words
    "my chest feels tite and it's going down my left arm",  # misspelt tightness; spreading pain
    "cant get full sentences out, my asthma is awful",  # unable to speak in sentences
    "my newborn is grunting and the skin between his ribs goes in",  # recession
    "she was thinking about ending her life and has saved up her pills",  # thoughts + plan
    "vomited stuff that looks like coffee granules",  # altered blood
    "type 1 and my breath smells like pear drops",  # DKA
])
def test_lay_words_for_known_red_flags_are_emergencies(text: str) -> None:
    assert triage(text).is_emergency


@pytest.mark.parametrize(("text", "not_rule"), [
    ("got a banging head from too much screen time", "AE-HEAD-INJURY-WITH-SIGNS"),  # a headache, not a blow
    ("red line going up my arm from a scratch", "E999-PAIN-SPREADING"),  # spreading redness, not cardiac pain
    ("can't wee at all since last night", "E999-SEPSIS-SIGNS"),  # retention (A&E), not sepsis
])
def test_v3_patterns_do_not_over_reach(text: str, not_rule: str) -> None:
    assert not_rule not in _rule_ids(text)


def test_a_sprain_without_a_fall_is_not_a_fracture() -> None:
    assert triage("sprained my ankle playing football last week").disposition != Disposition.A_AND_E
