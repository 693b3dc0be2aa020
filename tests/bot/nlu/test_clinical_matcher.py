"""The spaCy clinical matcher: concepts, spans, negation, history and misspellings."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.nlu.clinical_matcher import ConceptMatch, get_clinical_matcher

REPO = Path(__file__).resolve().parents[3]


def find(text: str) -> list[ConceptMatch]:
    return get_clinical_matcher().find(text)


def statuses(text: str, concept: str) -> set[str]:
    return {m.status for m in find(text) if m.concept == concept}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("no chest pain", "chest_pain"),
        ("not breathless", "breathless"),
        ("denies chest pain", "chest_pain"),
        ("breathless without chest pain", "chest_pain"),
        ("I don't have a temperature", "fever"),
        ("havent got a temp", "fever"),
        ("no fever or rash", "rash"),
        ("no lip swelling just hives", "anaphylaxis"),
    ],
)
def test_matcher_negation_marks_mention_negated(text: str, concept: str) -> None:
    assert statuses(text, concept) == {"negated"}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("had a cough last year", "cough"),
        ("used to get migraines", "headache"),
        ("had suicidal thoughts last year, now just stressed", "suicidal_thoughts"),
        ("history of self harm", "self_harm"),
        ("my dad had a heart attack years ago", "chest_pain"),
    ],
)
def test_matcher_history_marks_mention_historical(text: str, concept: str) -> None:
    assert statuses(text, concept) == {"historical"}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("cant breath", "cannot_breathe"),
        ("I can't breathe", "cannot_breathe"),
        ("cannot breathe", "cannot_breathe"),
        ("cut wont stop bleeding", "severe_bleeding"),
        ("it hasnt stopped bleeding", "severe_bleeding"),
        ("he isn't responding", "unconscious"),
        ("not sure but i think its chest pain", "chest_pain"),
    ],
)
def test_matcher_inability_and_pseudo_negation_stay_current(text: str, concept: str) -> None:
    assert "current" in statuses(text, concept)


@pytest.mark.parametrize(
    "text",
    [
        "no fever but chest pain",
        "not breathless and chest pain is crushing",
        "no I have chest pain",
        "no, chest pain",
        "having chest pain again like my heart attack last year",
        "used to get migraines but now chest pain",
    ],
)
def test_matcher_negation_and_history_do_not_reach_a_later_red_flag(text: str) -> None:
    assert "current" in statuses(text, "chest_pain")


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("cant breath", "cannot_breathe"),
        ("chest pains", "chest_pain"),
        ("chest pian", "chest_pain"),
        ("feel faint", "faint"),
        ("blood in my poo", "rectal_bleeding"),
        ("cut wont stop bleeding", "severe_bleeding"),
        ("lips swelling", "anaphylaxis"),
        ("face drooping", "stroke_face"),
        ("want to end it all", "suicidal_thoughts"),
        ("have a plan", "suicide_plan"),
        ("sore throught", "sore_throat"),
        ("diarhea", "diarrhoea"),
        ("tootache", "dental_problem"),
        ("mums lips have gone blue", "cannot_breathe"),
    ],
)
def test_matcher_patient_phrasing_and_misspellings_are_tagged(text: str, concept: str) -> None:
    assert "current" in statuses(text, concept)


def test_matcher_spans_point_into_the_original_text() -> None:
    text = "Hi, CHEST PAIN and I can’t breathe"
    matches = find(text)
    assert {m.concept for m in matches} >= {"chest_pain", "cannot_breathe"}
    for match in matches:
        assert text[match.start : match.end] == match.text
    chest = next(m for m in matches if m.concept == "chest_pain")
    assert (chest.start, chest.end, chest.text) == (4, 14, "CHEST PAIN")


def test_matcher_keeps_red_flag_inside_a_longer_mention() -> None:
    concepts = {m.concept for m in find("baby not moving as much today")}
    assert {"reduced_fetal_movement", "unconscious"} <= concepts


def test_matcher_fit_note_is_not_a_seizure() -> None:
    assert statuses("need a fit note for work", "seizure") == set()


def test_matcher_import_builds_no_pipeline() -> None:
    code = (
        "import bot.nlu.clinical_matcher as m, sys;"
        "assert m._cached_matcher.cache_info().currsize == 0;"
        "assert 'spacy.lang.en' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
