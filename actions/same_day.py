"""A "today" outcome is honest about availability: the urgent same-day service is only ever searched
within today (UK time), and when nothing is left the patient is told so with the alternatives
(utter_no_same_day_slots: phone the practice, NHS 111 online or 111), never offered tomorrow."""

from __future__ import annotations

from datetime import datetime, timedelta

from actions.backend_client import UK, get_client

SAME_DAY_SERVICE = "gp_urgent_same_day"
NO_SAME_DAY_SLOTS = "utter_no_same_day_slots"


def uk_now() -> datetime:
    """The time now in the UK (the tests set it)."""
    return datetime.now(UK)


def end_of_today(now: datetime) -> datetime:
    """Midnight at the end of `now`'s day in the UK."""
    local = now.astimezone(UK)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=UK)


async def free_today(service: str, now: datetime) -> bool:
    """True when `service` has a free slot between `now` and the end of today."""
    slots = await get_client().search_slots(service, start=now.astimezone(UK), end=end_of_today(now), limit=1)
    return bool(slots)
