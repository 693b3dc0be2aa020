"""The first response given for each Idempotency-Key, replayed to retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from booking_backend.database import Base
from booking_backend.timezone import UtcDateTime


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(SmallInteger)
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
