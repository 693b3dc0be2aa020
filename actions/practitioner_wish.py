""""I'd like to see Dr Williams": the practitioner a booking request asks for, kept for the flow.

The name is matched strictly (a title or the first name before the surname) against the directory
for the service, so "my young son" asks for nobody. A fresh request without a name asks for nobody.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.backend_client import PractitionerSummary, get_client
from actions.practitioner_match import DIRECTORY_PAGE, ROLE_BY_SERVICE, SERVICE_BY_ROLE, mentioned

PREFERRED_PRACTITIONER = "preferred_practitioner"


def kept_practitioner(tracker: Tracker) -> PractitionerSummary | None:
    value = tracker.get_slot(PREFERRED_PRACTITIONER)
    return PractitionerSummary.parse_obj(value) if isinstance(value, dict) else None


async def practitioner_wish(tracker: Tracker, service: str | None) -> PractitionerSummary | None:
    """The practitioner this message asks for, else the one asked for earlier in the flow."""
    message: dict[str, Any] = tracker.latest_message or {}
    text = str(message.get("text") or "")
    directory = await get_client().practitioners(role=ROLE_BY_SERVICE.get(service or ""), limit=DIRECTORY_PAGE)
    found = mentioned(text, directory, strict=True)
    if len(found) == 1:
        return PractitionerSummary(id=found[0].id, display_name=found[0].display_name, role=found[0].role)
    if (message.get("intent") or {}).get("name") == "book_appointment":
        return None
    return kept_practitioner(tracker)


def service_for(practitioner: PractitionerSummary | None) -> str | None:
    """The service to search when the patient named a practitioner but no service yet."""
    return SERVICE_BY_ROLE.get(practitioner.role) if practitioner else None
