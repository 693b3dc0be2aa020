"""Joining the waitlist."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from booking_backend.errors_http import responses
from booking_backend.idempotency.dependency import StateChangeDep
from booking_backend.waitlist.schemas import WaitlistCreate, WaitlistPublic
from booking_backend.waitlist.service import join_waitlist

router = APIRouter(prefix="/v1", tags=["waitlist"])


@router.post("/waitlist", status_code=201, response_model=WaitlistPublic, responses=responses(422))
def create_waitlist_entry(body: WaitlistCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: join_waitlist(session, data=body, now=now), status_code=201)
