"""Turns slot rows into their public shape."""

from __future__ import annotations

from booking_backend.scheduling.models import Slot
from booking_backend.scheduling.schemas import LocationSummary, PractitionerSummary, SlotPublic


def slot_public(slot: Slot, *, distance_km: float | None = None) -> SlotPublic:
    return SlotPublic(
        id=slot.id,
        start=slot.start,
        end=slot.end,
        service=slot.service.code,
        practitioner=PractitionerSummary.model_validate(slot.practitioner),
        location=LocationSummary(
            id=slot.location.id,
            name=slot.location.name,
            postcode=slot.location.postcode,
            organisation=slot.location.organisation.name,
        ),
        channel=slot.channel,
        distance_km=distance_km,
    )
