"""Runs a state change once per Idempotency-Key and replays its first response."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking_backend.clock import Clock
from booking_backend.database import table_of
from booking_backend.errors import DomainError, IdempotencyMismatch
from booking_backend.idempotency.models import IdempotencyRecord

RECORDS = table_of(IdempotencyRecord)
_FIND = select(RECORDS.c.fingerprint, RECORDS.c.status_code, RECORDS.c.response).where(
    RECORDS.c.key == bindparam("key")
)
_STORE = RECORDS.insert()


def fingerprint(path: str, body: BaseModel | None) -> str:
    """A digest of what was asked: the same key with another request is refused."""
    payload = body.model_dump(mode="json") if body is not None else None
    canonical = json.dumps({"path": path, "body": payload}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: Row[Any], print_: str) -> JSONResponse:
    if record.fingerprint != print_:
        raise IdempotencyMismatch("This Idempotency-Key was already used with a different request")
    return JSONResponse(status_code=record.status_code, content=record.response, headers={"Idempotent-Replay": "true"})


def _find(session: Session, key: str) -> Row[Any] | None:
    return session.execute(_FIND, {"key": key}).one_or_none()


def _store(session: Session, *, key: str, print_: str, status_code: int, content: Any, clock: Clock) -> None:
    """Keeps the response; IntegrityError when the key is already taken."""
    session.execute(_STORE, {"key": key, "fingerprint": print_, "status_code": status_code, "response": content,
                             "created_at": clock.now()})


def run_once(
    session: Session,
    *,
    key: str | None,
    print_: str,
    clock: Clock,
    status_code: int,
    operation: Callable[[], BaseModel],
) -> JSONResponse:
    """Run `operation` and commit it together with the response kept for `key`.

    The key is not looked up first, which would cost every request a round trip: the record is
    inserted with the operation's outcome, and a retry, finding the key taken, rolls its own run
    back and answers as the first request did (or does, once a concurrent first request commits).
    """
    try:
        content = operation().model_dump(mode="json")
        if key is not None:
            _store(session, key=key, print_=print_, status_code=status_code, content=content, clock=clock)
        session.commit()
    except DomainError as error:
        session.rollback()
        if key is None:
            raise
        winner = _remember_failure(session, key=key, print_=print_, error=error, clock=clock)
        if winner is None:
            raise
        return _replay(winner, print_)
    except IntegrityError:
        session.rollback()
        # The key was taken, by an earlier request or a concurrent one that won: answer as it did.
        if key is not None and (winner := _find(session, key)) is not None:
            return _replay(winner, print_)
        raise
    return JSONResponse(status_code=status_code, content=content)


def _remember_failure(
    session: Session, *, key: str, print_: str, error: DomainError, clock: Clock
) -> Row[Any] | None:
    """Keep a refusal too, so that a retry gets the same answer; returns an earlier or concurrent winner's record."""
    try:
        _store(session, key=key, print_=print_, status_code=error.status_code, content=error.body(), clock=clock)
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
        return _find(session, key)
