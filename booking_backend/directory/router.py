"""Public directory: services, practices and practitioners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from booking_backend.dependencies import SessionDep
from booking_backend.directory import service
from booking_backend.directory.avatar import initials_svg
from booking_backend.directory.models import PractitionerRole
from booking_backend.directory.practices import find_practices
from booking_backend.directory.schemas import OrganisationSummary, PractitionerPublic, ServicePublic
from booking_backend.errors_http import responses
from booking_backend.types import IdPath

router = APIRouter(prefix="/v1", tags=["directory"])


@router.get("/services")
def list_services(session: SessionDep) -> list[ServicePublic]:
    return service.list_services(session)


@router.get("/organisations")
def search_organisations(
    session: SessionDep,
    q: Annotated[str, Query(max_length=100, description="Part of the practice's name (every word of 3+ letters "
                            "must appear), or a UK postcode, full or its outward code")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[OrganisationSummary]:
    """Practices matching `q`, best match first, then by name."""
    return [OrganisationSummary.model_validate(o) for o in find_practices(session, q=q, limit=limit)]


@router.get("/practitioners", responses=responses(404))
def list_practitioners(
    session: SessionDep,
    role: PractitionerRole | None = None,
    near: Annotated[str | None, Query(max_length=40, description="'lat,lon' or a UK postcode")] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PractitionerPublic]:
    return service.list_practitioners(session, role=role, near=near, radius_km=radius_km, limit=limit)


@router.get("/practitioners/{practitioner_id}", responses=responses(404))
def get_practitioner(practitioner_id: IdPath, session: SessionDep) -> PractitionerPublic:
    return service.practitioner_public(service.get_practitioner(session, practitioner_id))


@router.get("/practitioners/{practitioner_id}/photo.svg", responses=responses(404), response_class=Response)
def practitioner_photo(practitioner_id: IdPath, session: SessionDep) -> Response:
    practitioner = service.get_practitioner(session, practitioner_id)
    return Response(
        initials_svg(practitioner.display_name, practitioner.id),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
