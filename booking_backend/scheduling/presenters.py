"""Turns slots into their public shape: from an ORM object, or from a `public_slot_rows` row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select

from booking_backend.database import table_of
from booking_backend.directory.models import Location, Organisation, Practitioner, Service
from booking_backend.scheduling.models import Slot
from booking_backend.scheduling.schemas import LocationSummary, PractitionerSummary, SlotPublic

SLOTS = table_of(Slot)
SERVICES, PRACTITIONERS = table_of(Service), table_of(Practitioner)
LOCATIONS, ORGANISATIONS = table_of(Location), table_of(Organisation)


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


def public_slot_rows() -> Select[Any]:
    """Exactly the columns of a slot's public shape, as plain rows: no ORM objects to build per slot."""
    return (
        select(
            SLOTS.c.id, SLOTS.c.start, SLOTS.c.end, SLOTS.c.channel, SLOTS.c.location_id,
            SERVICES.c.code.label("service"), PRACTITIONERS.c.id.label("practitioner_id"),
            PRACTITIONERS.c.display_name, PRACTITIONERS.c.role, LOCATIONS.c.name.label("location_name"),
            LOCATIONS.c.postcode, ORGANISATIONS.c.name.label("organisation"),
        )
        .join_from(SLOTS, SERVICES, SERVICES.c.id == SLOTS.c.service_id)
        .join(PRACTITIONERS, PRACTITIONERS.c.id == SLOTS.c.practitioner_id)
        .join(LOCATIONS, LOCATIONS.c.id == SLOTS.c.location_id)
        .join(ORGANISATIONS, ORGANISATIONS.c.id == LOCATIONS.c.organisation_id)
    )


def slot_public_from_row(row: Row[Any], distance_km: float | None = None) -> SlotPublic:
    """The same shape as `slot_public`, from a `public_slot_rows` row."""
    return SlotPublic(
        id=row.id,
        start=row.start,
        end=row.end,
        service=row.service,
        practitioner=PractitionerSummary(id=row.practitioner_id, display_name=row.display_name, role=row.role),
        location=LocationSummary(id=row.location_id, name=row.location_name, postcode=row.postcode,
                                 organisation=row.organisation),
        channel=row.channel,
        distance_km=distance_km,
    )
