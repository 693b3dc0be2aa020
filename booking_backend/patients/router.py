"""A patient's GP practice, remembered against their pseudonym."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from booking_backend.dependencies import SessionDep
from booking_backend.directory.models import Organisation
from booking_backend.directory.schemas import OrganisationSummary
from booking_backend.errors_http import responses
from booking_backend.idempotency.dependency import StateChangeDep
from booking_backend.patients import service
from booking_backend.patients.schemas import PatientPractice, PracticeUpdate
from booking_backend.types import PatientRef

router = APIRouter(prefix="/v1", tags=["patients"])


def _practice(organisation: Organisation | None) -> PatientPractice:
    summary = OrganisationSummary.model_validate(organisation) if organisation is not None else None
    return PatientPractice(organisation=summary)


@router.get("/patients/practice")
def get_patient_practice(patient_ref: PatientRef, session: SessionDep) -> PatientPractice:
    return _practice(service.get_practice(session, ref=patient_ref))


@router.put("/patients/practice", response_model=PatientPractice, responses=responses(404, 422))
def set_patient_practice(body: PracticeUpdate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: _practice(service.set_practice(
        session, ref=body.patient_ref, organisation_id=body.organisation_id, now=now)))
