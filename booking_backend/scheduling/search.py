"""Free-slot search: by service, practitioner, place, delivery channel and flexible time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from booking_backend.appointments.models import LIVE_STATUSES, Appointment, AppointmentStatus
from booking_backend.directory.models import Location, Organisation, Practitioner, Service, ServiceCode
from booking_backend.directory.places import rank_locations, resolve_point
from booking_backend.scheduling.models import ClinicSession, DeliveryChannel, Slot
from booking_backend.scheduling.schemas import LocationSummary, PractitionerSummary, SlotPublic

# Minutes of the UK day, [from, to).
PARTS_OF_DAY = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}
DEFAULT_RADIUS_KM = 25.0


@dataclass
class SlotQuery:
    service: ServiceCode | None = None
    start: datetime | None = None
    end: datetime | None = None
    weekdays: list[int] = field(default_factory=list)
    parts_of_day: list[str] = field(default_factory=list)
    near: str | None = None
    radius_km: float | None = None
    channel: DeliveryChannel | None = None
    practitioner_id: int | None = None
    limit: int = 20


def occupied(now: datetime):  # type: ignore[no-untyped-def]
    """True for a slot with a booking or an unexpired hold."""
    return exists().where(
        Appointment.slot_id == Slot.id,
        Appointment.status.in_(LIVE_STATUSES),
        or_(Appointment.status == AppointmentStatus.BOOKED, Appointment.expires_at > now),
    )


def search_free_slots(session: Session, *, query: SlotQuery, now: datetime) -> list[SlotPublic]:
    """Free, bookable slots, soonest first, or nearest first when `near` is given."""
    earliest = max(query.start, now) if query.start else now
    stmt = _slot_rows().where(
        Slot.active.is_(True),
        Slot.bookable_online.is_(True),
        Slot.start >= earliest,
        ~occupied(now),
    )
    service_id: int | None = None
    if query.end is not None:
        stmt = stmt.where(Slot.start < query.end)
    if query.service is not None:
        service_id = session.scalars(select(Service.id).where(Service.code == query.service)).one()
        stmt = stmt.where(Slot.service_id == service_id)
    if query.weekdays:
        stmt = stmt.where(Slot.local_weekday.in_(query.weekdays))
    if query.parts_of_day:
        ranges = [PARTS_OF_DAY[p] for p in query.parts_of_day]
        stmt = stmt.where(or_(*(and_(Slot.local_minute >= lo, Slot.local_minute < hi) for lo, hi in ranges)))
    if query.channel is not None:
        stmt = stmt.where(Slot.channel == query.channel)
    if query.practitioner_id is not None:
        stmt = stmt.where(Slot.practitioner_id == query.practitioner_id)
    if query.near is not None:
        return _nearest_first(session, stmt, query=query, service_id=service_id)
    rows = session.execute(stmt.order_by(Slot.start, Slot.id).limit(query.limit))
    return [_slot_public(row) for row in rows]


def _slot_rows() -> Select[Any]:
    """Exactly the columns a search result shows, as plain rows: no ORM objects to build per slot."""
    return (
        select(
            Slot.id, Slot.start, Slot.end, Slot.channel, Slot.location_id, Service.code.label("service"),
            Practitioner.id.label("practitioner_id"), Practitioner.display_name, Practitioner.role,
            Location.name.label("location_name"), Location.postcode, Organisation.name.label("organisation"),
        )
        .join(Service, Service.id == Slot.service_id)
        .join(Practitioner, Practitioner.id == Slot.practitioner_id)
        .join(Location, Location.id == Slot.location_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
    )


def _slot_public(row: Row[Any], distance_km: float | None = None) -> SlotPublic:
    """The same shape as `presenters.slot_public`, from a `_slot_rows` row."""
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


def _nearest_first(session: Session, stmt: Select[Any], *, query: SlotQuery,
                   service_id: int | None) -> list[SlotPublic]:
    """The nearest location's slots soonest first, then the next location's, and so on.

    One indexed read per location, stopping once `limit` slots are found, instead of sorting every
    matching slot of every nearby location; locations that run no matching session are skipped.
    """
    assert query.near is not None
    point = resolve_point(session, query.near)
    ranked = rank_locations(session, point, radius_km=query.radius_km or DEFAULT_RADIUS_KM)
    # Slots carry their session's location, service, practitioner and channel.
    offering = select(ClinicSession.location_id).distinct()
    if service_id is not None:
        offering = offering.where(ClinicSession.service_id == service_id)
    if query.practitioner_id is not None:
        offering = offering.where(ClinicSession.practitioner_id == query.practitioner_id)
    if query.channel is not None:
        offering = offering.where(ClinicSession.channel == query.channel)
    runs_sessions = set(session.scalars(offering))
    found: list[SlotPublic] = []
    for place in ranked:
        if place.location_id not in runs_sessions:
            continue
        here = stmt.where(Slot.location_id == place.location_id).order_by(Slot.start, Slot.id)
        rows = session.execute(here.limit(query.limit - len(found)))
        found += [_slot_public(row, place.distance_km) for row in rows]
        if len(found) >= query.limit:
            break
    return found
