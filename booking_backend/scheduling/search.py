"""Free-slot search: by service, practitioner, place, delivery channel and flexible time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, literal_column, or_, select
from sqlalchemy.orm import Session

from booking_backend.appointments.models import LIVE_STATUSES, Appointment, AppointmentStatus
from booking_backend.database import sql_constant, table_of
from booking_backend.directory.models import ServiceCode
from booking_backend.directory.places import rank_locations, resolve_point
from booking_backend.scheduling.models import ClinicSession, DeliveryChannel
from booking_backend.scheduling.presenters import LOCATIONS, SERVICES, SLOTS, public_slot_rows, slot_public_from_row
from booking_backend.scheduling.schemas import SlotPublic

# Minutes of the UK day, [from, to).
PARTS_OF_DAY = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}
DEFAULT_RADIUS_KM = 25.0
APPOINTMENTS, SESSIONS = table_of(Appointment), table_of(ClinicSession)
_SERVICE_ID = select(SERVICES.c.id).where(SERVICES.c.code == bindparam("code"))


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
    # Slots at the sites of any of these organisations (a patient's own practice); empty means anywhere.
    organisation_ids: list[int] = field(default_factory=list)
    limit: int = 20


def occupied(now: Any):  # type: ignore[no-untyped-def]
    """True for a slot with a booking or an unexpired hold, checked slot by slot through the index.

    The statuses are constants in the SQL, so that PostgreSQL can use the partial unique index of live
    appointments in a reusable (generic) plan too; as parameters they ruled it out, and each check
    read the whole table. `OFFSET 0` keeps the check a probe of that index for each slot the search
    reads: as an anti-join, the planner, expecting a LIMIT to be met after a few slots, read every
    live appointment into memory and compared each slot with all of them, which grew to ~45 ms a
    search once the soonest slots filled up (the common case, also in a practice's real diary).
    """
    column = APPOINTMENTS.c
    return exists(
        select(literal_column("1"))
        .where(column.slot_id == SLOTS.c.id,
               column.status.in_([sql_constant(status) for status in LIVE_STATUSES]),
               or_(column.status == sql_constant(AppointmentStatus.BOOKED), column.expires_at > now))
        .offset(literal_column("0"))
    )


@lru_cache(maxsize=1024)
def _statement(*, end: bool, service: bool, weekdays: tuple[int, ...], parts_of_day: tuple[str, ...],
               channel: bool, practitioner: bool, location: bool, limit: int,
               organisations: bool = False) -> Select[Any]:
    """The search for one combination of filters, the other values left as parameters.

    Built once per combination: SQLAlchemy then reuses its cache key and compiled SQL instead of
    building, hashing and looking up a new statement for every search.

    The limit, the weekdays and the parts of day are constants in the SQL, as the plan depends on
    them. With the limit as a parameter, PostgreSQL costs a reusable (generic) plan as if it read a
    tenth of the slots, so it plans every search anew, which takes several times as long as running
    it; with a constant limit it settles on one plan per statement where that plan is as good.
    """
    stmt = public_slot_rows().where(
        SLOTS.c.active.is_(True),
        SLOTS.c.bookable_online.is_(True),
        SLOTS.c.start >= bindparam("earliest"),
        ~occupied(bindparam("now", type_=SLOTS.c.start.type)),
    )
    if end:
        stmt = stmt.where(SLOTS.c.start < bindparam("end"))
    if service:
        stmt = stmt.where(SLOTS.c.service_id == bindparam("service_id"))
    # Whether the index on (service, weekday, minute) or the service's soonest slots are the quicker
    # way in depends on the weekdays and parts of day: the planner's statistics need their values.
    if weekdays:
        stmt = stmt.where(SLOTS.c.local_weekday.in_([literal_column(str(int(day))) for day in weekdays]))
    if parts_of_day:
        ranges = [PARTS_OF_DAY[p] for p in parts_of_day]
        stmt = stmt.where(or_(*(and_(SLOTS.c.local_minute >= literal_column(str(lo)),
                                     SLOTS.c.local_minute < literal_column(str(hi)))
                                for lo, hi in ranges)))
    if channel:
        stmt = stmt.where(SLOTS.c.channel == bindparam("channel"))
    if practitioner:
        stmt = stmt.where(SLOTS.c.practitioner_id == bindparam("practitioner_id"))
    if location:
        stmt = stmt.where(SLOTS.c.location_id == bindparam("location_id"))
    if organisations:
        # By the slot's location, so that the (location, service, start) index still leads the way in.
        sites = select(LOCATIONS.c.id).where(
            LOCATIONS.c.organisation_id.in_(bindparam("organisation_ids", expanding=True)))
        stmt = stmt.where(SLOTS.c.location_id.in_(sites))
    return stmt.order_by(SLOTS.c.start, SLOTS.c.id).limit(literal_column(str(int(limit))))


def search_free_slots(session: Session, *, query: SlotQuery, now: datetime) -> list[SlotPublic]:
    """Free, bookable slots, soonest first, or nearest first when `near` is given."""
    service_id = None
    if query.service is not None:
        service_id = session.execute(_SERVICE_ID, {"code": query.service}).scalar_one()
    stmt = _statement(end=query.end is not None, service=service_id is not None, weekdays=tuple(query.weekdays),
                      parts_of_day=tuple(query.parts_of_day), channel=query.channel is not None,
                      practitioner=query.practitioner_id is not None, location=query.near is not None,
                      organisations=bool(query.organisation_ids), limit=query.limit)
    params: dict[str, Any] = {
        "earliest": max(query.start, now) if query.start else now, "now": now, "end": query.end,
        "service_id": service_id, "channel": query.channel,
        "practitioner_id": query.practitioner_id,
    }
    if query.organisation_ids:
        params["organisation_ids"] = sorted(set(query.organisation_ids))
    if query.near is not None:
        return _nearest_first(session, stmt, params, query=query, service_id=service_id)
    return [slot_public_from_row(row) for row in session.execute(stmt, params)]


def _nearest_first(session: Session, stmt: Select[Any], params: dict[str, Any], *, query: SlotQuery,
                   service_id: int | None) -> list[SlotPublic]:
    """The nearest location's slots soonest first, then the next location's, and so on.

    One indexed read per location, stopping once `limit` slots are found, instead of sorting every
    matching slot of every nearby location; locations that run no matching session are skipped.
    """
    assert query.near is not None
    point = resolve_point(session, query.near)
    ranked = rank_locations(session, point, radius_km=query.radius_km or DEFAULT_RADIUS_KM)
    # Slots carry their session's location, service, practitioner and channel.
    offering = select(SESSIONS.c.location_id).distinct()
    if service_id is not None:
        offering = offering.where(SESSIONS.c.service_id == service_id)
    if query.practitioner_id is not None:
        offering = offering.where(SESSIONS.c.practitioner_id == query.practitioner_id)
    if query.channel is not None:
        offering = offering.where(SESSIONS.c.channel == query.channel)
    runs_sessions = set(session.scalars(offering))
    found: list[SlotPublic] = []
    organisations = set(query.organisation_ids)
    for place in ranked:
        if place.location_id not in runs_sessions or (organisations and place.organisation_id not in organisations):
            continue
        # The same statement (and plan) for every location, so its limit stays `query.limit`.
        rows = session.execute(stmt, {**params, "location_id": place.location_id}).all()[:query.limit - len(found)]
        found += [slot_public_from_row(row, place.distance_km) for row in rows]
        if len(found) >= query.limit:
            break
    return found
