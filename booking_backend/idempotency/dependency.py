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

    def __init__(self, request: Request, session: SessionDep, clock: ClockDep,
                 idempotency_key: IdempotencyKey = None) -> None:
        self.path = request.url.path
        self.session: Session = session
        self.clock: Clock = clock
        self.key = idempotency_key

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


StateChangeDep = Annotated[StateChange, Depends()]
