"""A "today" outcome is honest about availability: no urgent GP slot left today means saying so and giving
the alternatives, never offering tomorrow. The clock and the backend's slots are fixed, so these tests
do not depend on the time of day they run at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.same_day
import actions.slot_offer
from actions.backend_errors import BackendUnavailable
from actions.same_day import end_of_today
from actions.slot_offer import offer_slots
from bot.nlu.time_wishes import Wish
from tests.actions.triage_conversation import FIXED_NOW, FakeSlotSearch, TriageChat

pytestmark = pytest.mark.anyio
LATE = FIXED_NOW.replace(hour=17, minute=45)  # after the last urgent slot of the day
TOMORROW_MORNING = FIXED_NOW.replace(hour=9, minute=0) + timedelta(days=1)
THIS_AFTERNOON = FIXED_NOW.replace(hour=15, minute=0)
UTI = "burning when i wee"


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlotSearch]:
    """Slots free this afternoon and tomorrow morning; the clock set per test with `at`."""
    search = FakeSlotSearch([THIS_AFTERNOON, TOMORROW_MORNING])
    monkeypatch.setattr(actions.same_day, "get_client", lambda: search)
    monkeypatch.setattr(actions.slot_search, "get_client", lambda: search)
    yield search


def at(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(actions.same_day, "uk_now", lambda: now)


async def same_day_outcome() -> TriageChat:
    """A urine infection with a "not sure" red flag: a GP today."""
    chat = TriageChat()
    await chat.say(UTI, "describe_symptoms")
    for payload in ('/inform{"who_is_ill": "self"}', '/inform{"age_band": "16_to_64"}', '/inform{"sex": "female"}',
                    '/inform{"pregnant": "no"}', '/inform{"triage_checklist": "not_sure"}'):
        await chat.press(payload)
    await chat.say("yes", "affirm")
    assert chat.finished and chat.slots["triage_disposition"] == "gp_urgent_same_day"
    return chat


def test_end_of_today_is_midnight_uk_time() -> None:
    assert end_of_today(LATE) == datetime(2026, 3, 11, 0, 0, tzinfo=FIXED_NOW.tzinfo)


async def test_same_day_outcome_with_none_left_today_says_so_and_offers_nothing(
        backend: FakeSlotSearch, monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, LATE)
    chat = await same_day_outcome()
    assert chat.responses == ["utter_triage_outcome_gp_urgent_same_day", "utter_no_same_day_slots"]
    assert chat.slots["triage_outcome"] == "urgent"  # the rules offer no booking
    [query] = backend.queries
    assert query["service"] == "gp_urgent_same_day" and query["end"] == end_of_today(LATE)


async def test_same_day_outcome_with_a_slot_left_today_offers_a_booking(
        backend: FakeSlotSearch, monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, FIXED_NOW)
    chat = await same_day_outcome()
    assert chat.responses == ["utter_triage_outcome_gp_urgent_same_day"]
    assert chat.slots["triage_outcome"] == "bookable"
    assert chat.slots["routed_service"] == "gp_urgent_same_day"


async def test_same_day_outcome_when_the_backend_cannot_tell_still_offers_the_booking_step(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        async def search_slots(self, *args: object, **kwargs: object) -> list[object]:
            raise BackendUnavailable("down")

    monkeypatch.setattr(actions.same_day, "get_client", Down)
    chat = await same_day_outcome()
    assert chat.slots["triage_outcome"] == "bookable"  # the offer step searches today only, and says so


async def test_offer_same_day_late_in_the_day_never_offers_tomorrow(backend: FakeSlotSearch) -> None:
    dispatcher = CollectingDispatcher()
    events = await offer_slots(dispatcher, "gp_urgent_same_day", Wish(), now=LATE)
    assert [m["response"] for m in dispatcher.messages] == ["utter_no_same_day_slots"]
    assert not dispatcher.messages[0].get("buttons")
    slots = {e["name"]: e["value"] for e in events}
    assert slots["booking_outcome"] == "no_same_day_slots" and slots["offered_slots"] is None


async def test_offer_same_day_offers_only_today(backend: FakeSlotSearch) -> None:
    dispatcher = CollectingDispatcher()
    events = await offer_slots(dispatcher, "gp_urgent_same_day", Wish(), now=FIXED_NOW)
    offered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert [datetime.fromisoformat(s["start"]) for s in offered] == [THIS_AFTERNOON]
    assert all(q["end"] == end_of_today(FIXED_NOW) for q in backend.queries)


async def test_offer_other_services_still_offer_the_soonest_days(backend: FakeSlotSearch) -> None:
    dispatcher = CollectingDispatcher()
    events = await offer_slots(dispatcher, "gp_routine", Wish(), now=LATE)
    offered = next(e["value"] for e in events if e["name"] == "offered_slots")
    assert [datetime.fromisoformat(s["start"]) for s in offered] == [TOMORROW_MORNING]
