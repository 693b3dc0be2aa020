"""`StateChangeDep`: what every state-changing route needs to run once per Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from booking_backend.clock import Clock
from booking_backend.dependencies import IdempotencyKey
from booking_backend.idempotency.service import fingerprint, run_once
from booking_backend.settings import Settings


class StateChange:
    """The request's path, key, clock and settings; `run` commits the change in a session of its own and
    keeps its response."""

    def __init__(self, *, path: str, key: str | None, settings: Settings, clock: Clock,
                 sessions: Callable[[], Session]) -> None:
        self.path = path
        self.key = key
        self.settings = settings
        self.clock = clock
        self._sessions = sessions

    def run(self, body: BaseModel | None, operation: Callable[[Session, datetime], BaseModel], *,
            status_code: int = 200) -> JSONResponse:
        now = self.clock.now()
        # Closing the session rolls back whatever an unexpected error left open: nothing half-written.
        with self._sessions() as session:
            return run_once(
                session,
                key=self.key,
                print_=fingerprint(self.path, body),
                clock=self.clock,
                status_code=status_code,
                operation=lambda: operation(session, now),
            )


async def get_state_change(request: Request, idempotency_key: IdempotencyKey = None) -> StateChange:
    # One dependency, reading the app's state itself, and the session opened in the endpoint's thread:
    # every dependency FastAPI resolves costs CPU, a generator one (the request session) most, and on a
    # hold or a booking that was a third of the backend's CPU, more than its database work
    # (`make bench-backend`, profiled with py-spy). `async def`: a plain function would be run in the
    # thread pool, a hop for no I/O.
    state: Any = request.app.state
    return StateChange(path=request.scope["path"], key=idempotency_key, settings=state.settings, clock=state.clock,
                       sessions=state.session_factory)


StateChangeDep = Annotated[StateChange, Depends(get_state_change)]
