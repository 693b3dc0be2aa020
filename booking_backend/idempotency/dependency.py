"""`StateChangeDep`: what every state-changing route needs to run once per Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from booking_backend.clock import Clock
from booking_backend.dependencies import ClockDep, IdempotencyKey, SessionDep
from booking_backend.idempotency.service import fingerprint, run_once


class StateChange:
    """The request's session, clock and key; `run` commits the change and keeps its response."""

    def __init__(self, *, path: str, session: Session, clock: Clock, key: str | None) -> None:
        self.path = path
        self.session = session
        self.clock = clock
        self.key = key

    def run(self, body: BaseModel | None, operation: Callable[[Session, datetime], BaseModel], *,
            status_code: int = 200) -> JSONResponse:
        now = self.clock.now()
        return run_once(
            self.session,
            key=self.key,
            print_=fingerprint(self.path, body),
            clock=self.clock,
            status_code=status_code,
            operation=lambda: operation(self.session, now),
        )


async def get_state_change(request: Request, session: SessionDep, clock: ClockDep,
                           idempotency_key: IdempotencyKey = None) -> StateChange:
    # `async def`: FastAPI would run a class or a plain function in the thread pool, a hop for no I/O.
    return StateChange(path=request.url.path, session=session, clock=clock, key=idempotency_key)


StateChangeDep = Annotated[StateChange, Depends(get_state_change)]
