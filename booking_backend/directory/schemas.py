"""API shapes for services, organisations, locations and practitioners."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from booking_backend.directory.models import PractitionerRole, ServiceCode
from booking_backend.types import EntityId, Latitude, Longitude


class ServicePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: ServiceCode
    name: str
    description: str


class OrganisationCreate(BaseModel):
    ods_code: str = Field(pattern=r"^[A-Z0-9]{3,10}$", description="ODS-style code, upper case")
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    postcode: str = Field(min_length=5, max_length=10)
    latitude: Latitude
    longitude: Longitude


class OrganisationPublic(OrganisationCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class OrganisationSummary(BaseModel):
    """A practice as a patient picks it: enough to tell it apart, nothing more."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    ods_code: str
    name: str
    postcode: str


class LocationCreate(BaseModel):
    organisation_id: EntityId
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    postcode: str = Field(min_length=5, max_length=10)
    latitude: Latitude
    longitude: Longitude


class LocationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    address: str
    postcode: str
    latitude: float
    longitude: float
    organisation_id: int


class PractitionerCreate(BaseModel):
    organisation_id: EntityId
    role: PractitionerRole
    display_name: str = Field(min_length=1, max_length=120)
    bio: str = Field(default="", max_length=2000)
    photo_url: HttpUrl | None = None
    languages: list[str] = Field(default_factory=lambda: ["en"], max_length=20)


class PractitionerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    role: PractitionerRole
    display_name: str
    bio: str
    photo_url: str
    languages: list[str]
    organisation_id: int
    organisation_name: str
    distance_km: float | None = None
