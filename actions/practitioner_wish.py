"""Who the patient would see: the practitioner a booking request names ("I'd like to see Dr Williams"),
else, for continuity of care, the one they saw (or will see) for the same service; "anyone" declines.

The name is matched strictly (a title or the first name before the surname) against the directory
for the service, so "my young son" names nobody. The choice is kept for the flow in the
`preferred_practitioner` slot: the person with why they are offered, or "anyone".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.backend_client import PractitionerSummary, get_client
from actions.patient_ref import patient_ref
from actions.practitioner_match import DIRECTORY_PAGE, ROLE_BY_SERVICE, SERVICE_BY_ROLE, mentioned
from bot.nlu.practitioner_words import declines_practitioner

PREFERRED_PRACTITIONER = "preferred_practitioner"
ANYONE = "anyone"
NAMED, CONTINUITY = "named", "continuity"
HISTORY = 5  # bookings looked at for continuity (the account holder's and their dependants')


@dataclass(frozen=True)
class PractitionerWish:
    person: PractitionerSummary | None = None
    why: str | None = None  # NAMED, CONTINUITY or ANYONE

    def stored(self) -> dict[str, Any] | str | None:
        """The slot value: the person and why, or "anyone", or nothing."""
        if self.person is not None:
            return {**self.person.dict(), "why": self.why}
        return ANYONE if self.why == ANYONE else None


def kept_wish(tracker: Tracker) -> PractitionerWish:
    value = tracker.get_slot(PREFERRED_PRACTITIONER)
    if isinstance(value, dict):
        person = PractitionerSummary.parse_obj({k: v for k, v in value.items() if k != "why"})
        return PractitionerWish(person, value.get("why") or NAMED)
    return PractitionerWish(why=ANYONE) if value == ANYONE else PractitionerWish()


async def practitioner_wish(tracker: Tracker, service: str | None, *, rescheduling: bool = False,
                            dependant_label: str | None = None) -> PractitionerWish:
    """What this message says about who to see, else what the flow already knows, else continuity."""
    message: dict[str, Any] = tracker.latest_message or {}
    text = str(message.get("text") or "")
    if declines_practitioner(text):
        return PractitionerWish(why=ANYONE)
    directory = await get_client().practitioners(role=ROLE_BY_SERVICE.get(service or ""), limit=DIRECTORY_PAGE)
    found = mentioned(text, directory, strict=True)
    if len(found) == 1:
        person = found[0]
        return PractitionerWish(PractitionerSummary(id=person.id, display_name=person.display_name,
                                                    role=person.role), NAMED)
    if (message.get("intent") or {}).get("name") != "book_appointment":
        kept = kept_wish(tracker)
        if kept.why is not None:
            return kept
    if service and not rescheduling:
        seen = await get_client().booking_history(patient_ref(tracker.sender_id), service, limit=HISTORY)
        # the same person for the same patient: a child's doctor is not the parent's
        same = [b for b in seen if (b.dependant_label or None) == (dependant_label or None)]
        if same:
            return PractitionerWish(same[0].slot.practitioner, CONTINUITY)
    return PractitionerWish()


def service_for(wish: PractitionerWish) -> str | None:
    """The service to search when the patient named a practitioner but no service yet."""
    return SERVICE_BY_ROLE.get(wish.person.role) if wish.person else None
