"""Resolves a `near` value against the locations we know and ranks them by distance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking_backend.directory.models import Location
from booking_backend.errors import InvalidRequest, NotFound
from booking_backend.geo import GeoPoint, PostcodeQuery, distance_km, parse_near


@dataclass(frozen=True)
class RankedLocation:
    location_id: int
    organisation_id: int
    distance_km: float


def resolve_point(session: Session, near: str) -> GeoPoint:
    """A point for `near`; a postcode is placed at the centre of our locations that share it."""
    try:
        parsed = parse_near(near)
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    if isinstance(parsed, GeoPoint):
        return parsed
    return _postcode_centre(session, parsed)


def _postcode_centre(session: Session, query: PostcodeQuery) -> GeoPoint:
    places = [loc for loc in session.scalars(select(Location)) if query.matches(loc.postcode)]
    if not places:
        raise NotFound("No service is known near that postcode; try 'latitude,longitude' or a nearby postcode")
    return GeoPoint(
        sum(p.latitude for p in places) / len(places),
        sum(p.longitude for p in places) / len(places),
    )


def rank_locations(session: Session, point: GeoPoint, *, radius_km: float | None) -> list[RankedLocation]:
    """Locations within `radius_km` of `point` (all when None), nearest first."""
    ranked = []
    for loc in session.scalars(select(Location)):
        km = distance_km(point, GeoPoint(loc.latitude, loc.longitude))
        if radius_km is None or km <= radius_km:
            ranked.append(RankedLocation(loc.id, loc.organisation_id, round(km, 2)))
    return sorted(ranked, key=lambda r: (r.distance_km, r.location_id))
