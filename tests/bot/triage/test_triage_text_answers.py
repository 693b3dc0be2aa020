"""Answers read from the free text: ages, durations, temperatures, pregnancy, onset and severity."""

from __future__ import annotations

import pytest

from bot.triage.engine import triage
from bot.triage.text_answers import read_answers


@pytest.mark.parametrize(("text", "band"), [
    ("my 2 year old is off her food", "1_to_4"),
    ("my 2-year-old has croup", "1_to_4"),
    ("I'm 67 and dizzy", "65_plus"),
    ("she's 7 months and grizzly", "3_to_11_months"),
    ("88 yo with a cough", "65_plus"),
    ("my 6 week old has a temperature", "under_3_months"),
    ("my grandad (79) fell", "65_plus"),
    ("our son is 12 and has earache", "5_to_15"),
])
def test_text_answers_read_ages(text: str, band: str) -> None:
    assert read_answers(text).answers["age_band"] == band


@pytest.mark.parametrize("text", [
    "I'm 5 days late", "I'm 30 weeks pregnant", "I'm 40 weeks", "took 2 paracetamol at 9",
    "I'm 44 and my 3 year old is poorly",  # two ages: leave it to the question
])
def test_text_answers_leave_unclear_ages_unread(text: str) -> None:
    assert "age_band" not in read_answers(text).answers


@pytest.mark.parametrize(("text", "band"), [
    ("sore ear for 3 days", "1_to_3_days"),
    ("been like this since last week", "4_to_7_days"),
    ("cough for the last fortnight", "1_to_3_weeks"),
    ("hoarse voice for 2 months", "over_3_weeks"),
    ("started in the last hour", "under_1_day"),
    ("rash for a couple of days", "1_to_3_days"),
])
def test_text_answers_read_durations(text: str, band: str) -> None:
    assert read_answers(text).answers["duration"] == band


def test_text_answers_take_the_longest_duration() -> None:
    assert read_answers("cough for 4 weeks and a fever for 2 days").answers["duration"] == "over_3_weeks"


@pytest.mark.parametrize(("text", "concepts"), [
    ("temp of 38.4 tonight", ["fever"]),
    ("thermometer says 37.2", []),
    ("he was 100.9F an hour ago", ["fever"]),
    ("she is burning up, 40.3 degrees", ["fever", "very_high_fever"]),
    ("temperature 104 f", ["fever", "very_high_fever"]),
    ("I'm 40 and have a fever", []),  # an age, not a temperature
])
def test_text_answers_read_temperatures(text: str, concepts: list[str]) -> None:
    assert [m.concept for m in read_answers(text).mentions] == concepts


def test_text_answers_read_pregnancy_and_sex() -> None:
    assert read_answers("I'm 28 weeks pregnant").answers == {"pregnant": "yes", "sex": "female"}
    assert read_answers("I'm definitely not pregnant").answers["pregnant"] == "no"
    assert read_answers("my husband has a sore back").answers["sex"] == "male"


def test_text_answers_do_not_guess_sex_when_the_writer_may_be_the_patient() -> None:
    assert "sex" not in read_answers("my husband says I should ask about my tummy pain").answers


@pytest.mark.parametrize("text", ["never had pain like it", "worst pain of my life", "the pain is agony",
                                  "it's 9/10", "excruciating cramps"])
def test_text_answers_read_severe_pain(text: str) -> None:
    assert read_answers(text).answers["severity"] == "severe"


def test_text_answers_read_sudden_onset() -> None:
    assert read_answers("it came on all of a sudden").answers["onset"] == "sudden"


def test_engine_merges_text_answers_so_they_are_not_asked() -> None:
    result = triage("my 2 year old has had a temperature for 5 days")
    assert result.answers_from_text == {"age_band": "1_to_4", "duration": "4_to_7_days"}
    assert "age_band" not in result.questions_needed and "duration" not in result.questions_needed
    assert "GPU-FEVER-LONG" in {rule.id for rule in result.fired_rules}


def test_engine_explicit_answer_wins_over_the_text() -> None:
    result = triage("I'm 67 and have a temperature", {"age_band": "16_to_64"})
    assert "GPU-FEVER-OLDER" not in {rule.id for rule in result.fired_rules}
    assert result.answers_from_text["age_band"] == "65_plus"  # reported, but not used


def test_engine_temperature_number_counts_as_fever_and_is_traceable() -> None:
    result = triage("my 5 week old is 38.2")
    assert result.is_emergency
    assert any(m.concept == "fever" and m.text == "38.2" for m in result.concepts)


def test_engine_severe_words_lift_tummy_pain() -> None:
    assert triage("never had pain like it in my belly").is_emergency
    assert triage("tummy ache since lunch").disposition.value == "gp_routine"


def test_engine_result_dict_has_answers_from_text() -> None:
    assert triage("I'm 70 with a cough").to_dict()["answers_from_text"] == {"age_band": "65_plus"}
