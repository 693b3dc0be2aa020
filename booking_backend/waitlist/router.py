"""Joining the waitlist."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from booking_backend.dependencies import ClockDep, IdempotencyKey, SessionDep
from booking_backend.errors_http import responses
from booking_backend.idempotency.service import fingerprint, run_once
from booking_backend.waitlist.schemas import WaitlistCreate, WaitlistPublic
from booking_backend.waitlist.service import join_waitlist

router = APIRouter(prefix="/v1", tags=["waitlist"])


@router.post("/waitlist", status_code=201, response_model=WaitlistPublic, responses=responses(422))
def create_waitlist_entry(
    body: WaitlistCreate,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=201,
        operation=lambda: join_waitlist(session, data=body, now=now),
    )
