"""Search the backend for a service with the patient's time wishes and offer at most five slots as buttons.

When nothing fits the wishes, the soonest times on other days are offered instead; when the service
has nothing free at all, the waitlist is offered. The urgent same-day service is searched within today
only: with nothing left today the patient is told so and given the alternatives (actions/same_day.py).
`BackendUnavailable` is left to the calling action.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_state as state
from actions.backend_client import UK, Slot, get_client
from actions.same_day import NO_SAME_DAY_SLOTS, SAME_DAY_SERVICE, end_of_today
from actions.slot_presenter import option_buttons, slot_line
from bot.nlu.time_filters import SlotFilters, slot_filters

logger = logging.getLogger(__name__)

SEARCH_PAGE = 100  # the backend's largest page
SEARCH_PAGES = 4  # clock bounds over many days may need a few pages; beyond that, other days are offered
# The backend's parts of the day, as local clock minutes [from, to).
PART_MINUTES = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}


def time_entities(message: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The TimeParser's entities in a parsed message (those carry their candidates in additional_info)."""
    entities = (message or {}).get("entities") or []
    return [dict(e) for e in entities if e.get("entity") == "time" and "additional_info" in e]


def wishes_of(tracker: Tracker) -> list[dict[str, Any]]:
    """This message's time wishes if it states any, else the ones the flow already uses."""
    latest = time_entities(tracker.latest_message)
    if latest:
        return latest
    kept = tracker.get_slot(state.TIME_WISHES) or []
    return [dict(e) for e in kept if isinstance(e, dict)]


def has_wishes(filters: SlotFilters) -> bool:
    return filters != SlotFilters()


def _minutes(clock: time | None, default: int) -> int:
    return default if clock is None else clock.hour * 60 + clock.minute


def parts_of_day(filters: SlotFilters) -> list[str]:
    """The backend's parts of the day that can hold a slot within the clock bounds ("after 4pm": afternoon, evening)."""
    if filters.part_of_day:
        return [filters.part_of_day]
    earliest = _minutes(filters.earliest_time_of_day, 0)
    latest = _minutes(filters.latest_time_of_day, 24 * 60)
    parts = [part for part, (low, high) in PART_MINUTES.items() if low < latest and earliest < high]
    return [] if len(parts) == len(PART_MINUTES) else parts


async def search(service: str, filters: SlotFilters, now: datetime, *, exclude: Iterable[int] = ()) -> list[Slot]:
    """The soonest free slots that keep to the filters, at most five."""
    params = filters.to_query_params()
    excluded = set(exclude)
    start = filters.start or now
    fitting: list[Slot] = []
    for _ in range(SEARCH_PAGES):
        page = await get_client().search_slots(
            service, start=start, end=filters.end, weekdays=params.get("weekday"),
            part_of_day=parts_of_day(filters), limit=SEARCH_PAGE,
        )
        fitting += [s for s in page if s.id not in excluded and filters.matches_time_of_day(s.start)]
        if len(fitting) >= state.MAX_OFFERED or len(page) < SEARCH_PAGE:
            break
        start = page[-1].start + timedelta(seconds=1)  # slots are soonest first: carry on after this page
    return fitting[: state.MAX_OFFERED]


async def offer_slots(
    dispatcher: CollectingDispatcher,
    service: str,
    wishes: list[dict[str, Any]],
    *,
    now: datetime | None = None,
    exclude: Iterable[int] = (),
) -> list[EventType]:
    """Offer what fits (or the nearest other days, or the waitlist); events for the step and the offer."""
    now = (now or datetime.now(UK)).astimezone(UK)
    filters = slot_filters(wishes, now)
    if service == SAME_DAY_SERVICE:
        return await _offer_today(dispatcher, service, wishes, filters, now, exclude)
    slots = await search(service, filters, now, exclude=exclude)
    outcome, response = "slots_offered", "utter_offer_slots"
    if not slots and has_wishes(filters):
        slots = await search(service, SlotFilters(), now, exclude=exclude)
        outcome, response = "other_days_offered", "utter_offer_other_days"
    logger.info("Offering %d slot(s) of %s (%s)", len(slots), service, outcome)
    events: list[EventType] = [SlotSet(state.TIME_WISHES, wishes or None)]
    if not slots:
        dispatcher.utter_message(response="utter_no_slots_offer_waitlist",
                                 buttons=[{"title": "Join the waitlist", "payload": "/join_waitlist"}])
        return [*events, SlotSet(state.OFFERED_SLOTS, None), SlotSet(state.STEP, state.OFFERING_WAITLIST),
                SlotSet(state.OUTCOME, "no_slots")]
    dispatcher.utter_message(response=response, buttons=option_buttons([slot_line(s) for s in slots]))
    return [*events, SlotSet(state.OFFERED_SLOTS, [state.stored(s) for s in slots]),
            SlotSet(state.STEP, state.CHOOSING_SLOT), SlotSet(state.OUTCOME, outcome)]


async def _offer_today(dispatcher: CollectingDispatcher, service: str, wishes: list[dict[str, Any]],
                       filters: SlotFilters, now: datetime, exclude: Iterable[int]) -> list[EventType]:
    """Today's slots of the same-day service (wishes kept within today), or say plainly none are left."""
    today_end = end_of_today(now)
    within = dataclasses.replace(filters, end=min(filters.end, today_end) if filters.end else today_end)
    slots = await search(service, within, now, exclude=exclude) if (within.start or now) < today_end else []
    if not slots and has_wishes(filters):
        slots = await search(service, SlotFilters(end=today_end), now, exclude=exclude)
    events: list[EventType] = [SlotSet(state.TIME_WISHES, wishes or None)]
    if not slots:
        logger.info("No %s slot left today: alternatives given", service)
        dispatcher.utter_message(response=NO_SAME_DAY_SLOTS)
        return [*events, *state.end_flow("no_same_day_slots")]
    logger.info("Offering %d slot(s) of %s today", len(slots), service)
    dispatcher.utter_message(response="utter_offer_slots", buttons=option_buttons([slot_line(s) for s in slots]))
    return [*events, SlotSet(state.OFFERED_SLOTS, [state.stored(s) for s in slots]),
            SlotSet(state.STEP, state.CHOOSING_SLOT), SlotSet(state.OUTCOME, "slots_offered")]
