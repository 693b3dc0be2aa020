"""Minor, self-limiting problems route to self-care or a pharmacist; red flags still win.

Every example is written in our own words (not taken from an evaluation set or a public vignette).
"""

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage

SELF_CARE = Disposition.SELF_CARE
PHARMACIST = Disposition.PHARMACIST
SAME_DAY = Disposition.GP_URGENT_SAME_DAY
ROUTINE = Disposition.GP_ROUTINE


@pytest.mark.parametrize("text", [
    "pulled a tick off my arm after the dog walk, skin looks normal",
    "I have a stye on my top eyelid, bit sore",
    "nicked my thumb with the bread knife, put a plaster on and it's fine",
    "my ears have been ringing since the concert last night",
    "my 3 year old has hand foot and mouth, slight temperature, drinking fine",
    "15 weeks pregnant and the morning sickness is rough but I'm keeping water down",
    "I go light headed for a second when I stand up too quickly",
    "tight band around my forehead after staring at screens all day",
    "stomach bug going round the office, been sick twice and got the runs, keeping fluids down",
    "my kid has one of his migraines again, been sick once, sleeping it off in the dark, same as always",
    "slept awkwardly on the sofa and my neck is stiff",
    "rolled my ankle jogging, swollen, can walk on it",
    "mild sunburn on my back from the garden, red but no blisters",
    "ears popping and blocked since the flight landed",
])
def test_minor_self_limiting_problems_are_self_care(text: str) -> None:
    assert triage(text).disposition is SELF_CARE, text


@pytest.mark.parametrize("text", [
    "I think I've got athlete's foot, itchy and peeling between my toes",
    "a verruca on the sole of my foot",
    "my partner has been told she has scabies, what do we do",
    "my eyes feel dry and gritty after long days at the laptop",
    "itchy raised bumps on my neck after trying a new washing powder",
    "think it's ear wax, my ear feels blocked",
    "stinging when I wee since this morning, I'm 30, not pregnant",
    "dull pain over my cheeks and a blocked nose for ten days",
    "my 6 year old keeps pulling at his ear and says it hurts",
    "band of little blisters round one side of my waist, tingled first",
    "golden crusts round my daughter's nose, she is 7 and well",
    "tummy ache and my toddler hasn't done a poo for three days",
    "sore throat for two days, no cough, no runny nose",
])
def test_pharmacist_problems_go_to_a_pharmacist(text: str) -> None:
    assert triage(text).disposition is PHARMACIST, text


def test_glandular_fever_with_a_sore_throat_goes_to_a_gp_not_the_pharmacy() -> None:
    assert triage("sore throat and the doctor said it's glandular fever").disposition is ROUTINE


def test_bit_is_not_an_insect_bite() -> None:
    result = triage("throat a bit scratchy, slight temperature")
    assert "insect_bite" not in {match.concept for match in result.concepts if match.is_current}


@pytest.mark.parametrize("text", [
    # a red flag or an acute concept still wins over the new self-care and pharmacist rules
    "hand foot and mouth but she hasn't had a wet nappy all day and won't drink",
    "stye on my eyelid and now the whole eye is red and painful and my vision is blurry",
    "rolled my ankle and I can't put any weight on it, it looks bent",
    "tension headache and now the worst headache of my life came on suddenly",
    "my 8 month old has hand, foot and mouth and a temperature of 39",
    "chickenpox spots on his tummy have gone red, hot and swollen and his temperature is back",
    "bloody diarrhoea with cramps and a temperature since yesterday",
    "32 weeks pregnant, heartburn and a bad headache, blurred vision and my face is swollen",
])
def test_red_flags_still_win(text: str) -> None:
    result = triage(text)
    assert result.disposition.acuity >= SAME_DAY.acuity, (text, result.disposition)


@pytest.mark.parametrize("text", [
    "bloating and crampy tummy pain on and off for about six months",
    "tired all the time for weeks, no cold or anything",
    # pre-eclampsia pain below the ribs can feel like heartburn: pregnancy heartburn stays with the GP
    "28 weeks pregnant and the heartburn is bad every night",
    "I'm 82 and go dizzy when I stand up quickly",
])
def test_long_running_problems_stay_with_the_gp(text: str) -> None:
    assert triage(text).disposition.acuity >= ROUTINE.acuity, text


def test_unrecognised_text_still_falls_back_to_gp_not_self_care() -> None:
    result = triage("something feels off and I can't put my finger on it")
    assert result.disposition is ROUTINE
