"""Reading and creating services, organisations, locations and practitioners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking_backend.audit import service as audit
from booking_backend.directory.models import Location, Organisation, Practitioner, PractitionerRole, Service
from booking_backend.directory.places import rank_locations, resolve_point
from booking_backend.directory.schemas import (
    LocationCreate,
    OrganisationCreate,
    PractitionerCreate,
    PractitionerPublic,
    ServicePublic,
)
from booking_backend.errors import InvalidRequest, NotFound


def list_services(session: Session) -> list[ServicePublic]:
    return [ServicePublic.model_validate(s) for s in session.scalars(select(Service).order_by(Service.id))]


def photo_path(practitioner_id: int) -> str:
    return f"/v1/practitioners/{practitioner_id}/photo.svg"


def practitioner_public(practitioner: Practitioner, *, distance_km: float | None = None) -> PractitionerPublic:
    return PractitionerPublic(
        id=practitioner.id,
        role=practitioner.role,
        display_name=practitioner.display_name,
        bio=practitioner.bio,
        photo_url=practitioner.photo_url or photo_path(practitioner.id),
        languages=list(practitioner.languages),
        organisation_id=practitioner.organisation_id,
        organisation_name=practitioner.organisation.name,
        distance_km=distance_km,
    )


def list_practitioners(
    session: Session, *, role: PractitionerRole | None, near: str | None, radius_km: float | None, limit: int
) -> list[PractitionerPublic]:
    """Practitioners, by name; nearest first when `near` is given."""
    stmt = select(Practitioner).order_by(Practitioner.display_name, Practitioner.id)
    if role is not None:
        stmt = stmt.where(Practitioner.role == role)
    practitioners = list(session.scalars(stmt).unique())
    if near is None:
        return [practitioner_public(p) for p in practitioners[:limit]]
    distances: dict[int, float] = {}
    for ranked in rank_locations(session, resolve_point(session, near), radius_km=radius_km):
        distances.setdefault(ranked.organisation_id, ranked.distance_km)
    nearby = [p for p in practitioners if p.organisation_id in distances]
    nearby.sort(key=lambda p: (distances[p.organisation_id], p.display_name, p.id))
    return [practitioner_public(p, distance_km=distances[p.organisation_id]) for p in nearby[:limit]]


def get_practitioner(session: Session, practitioner_id: int) -> Practitioner:
    practitioner = session.get(Practitioner, practitioner_id)
    if practitioner is None:
        raise NotFound(f"No practitioner with id {practitioner_id}")
    return practitioner


def create_organisation(session: Session, *, data: OrganisationCreate, now: datetime) -> Organisation:
    if session.scalars(select(Organisation.id).where(Organisation.ods_code == data.ods_code)).first():
        raise InvalidRequest(f"An organisation with ODS code {data.ods_code} already exists")
    organisation = Organisation(**data.model_dump())
    session.add(organisation)
    session.flush()
    audit.record(session, at=now, actor="admin", action="organisation_created", entity_type="organisation",
                 entity_id=organisation.id)
    return organisation


def _require_organisation(session: Session, organisation_id: int) -> None:
    if session.get(Organisation, organisation_id) is None:
        raise NotFound(f"No organisation with id {organisation_id}")


def create_location(session: Session, *, data: LocationCreate, now: datetime) -> Location:
    _require_organisation(session, data.organisation_id)
    location = Location(**data.model_dump())
    session.add(location)
    session.flush()
    audit.record(session, at=now, actor="admin", action="location_created", entity_type="location",
                 entity_id=location.id)
    return location


def create_practitioner(session: Session, *, data: PractitionerCreate, now: datetime) -> PractitionerPublic:
    _require_organisation(session, data.organisation_id)
    values = data.model_dump(mode="json")
    practitioner = Practitioner(**values)
    session.add(practitioner)
    session.flush()
    session.refresh(practitioner)
    audit.record(session, at=now, actor="admin", action="practitioner_created", entity_type="practitioner",
                 entity_id=practitioner.id)
    return practitioner_public(practitioner)
