"""Misspelt red-flag words are mapped onto the vocabulary by edit distance; real words are not."""

from __future__ import annotations

import pytest

from bot.nlu.clinical_matcher import get_clinical_matcher
from bot.nlu.spelling import SpellingCorrector


def _current(text: str) -> set[str]:
    return {m.concept for m in get_clinical_matcher().find(text) if m.is_current}


@pytest.mark.parametrize(("text", "concept"), [
    ("cnt breeve", "cannot_breathe"),
    ("hevy bleading", "severe_bleeding"),
    ("stiff nek", "stiff_neck"),
    ("chesst pain", "chest_pain"),
    ("my testickle is really painfull", "testicular_pain"),
])
def test_spelling_misspelt_red_flags_are_recognised(text: str, concept: str) -> None:
    assert concept in _current(text)


def test_spelling_keeps_the_typed_text_in_the_mention() -> None:
    [match] = [m for m in get_clinical_matcher().find("bad chesst pain") if m.concept == "chest_pain"]
    assert match.text == "chesst pain"


def test_spelling_never_changes_real_english_words() -> None:
    corrector = SpellingCorrector(["chest", "neck", "bleeding"], known=["chess", "deck", "bleeping"])
    assert corrector.correct("chess") == "chess"
    assert corrector.correct("deck") == "deck"
    assert corrector.correct("bleeping") == "bleeping"
    assert _current("we played chess on deck") == set()


def test_spelling_leaves_short_words_and_guarded_words_alone() -> None:
    corrector = SpellingCorrector(["neck", "cant"], known=[], guard=["lol"])
    assert corrector.correct("ne") == "ne"
    assert corrector.correct("lol") == "lol"
    assert corrector.correct("nek") == "neck"


def test_spelling_distance_grows_with_length() -> None:
    corrector = SpellingCorrector(["throat", "unconscious"], known=[])
    assert corrector.correct("throaat") == "throat"  # one edit
    assert corrector.correct("unconsious") == "unconscious"
    assert corrector.correct("unconshus") == "unconshus"  # three edits: too far


def test_spelling_does_not_guess_between_two_equally_close_words() -> None:
    corrector = SpellingCorrector(["lump", "limp"], known=[])
    assert corrector.correct("lamp") == "lamp"


def test_spelling_reads_th_fronting() -> None:
    assert SpellingCorrector(["breathe"], known=[]).correct("breeve") == "breathe"
