"""Appends audit events inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from booking_backend.audit.models import AuditEvent

# One prebuilt Core statement on the table (not the ORM entity): compiled once, cached, no ORM state.
# Inline: nobody reads the new event's id, so PostgreSQL is not asked to return it.
_APPEND = insert(AuditEvent.__table__).inline()  # type: ignore[arg-type]


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: int,
    details: dict[str, Any] | None = None,
) -> None:
    session.execute(
        _APPEND,
        {
            "occurred_at": at,
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "details": details or {},
        },
    )
