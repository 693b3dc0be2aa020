"""Public slot search."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from booking_backend.dependencies import ClockDep, SessionDep
from booking_backend.directory.models import ServiceCode
from booking_backend.errors import InvalidRequest
from booking_backend.errors_http import responses
from booking_backend.geo import parse_near
from booking_backend.querytime import parse_query_datetime
from booking_backend.scheduling.models import DeliveryChannel
from booking_backend.scheduling.schemas import SlotPublic
from booking_backend.scheduling.search import SlotQuery, search_free_slots
from booking_backend.scheduling.weekdays import parse_weekdays
from booking_backend.types import MAX_ID

router = APIRouter(prefix="/v1", tags=["slots"])

PartOfDay = Literal["morning", "afternoon", "evening"]
OrganisationIdParam = Annotated[int, Field(ge=1, le=MAX_ID)]
MAX_ORGANISATIONS = 20


@router.get("/slots", responses=responses(404, 422))
def search_slots(
    session: SessionDep,
    clock: ClockDep,
    service: ServiceCode | None = None,
    start: Annotated[str | None, Query(description="ISO 8601; without an offset, UK time")] = None,
    end: Annotated[str | None, Query(description="ISO 8601, exclusive")] = None,
    weekday: Annotated[list[str] | None, Query(description="mon..sun, repeated or comma-separated")] = None,
    part_of_day: Annotated[list[PartOfDay] | None, Query()] = None,
    near: Annotated[str | None, Query(max_length=40, description="'lat,lon' or a UK postcode")] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=500)] = None,
    channel: DeliveryChannel | None = None,
    practitioner: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    organisation_id: Annotated[list[OrganisationIdParam] | None, Query(
        max_length=MAX_ORGANISATIONS, description="Only slots at this organisation's sites (a practice); repeatable",
    )] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SlotPublic]:
    try:
        query = SlotQuery(
            service=service,
            start=parse_query_datetime("start", start) if start else None,
            end=parse_query_datetime("end", end) if end else None,
            weekdays=parse_weekdays(weekday or []),
            parts_of_day=sorted(set(part_of_day or [])),
            near=near,
            radius_km=radius_km,
            channel=channel,
            practitioner_id=practitioner,
            organisation_ids=list(organisation_id or []),
            limit=limit,
        )
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    if query.start and query.end and query.end <= query.start:
        raise InvalidRequest("end must be after start")
    if radius_km is not None and near is None:
        raise InvalidRequest("radius_km needs near ('lat,lon' or a UK postcode)")
    if near is not None:
        try:
            parse_near(near)
        except ValueError as error:
            raise InvalidRequest(str(error)) from None
    return search_free_slots(session, query=query, now=clock.now())
