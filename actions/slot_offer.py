"""Offer at most five slots of a service as buttons, for the patient's time wishes so far.

The wish is this message folded into what was asked before (bot/nlu/time_wishes.py), and the reply
says what was understood. When nothing fits, the nearest looser searches are offered instead; when the service
has nothing free at all, the waitlist is offered. The urgent same-day service is searched within today
only: with nothing left today the patient is told so and given the alternatives (actions/same_day.py).
`BackendUnavailable` is left to the calling action.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_state as state
from actions.backend_client import UK, PractitionerSummary, Slot
from actions.same_day import NO_SAME_DAY_SLOTS, SAME_DAY_SERVICE, end_of_today
from actions.slot_presenter import option_buttons, slot_line
from actions.slot_search import search, spread
from actions.wish_words import describe
from bot.nlu.time_filters import SlotFilters
from bot.nlu.time_wishes import Wish, combine, relaxations, resolve, to_filters, wish_from

logger = logging.getLogger(__name__)

def time_entities(message: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The TimeParser's entities in a parsed message (those carry their candidates in additional_info)."""
    entities = (message or {}).get("entities") or []
    return [dict(e) for e in entities if e.get("entity") == "time" and "additional_info" in e]


def kept_wish(tracker: Tracker, now: datetime) -> Wish:
    kept = tracker.get_slot(state.TIME_WISHES)
    if isinstance(kept, list):  # entities, as conversations before combined wishes kept them
        return wish_from([e for e in kept if isinstance(e, dict)], now)
    return Wish.from_json(kept)


def wishes_of(tracker: Tracker, now: datetime | None = None) -> Wish:
    """What the patient has asked for so far with this message folded in (relative wishes still
    pending); a fresh request for an appointment starts afresh."""
    now = (now or datetime.now(UK)).astimezone(UK)
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    previous = Wish() if intent == "book_appointment" else kept_wish(tracker, now)
    return combine(previous, wish_from(time_entities(tracker.latest_message), now))


def anchor_of(tracker: Tracker) -> tuple[datetime | None, datetime | None]:
    """What "sooner", "later" or "the week after" are relative to: the times on offer, else the
    time held, else the appointment being moved."""
    starts = [s.start for s in state.stored_slots(tracker, state.OFFERED_SLOTS)]
    if not starts and (held := state.stored_slot(tracker, state.HELD_SLOT)):
        starts = [held.start]
    if not starts and (chosen := state.stored_booking(tracker, state.CHOSEN_APPOINTMENT)):
        starts = [chosen.slot.start]
    return (min(starts), max(starts)) if starts else (None, None)


def stored_wish(wish: Wish) -> dict[str, Any] | None:
    return None if wish.is_empty() else wish.to_json()


def _offer(dispatcher: CollectingDispatcher, slots: list[Slot], wish: Wish, response: str,
           outcome: str, practitioner: PractitionerSummary | None = None, continuity: bool = False) -> list[EventType]:
    """Show the offered times (saying what was understood); events for the choosing step."""
    logger.info("Offering %d slot(s) (%s)", len(slots), outcome)
    words = describe(wish)
    if practitioner is not None and response == "utter_offer_slots":
        response = "utter_offer_same_practitioner_slots" if continuity else "utter_offer_practitioner_slots"
        words = f", {words}" if words else ""
    elif words:
        response = {"utter_offer_slots": "utter_offer_wished_slots",
                    "utter_offer_other_days": "utter_offer_nearest"}[response]
    dispatcher.utter_message(response=response, wish=words, name=practitioner.display_name if practitioner else "",
                             buttons=option_buttons([slot_line(s) for s in slots]))
    return [SlotSet(state.OFFERED_SLOTS, [state.stored(s) for s in slots]),
            SlotSet(state.STEP, state.CHOOSING_SLOT), SlotSet(state.OUTCOME, outcome)]


async def offer_slots(
    dispatcher: CollectingDispatcher,
    service: str,
    wish: Wish,
    *,
    now: datetime | None = None,
    exclude: Iterable[int] = (),
    anchor: tuple[datetime | None, datetime | None] = (None, None),
    practitioner: PractitionerSummary | None = None,
    continuity: bool = False,
) -> list[EventType]:
    """Offer what fits the wish (or the nearest to it, or the waitlist); events for the step and the offer.
    With a `practitioner` asked for (or seen before, for `continuity`), their times come first; anyone's are
    the nearest alternatives."""
    now = (now or datetime.now(UK)).astimezone(UK)
    wish = resolve(wish, *anchor, now)
    events: list[EventType] = [SlotSet(state.TIME_WISHES, stored_wish(wish))]
    if service == SAME_DAY_SERVICE:
        return [*events, *await _offer_today(dispatcher, service, wish, now, exclude)]
    if practitioner is not None:
        mine = await search(service, to_filters(wish), now, exclude=exclude, practitioner=practitioner.id)
        if mine:
            return [*events, *_offer(dispatcher, spread(mine), wish, "utter_offer_slots", "slots_offered",
                                     practitioner, continuity)]
        dispatcher.utter_message(response="utter_practitioner_no_slots", name=practitioner.display_name)
    slots = spread(await search(service, to_filters(wish), now, exclude=exclude))
    if slots:
        return [*events, *_offer(dispatcher, slots, wish, "utter_offer_slots", "slots_offered")]
    for looser in [*relaxations(wish), Wish()]:
        if slots := spread(await search(service, to_filters(looser), now, exclude=exclude)):
            return [*events, *_offer(dispatcher, slots, wish, "utter_offer_other_days", "other_days_offered")]
    logger.info("Nothing free for %s: waitlist offered", service)
    dispatcher.utter_message(response="utter_no_slots_offer_waitlist",
                             buttons=[{"title": "Join the waitlist", "payload": "/join_waitlist"}])
    return [*events, SlotSet(state.OFFERED_SLOTS, None), SlotSet(state.STEP, state.OFFERING_WAITLIST),
            SlotSet(state.OUTCOME, "no_slots")]


async def _offer_today(dispatcher: CollectingDispatcher, service: str, wish: Wish, now: datetime,
                       exclude: Iterable[int]) -> list[EventType]:
    """Today's slots of the same-day service (wishes kept within today), or say plainly none are left."""
    today_end = end_of_today(now)
    filters = to_filters(wish)
    within = dataclasses.replace(filters, end=min(filters.end, today_end) if filters.end else today_end)
    slots = await search(service, within, now, exclude=exclude) if (within.start or now) < today_end else []
    if not slots and not wish.is_empty():
        slots = await search(service, SlotFilters(end=today_end), now, exclude=exclude)
    if not slots:
        logger.info("No %s slot left today: alternatives given", service)
        dispatcher.utter_message(response=NO_SAME_DAY_SLOTS)
        return state.end_flow("no_same_day_slots")
    return _offer(dispatcher, spread(slots), Wish(), "utter_offer_slots", "slots_offered")
