"""Which practitioners a patient's words are about, by name, role or language."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from actions.practitioner_match import languages_asked, mentioned, role_asked


@dataclass(frozen=True)
class Person:
    display_name: str


GRACE, TOM, AMARA = Person("Dr Grace Williams"), Person("Tom Williams"), Person("Dr Amara O'Brien")
YOUNG = Person("Dr Sam Young")
EVERYONE = [GRACE, TOM, AMARA, YOUNG]


@pytest.mark.parametrize(("text", "expected"), [
    ("can you tell me about Dr Grace Williams", [GRACE]),
    ("whats dr williams like", [GRACE, TOM]),
    ("tom williams please", [TOM]),
    ("is Dr O'Brien good?", [AMARA]),
    ("is dr o’brien any good", [AMARA]),
    ("tell me about Williams's experience", [GRACE, TOM]),
    ("who is number 2", []),
])
def test_names_are_read_from_the_text(text: str, expected: list[Person]) -> None:
    assert mentioned(text, EVERYONE) == expected


def test_strict_wants_a_title_or_first_name_before_the_surname() -> None:
    assert mentioned("book my young son in please", EVERYONE, strict=True) == []
    assert mentioned("can i see dr young", EVERYONE, strict=True) == [YOUNG]
    assert mentioned("i'd like sam young again", EVERYONE, strict=True) == [YOUNG]


@pytest.mark.parametrize(("text", "role"), [
    ("who are the physios?", "physiotherapist"), ("which nurses work there", "nurse"),
    ("tell me about the doctors", "gp"), ("the doctors or the nurses?", None), ("hello", None),
])
def test_roles_asked(text: str, role: str | None) -> None:
    assert role_asked(text) == role


def test_languages_asked() -> None:
    assert languages_asked("someone who speaks Urdu or punjabi") == {"ur", "pa"}
    assert languages_asked("do they speak english") == set()
