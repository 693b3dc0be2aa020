"""Search the booking backend for a service's free slots that keep to a patient's filters, and
choose offers that are a real choice: spread over days and times, not five copies of one minute."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime, time, timedelta

from actions import booking_state as state
from actions.backend_client import UK, Slot, get_client
from bot.nlu.time_filters import SlotFilters

SEARCH_PAGE = 100  # the backend's largest page
SEARCH_PAGES = 4  # clock bounds over many days may need a few pages; beyond that, other days are offered
# The backend's parts of the day, as local clock minutes [from, to).
PART_MINUTES = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}


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


async def search(service: str, filters: SlotFilters, now: datetime, *, exclude: Iterable[int] = (),
                 practitioner: int | None = None) -> list[Slot]:
    """Free slots that keep to the filters, soonest first; enough to choose five spread ones from."""
    params = filters.to_query_params()
    excluded = set(exclude)
    start = filters.start or now
    fitting: list[Slot] = []
    for _ in range(SEARCH_PAGES):
        page = await get_client().search_slots(
            service, start=start, end=filters.end, weekdays=params.get("weekday"),
            part_of_day=parts_of_day(filters), practitioner=practitioner, limit=SEARCH_PAGE,
        )
        fitting += [s for s in page if s.id not in excluded and filters.matches_time_of_day(s.start)]
        if len(fitting) >= SEARCH_PAGE or len(page) < SEARCH_PAGE:
            break
        start = page[-1].start + timedelta(seconds=1)  # slots are soonest first: carry on after this page
    return fitting


def _bucket(slot: Slot) -> tuple[object, str]:
    local = slot.start.astimezone(UK)
    part = next(p for p, (low, high) in PART_MINUTES.items() if low <= local.hour * 60 + local.minute < high)
    return local.date(), part


def _start(slot: Slot) -> datetime:
    return slot.start


def _id(slot: Slot) -> int:
    return slot.id


def spread(slots: Sequence[Slot], count: int = state.MAX_OFFERED) -> list[Slot]:
    """At most `count` of `slots` (soonest first), the soonest always among them: first one per day
    and part of the day, then one per start time, then the rest; returned soonest first."""
    chosen: list[Slot] = []
    keys: tuple[Callable[[Slot], Hashable], ...] = (_bucket, _start, _id)
    for key in keys:
        seen = {key(s) for s in chosen}
        for slot in slots:
            if len(chosen) >= count:
                break
            if slot not in chosen and key(slot) not in seen:
                chosen.append(slot)
                seen.add(key(slot))
    return sorted(chosen, key=lambda s: (s.start, s.id))
