"""Waitlist entries: patients who want an earlier or a suitable slot when one frees up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from booking_backend.database import Base
from booking_backend.timezone import UtcDateTime


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_service_status", "service_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting, offered, closed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
