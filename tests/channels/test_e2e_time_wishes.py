"""End to end through the running Rasa server over the web chat's JSON API: a patient refines the offered
times in her own words and picks one by its clock; the booking the backend holds honours every wish."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from actions.slot_presenter import clock
from tests.channels.conftest import AssistantStack
from tests.channels.test_e2e_webchat import TURN_SECONDS, WebChatPatient, upcoming_bookings

UK = ZoneInfo("Europe/London")
CLOCK = re.compile(r"^\d+\. \w{3} \d{1,2} \w{3}, (\d{1,2}(?::\d{2})?[ap]m) ")


def offered_clocks(patient: WebChatPatient) -> list[str]:
    titles = [button["title"] for reply in patient.replies for button in reply["buttons"]]
    return [match[1] for title in titles if (match := CLOCK.match(title))]


def test_webchat_patient_refines_the_times_and_picks_one_by_its_clock(assistant_stack: AssistantStack,
                                                                      channel_state: str) -> None:
    today = datetime.now(UK).replace(hour=0, minute=0, second=0, microsecond=0)
    next_monday = today + timedelta(days=7 - today.weekday())
    base = f"{assistant_stack.rasa_url}/webhooks/webchat/"
    with httpx.Client(base_url=base, timeout=TURN_SECONDS) as client:
        patient = WebChatPatient(client)
        assert "soonest appointments" in patient.say("I need a smear test")

        reply = patient.say("have you got anything next week after 4?")
        assert "Here are appointments between" in reply and "after 4pm" in reply, reply
        clocks = offered_clocks(patient)
        unique = [clock for clock, count in Counter(clocks).items() if count == 1]
        assert unique, clocks

        assert "Shall I book it?" in patient.say(f"the {unique[-1]} one please")
        assert "you're booked" in patient.tap("Yes, book it")

    [booking] = upcoming_bookings(assistant_stack.backend_url, patient.token)
    start = datetime.fromisoformat(booking["slot"]["start"]).astimezone(UK)
    assert next_monday <= start < next_monday + timedelta(days=7)
    assert start.hour >= 16
    assert clock(start) == unique[-1]
