"""How slots read to a patient: UK local time across the clock change, channel words, the summary."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions.backend_client import Booking, Slot
from actions.slot_presenter import appointment_line, clock, option_buttons, short_name, slot_line, slot_summary


def slot(start: str, channel: str = "in_person") -> Slot:
    return Slot.parse_obj({
        "id": 7, "start": start, "end": start, "service": "gp_routine", "channel": channel,
        "practitioner": {"id": 1, "display_name": "Dr Test Example", "role": "gp"},
        "location": {"id": 2, "name": "Riverside Medical Practice", "postcode": "LS1 4AP", "organisation": "R"},
    })


def test_clock_reads_the_british_way() -> None:
    assert [clock(datetime(2026, 1, 5, h, m, tzinfo=timezone.utc)) for h, m in [(9, 0), (9, 15), (12, 30), (0, 5)]] \
        == ["9am", "9:15am", "12:30pm", "12:05am"]


def test_slot_line_is_in_uk_summer_time() -> None:
    assert slot_line(slot("2026-06-02T08:15:00+00:00")) == \
        "Tue 2 Jun, 9:15am – Dr Test Example, Riverside Medical Practice (in person)"


def test_slot_summary_in_person_phone_and_for_a_dependant() -> None:
    assert slot_summary(slot("2026-11-24T14:00:00+00:00"), "AB") == (
        "Tuesday 24 November at 2pm (UK time) with Dr Test Example, at Riverside Medical Practice, LS1 4AP, for AB")
    assert slot_summary(slot("2026-11-24T14:00:00+00:00", "phone")) == (
        "Tuesday 24 November at 2pm (UK time) with Dr Test Example, a phone call from Riverside Medical Practice")


def test_option_buttons_number_from_one_with_choose_option_payloads() -> None:
    assert option_buttons(["a", "b"]) == [
        {"title": "1. a", "payload": '/choose_option{"option": "1"}'},
        {"title": "2. b", "payload": '/choose_option{"option": "2"}'},
    ]


def test_slot_line_has_a_short_form_for_text_lists() -> None:
    line = slot_line(slot("2026-06-02T08:15:00+00:00", "phone"))
    assert line.short == "Tue 2 Jun 9:15am, Dr Example, phone"


@pytest.mark.parametrize(("name", "role", "short"), [
    ("Dr Amara Patel", "gp", "Dr Patel"),
    ("Amara Patel", "nurse", "Nurse Patel"),
    ("Amara Jane Patel", "pharmacist", "Amara Patel"),
    ("Prof. Ian Hughes", "physiotherapist", "Prof. Hughes"),
    ("Patel", "nurse", "Patel"),
])
def test_short_name_keeps_a_title_and_the_surname(name: str, role: str, short: str) -> None:
    assert short_name(name, role) == short


def test_option_buttons_give_slot_options_a_numbered_short_title() -> None:
    [first, second] = option_buttons([slot_line(slot("2026-11-24T14:00:00+00:00", "video")), "plain"])
    assert first == {"title": "1. Tue 24 Nov, 2pm – Dr Test Example, Riverside Medical Practice (video call)",
                     "payload": '/choose_option{"option": "1"}', "short_title": "1. Tue 24 Nov 2pm, Dr Example, video"}
    assert "short_title" not in second


def test_appointment_line_for_a_dependant_has_both_forms() -> None:
    booking = Booking.parse_obj({"id": 3, "status": "booked", "dependant_label": "Ollie",
                                 "slot": slot("2026-11-24T14:00:00+00:00").dict()})
    line = appointment_line(booking)
    assert line.endswith("(in person), for Ollie")
    assert line.short == "Tue 24 Nov 2pm, Dr Example, in person, for Ollie"


def test_slot_summary_reads_a_relation_back_as_the_patients() -> None:
    assert slot_summary(slot("2026-11-24T14:00:00+00:00"), "son").endswith(", for your son")
    assert slot_summary(slot("2026-11-24T14:00:00+00:00"), "Ollie").endswith(", for Ollie")
