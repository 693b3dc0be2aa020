"""Time refinements over a whole booking conversation, on real trackers, the real time parser and a real
backend process: each ends at times that honour what the patient asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.action_choose_appointment import ActionChooseAppointment
from actions.action_hold_slot import ActionHoldSlot
from actions.action_list_appointments import ActionListAppointments
from actions.action_offer_slots import ActionOfferSlots
from actions.backend_client import UK
from tests.actions.booking_trackers import DOMAIN, book_for, new_sender, option, soonest, time_entities, tracker

pytestmark = pytest.mark.anyio
SERVICE = "practice_nurse"


@dataclass
class Chat:
    """One patient: each turn runs the action the policy or the rules would run and keeps its slots."""

    sender: str = field(default_factory=new_sender)
    slots: dict[str, Any] = field(default_factory=lambda: {"routed_service": SERVICE})
    replies: list[dict[str, Any]] = field(default_factory=list)

    async def say(self, text: str, intent: str = "inform", action: Any = ActionOfferSlots,
                  entities: list[dict[str, Any]] | None = None) -> None:
        dispatcher = CollectingDispatcher()
        said = tracker(self.sender, slots=dict(self.slots), text=text, intent=intent,
                       entities=entities if entities is not None else time_entities(text))
        for event in await action().run(dispatcher, said, DOMAIN):
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.replies = dispatcher.messages

    @property
    def offered(self) -> list[datetime]:
        return [datetime.fromisoformat(s["start"]).astimezone(UK) for s in self.slots.get("offered_slots") or []]

    @property
    def response(self) -> str:
        return str(self.replies[0]["response"])


def next_monday() -> datetime:
    today = datetime.now(UK).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


async def test_after_4_keeps_the_week_asked_for(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("next week please", intent="book_appointment")
    await chat.say("after 4 if you can")
    monday = next_monday()
    assert chat.response == "utter_offer_wished_slots" and "after 4pm" in chat.replies[0]["wish"]
    assert chat.offered and all(monday <= s < monday + timedelta(days=7) and s.hour >= 16 for s in chat.offered)


async def test_anything_sooner_offers_times_before_those_offered(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("next week", intent="book_appointment")
    first = min(chat.offered)
    await chat.say("have you got anything sooner?", intent="out_of_scope")
    assert chat.offered and all(s < first for s in chat.offered)


async def test_a_bit_later_offers_times_after_those_offered(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("can i book with the nurse", intent="book_appointment")
    last = max(chat.offered)
    await chat.say("i cant do those, a bit later?", intent="deny")
    assert chat.offered and all(s > last for s in chat.offered)


async def test_not_fridays_excludes_and_keeps_the_week(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("next week", intent="book_appointment")
    await chat.say("not fridays")
    monday = next_monday()
    assert "not on Fridays" in chat.replies[0]["wish"]
    assert chat.offered and all(monday <= s < monday + timedelta(days=7) and s.weekday() != 4 for s in chat.offered)


async def test_the_week_after_moves_the_week_on(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("next week mornings", intent="book_appointment")
    await chat.say("what about the week after")
    week = next_monday() + timedelta(days=7)
    assert chat.offered and all(week <= s < week + timedelta(days=7) and s.hour < 12 for s in chat.offered)


async def test_the_clock_of_an_offered_time_holds_that_one(shared_client_on_backend: str) -> None:
    chat = Chat()
    await chat.say("tomorrow", intent="book_appointment")
    third = chat.offered[2]
    await chat.say(f"the {third.hour}:{third.minute:02d} one", intent="out_of_scope", action=ActionHoldSlot)
    assert chat.response == "utter_confirm_booking"
    assert datetime.fromisoformat(chat.slots["held_slot"]["start"]) == third


def monday_after(day: datetime) -> datetime:
    return day + timedelta(days=7 - day.weekday())


@pytest.mark.parametrize(("text", "days_ahead", "wanted_day"), [
    ("can i move my nurse appt to the monday after", 2, monday_after),
    ("could you make it a week later", 3, lambda day: day + timedelta(days=7)),
])
async def test_a_move_relative_to_the_appointment(shared_client_on_backend: str, text: str, days_ahead: int,
                                                  wanted_day: Callable[[datetime], datetime]) -> None:
    chat = Chat()
    [slot] = await soonest(SERVICE, count=1, days_ahead=days_ahead)
    await book_for(chat.sender, slot)
    await chat.say(text, intent="reschedule_appointment", action=ActionListAppointments)
    await chat.say("1", intent="choose_option", action=ActionChooseAppointment, entities=option(1))
    day = wanted_day(slot.start.astimezone(UK).replace(hour=0, minute=0, second=0, microsecond=0))
    assert chat.response == "utter_offer_wished_slots"
    assert chat.offered and all(day <= s < day + timedelta(days=1) for s in chat.offered)


async def test_an_appointment_to_move_named_by_its_day(shared_client_on_backend: str) -> None:
    chat = Chat()
    [first] = await soonest(SERVICE, count=1, days_ahead=1)
    [second] = await soonest(SERVICE, count=1, days_ahead=3)
    await book_for(chat.sender, first)
    await book_for(chat.sender, second)
    await chat.say("i need to move an appointment", intent="reschedule_appointment", action=ActionListAppointments)
    day = second.start.astimezone(UK)
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    await chat.say(f"the one on {day:%A} the {day.day}{suffix}", intent="inform", action=ActionChooseAppointment)
    assert chat.slots["chosen_appointment"]["slot"]["id"] == second.id
    assert chat.response == "utter_offer_slots", "naming the appointment is not a wish for the new time"
