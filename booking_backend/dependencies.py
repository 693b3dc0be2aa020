"""FastAPI dependency aliases shared by the routers."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from booking_backend.clock import Clock
from booking_backend.settings import Settings


# The cheap dependencies are `async def`: FastAPI runs a plain `def` dependency in the thread pool,
# and a hop there and back for an attribute read costs more than the read.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# A read ends its transaction with COMMIT, not ROLLBACK: psycopg drops every prepared statement of a
# connection when it sees a ROLLBACK, so ending reads that way made each pooled connection parse and
# plan its statements again (an 8-second hold+book run logged 215 `DEALLOCATE ALL`).
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request; it connects on first use, in the endpoint's thread.

    Opening a session does no I/O, and nor does closing one whose transaction has ended, so both stay
    on the event loop. A transaction still open at the end goes to a thread: a read that succeeded is
    committed (it wrote nothing), anything else is rolled back. State changes commit their own.
    """
    session: Session = request.app.state.session_factory()
    succeeded = False
    try:
        yield session
        succeeded = True
    finally:
        if not session.in_transaction():
            session.close()
        elif succeeded and request.method in READ_ONLY_METHODS:
            await run_in_threadpool(_commit_and_close, session)
        else:
            await run_in_threadpool(session.close)


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Repeat a request safely: a replay returns the first response.",
    ),
]


def require_admin(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    expected = settings.admin_api_key.get_secret_value() if settings.admin_api_key else ""
    if not x_api_key or not expected or not hmac.compare_digest(x_api_key.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="A valid X-API-Key header is required")


AdminDep = Depends(require_admin)
