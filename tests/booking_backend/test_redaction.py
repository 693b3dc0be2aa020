"""Redaction of what staff will see: no personal data leaks, no clinical word is removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from booking_backend.transcripts.redaction import find, redact

SET = Path(__file__).parent / "data" / "pii_messages.jsonl"
MESSAGES = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_redaction_set_has_at_least_150_pii_laden_messages() -> None:
    assert len(MESSAGES) >= 150
    assert sum(1 for message in MESSAGES if message["pii"]) >= 150
    assert len({message["text"] for message in MESSAGES}) == len(MESSAGES)


@pytest.mark.parametrize("message", MESSAGES, ids=[m["id"] for m in MESSAGES])
def test_redaction_set_leaks_nothing_and_keeps_clinical_words(message: dict[str, object]) -> None:
    redacted = redact(str(message["text"]))
    leaked = [piece for piece in message["pii"] if str(piece) in redacted]  # type: ignore[attr-defined]
    lost = [word for word in message["keep"] if str(word) not in redacted]  # type: ignore[attr-defined]
    assert (leaked, lost) == ([], []), redacted


@pytest.mark.parametrize(("text", "expected"), [
    ("ring me on 07700 900123", "ring me on [PHONE]"),
    ("or +44 7700 900456 after 5", "or [PHONE] after 5"),
    ("my email is jo.bloggs@example.co.uk", "my email is [EMAIL]"),
    ("NHS number 999 100 0003", "NHS number [NHS NUMBER]"),
    ("postcode LS1 4XY", "postcode [POSTCODE]"),
    ("dob 03/04/1961", "dob [DATE]"),
    ("born on the 3rd of March", "born on the [DATE]"),
    ("my name is Alex Smith", "my name is [NAME]"),
    ("this is sam speaking", "this is [NAME] speaking"),
    ("my son Jack has a cough", "my son [NAME] has a cough"),
    ("I live at 14 Elm Road", "I live at [ADDRESS]"),
])
def test_redaction_labels_each_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redaction_nhs_number_needs_the_modulus_11_check() -> None:
    # 999 100 0004 fails the check digit: an ordinary number, kept (a valid one is redacted).
    assert redact("reference 9991000004 please") == "reference 9991000004 please"
    assert redact("reference 9991000003 please") == "reference [NHS NUMBER] please"


@pytest.mark.parametrize("text", [
    "pain 8/10 for 3 days in a row", "bp 180/110 and pulse 120", "took 2 tablets a day since 2 weeks",
    "my son has a temp of 38.9", "My Son Has a stiff neck", "call me back please, still bleeding",
    "vitamin B12 injection", "I'm 67 with swollen ankles", "temperature 101.5F after chemo on 2/3",
])
def test_redaction_leaves_clinical_text_alone(text: str) -> None:
    assert find(text) == []
    assert redact(text) == text


def test_redaction_of_empty_text_is_empty() -> None:
    assert redact("") == ""
    assert redact("   ") == "   "
