"""How slots read to a patient: UK local time across the clock change, channel words, the summary."""

from __future__ import annotations

from datetime import datetime, timezone

from actions.backend_client import Slot
from actions.slot_presenter import clock, option_buttons, slot_line, slot_summary


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
