"""The dependant label keeps a first name or initials only."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_dependant_label_form import ValidateDependantLabelForm, first_name_or_initials
from tests.actions.booking_trackers import DOMAIN, tracker


@pytest.mark.parametrize(("text", "label"), [
    ("Ollie", "Ollie"),
    ("it's for my son Ollie Smith", "Ollie"),
    ("my daughter amara", "Amara"),
    ("J.S.", "JS"),
    ("JS", "JS"),
    ("j s", "JS"),
    ("jo", "Jo"),
    ("her name is Zoë", "Zoë"),
    ("Mary-Jane Watson", "Mary-Jane"),
    ("my son", "son"),
    ("it's for my little girl", "daughter"),
    ("Mum", "mum"),
])
def test_first_name_or_initials_keeps_only_that(text: str, label: str) -> None:
    assert first_name_or_initials(text) == label


@pytest.mark.parametrize("text", ["", "07700 900123", "+447700900123", "someone@example.com", "12"])
def test_first_name_or_initials_refuses_numbers_and_no_name(text: str) -> None:
    assert first_name_or_initials(text) is None


def test_validate_dependant_label_sets_the_label() -> None:
    dispatcher = CollectingDispatcher()

    result = ValidateDependantLabelForm().validate_dependant_label("for my son Ollie", dispatcher,
                                                                   tracker(intent="inform"), DOMAIN)

    assert result == {"dependant_label": "Ollie"}
    assert dispatcher.messages == []


def test_validate_dependant_label_refuses_a_phone_number_and_asks_again() -> None:
    dispatcher = CollectingDispatcher()

    result = ValidateDependantLabelForm().validate_dependant_label("+447700900123", dispatcher,
                                                                   tracker(intent="inform"), DOMAIN)

    assert result == {"dependant_label": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_dependant_label_invalid"]
