"""Words of hopelessness reach the mental-health questions; everyday words reach their complaint group."""

from __future__ import annotations

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage


@pytest.mark.parametrize("text", ["I don't see the point in anything anymore", "whats the point of anything",
                                  "honestly nothing matters anymore", "i feel numb inside"])
def test_hopelessness_is_low_mood_and_asks_about_ending_life_first(text: str) -> None:
    result = triage(text)
    assert "low_mood" in result.complaint_groups
    assert result.checklist[0].id == "RF-SUICIDAL-THOUGHTS"


@pytest.mark.parametrize("text", ["life isn't worth living", "sometimes i think life is not worth living"])
def test_life_not_worth_living_is_suicidal_thoughts_and_asks_about_a_plan(text: str) -> None:
    result = triage(text)
    assert result.disposition == Disposition.URGENT_111
    assert result.checklist[0].id == "RF-SUICIDE-PLAN"


@pytest.mark.parametrize(("text", "group", "first_question"), [
    ("my face feels numb", "weakness_numbness", "RF-FACE-DROOP"),
    ("my mum is a bit confused", "confusion", "RF-SEPSIS-SIGNS"),
    ("my eye is red and sore", "eye", "RF-VISION-LOSS"),
])
def test_everyday_words_reach_their_group_and_its_questions(text: str, group: str, first_question: str) -> None:
    result = triage(text)
    assert result.complaint_groups == (group,)
    assert result.checklist[0].id == first_question


def test_numb_face_is_not_low_mood() -> None:
    assert "low_mood" not in {c.concept for c in triage("my face feels numb").concepts}
