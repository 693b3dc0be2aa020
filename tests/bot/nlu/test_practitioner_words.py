"""Declining the practitioner offered for continuity, in patients' words."""

from __future__ import annotations

import pytest

from bot.nlu.practitioner_words import declines_practitioner


@pytest.mark.parametrize("text", [
    "anyone is fine", "anybody will do", "any doctor will do", "anyone.", "someone else please", "somebody different",
    "a different doctor", "can i see another gp", "i dont mind who", "doesn't matter who", "whoever is free",
    "id rather not see her", "not the same one please",
])
def test_declines(text: str) -> None:
    assert declines_practitioner(text)


@pytest.mark.parametrize("text", [
    "anything sooner", "any time is fine", "someone to look at my knee", "the same one please", "yes", "",
    "is there anyone who speaks urdu", "can i book another gp appointment", "a different doctor appointment",
])
def test_does_not_decline(text: str) -> None:
    assert not declines_practitioner(text)
